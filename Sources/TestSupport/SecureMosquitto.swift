import Foundation

/// A mosquitto as the security baseline in docs/security.md asks: a TLS listener on a free loopback port that
/// requires a client certificate, `allow_anonymous false`, a password file made with
/// `mosquitto_passwd` and, when given, an ACL file. The CA, the server's certificate and one
/// certificate per client name are made with the openssl command line for each run, in a folder
/// removed with the broker.
public final class SecureMosquitto: @unchecked Sendable {
    public let folder: URL
    public let port = Loopback.freePort()
    private var process: ChildProcess?

    /// `users`: name → password. `acl`: the ACL file's text (mosquitto's `user NAME` / `topic read|write|readwrite
    /// PATTERN` lines), or nil for none (every authenticated user may then read and write everything).
    /// `clients`: the names to make client certificates for (`NAME.crt`, `NAME.key`).
    public init(users: [String: String], acl: String? = nil, clients: [String] = ["client"]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try run(
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Prognos test CA",
            "-keyout", file("ca.key"), "-out", file("ca.crt"))
        for name in ["server"] + clients {
            try run(
                "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(name)", "-keyout",
                file("\(name).key"),
                "-out", file("\(name).csr"))
            try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(
                to: path("\(name).ext"), atomically: true, encoding: .utf8)
            try run(
                "openssl", "x509", "-req", "-in", file("\(name).csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"),
                "-CAcreateserial", "-days", "2", "-extfile", file("\(name).ext"), "-out", file("\(name).crt"))
        }
        for (index, (user, password)) in users.sorted(by: { $0.key < $1.key }).enumerated() {
            // -c creates the file with the first user.
            try run(
                Executable.path(named: "mosquitto_passwd"),
                arguments: ["-b"] + (index == 0 ? ["-c"] : []) + [file("passwd"), user, password])
        }
        var config = """
            user root
            listener \(port) 127.0.0.1
            allow_anonymous false
            password_file \(file("passwd"))
            cafile \(file("ca.crt"))
            certfile \(file("server.crt"))
            keyfile \(file("server.key"))
            require_certificate true
            log_type all

            """
        if let acl {
            try acl.write(to: path("acl"), atomically: true, encoding: .utf8)
            config += "acl_file \(file("acl"))\n"
        }
        try config.write(to: path("mosquitto.conf"), atomically: true, encoding: .utf8)
        let broker = try ChildProcess(
            Executable.path(named: "mosquitto"), ["-c", file("mosquitto.conf")], outputPath: file("log"))
        process = broker
        guard Loopback.waitUntilListening(port: port) else {
            throw PeerError(message: "TLS mosquitto did not start: \(log)")
        }
    }

    deinit {
        process?.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    public func path(_ name: String) -> URL { folder.appendingPathComponent(name) }
    public func file(_ name: String) -> String { path(name).path }

    /// What the broker logged (connections, refusals, ACL denials).
    public var log: String { (try? String(contentsOf: path("log"), encoding: .utf8)) ?? "" }

    /// Arguments for `mosquitto_sub` / `mosquitto_pub` to reach this broker over TLS: with `client`'s
    /// certificate (nil: none) and, when `user` is given, its name and password.
    public func clientArguments(user: String?, password: String?, client: String? = "client") -> [String] {
        var arguments = ["-h", "127.0.0.1", "-p", String(port), "--cafile", file("ca.crt")]
        if let client { arguments += ["--cert", file("\(client).crt"), "--key", file("\(client).key")] }
        if let user { arguments += ["-u", user] }
        if let password { arguments += ["-P", password] }
        return arguments
    }

    private func run(_ executable: String, _ arguments: String...) throws {
        try run(executable, arguments: arguments)
    }

    private func run(_ executable: String, arguments: [String]) throws {
        let child = try ChildProcess(executable, arguments)
        guard child.wait(timeout: 30) == 0 else {
            throw PeerError(message: "\(executable) \(arguments.first ?? "") failed")
        }
    }
}
