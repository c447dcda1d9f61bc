import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` in a new temporary folder,
/// `postgres` on a free loopback port (its socket in that folder too), superuser `prognos` with
/// trust authentication on loopback. PostgreSQL refuses to run as root, so as root it runs as
/// `nobody` (through `runuser`). `stop()` (or deinit) shuts it down fast and removes the folder.
public final class PostgresServer: @unchecked Sendable {
    public let port: Int
    public let directory: String
    public let user = "prognos"
    private let process: ChildProcess

    /// postgres://prognos@127.0.0.1:PORT/DATABASE?sslmode=disable
    public func url(database: String = "postgres") -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Initialises and starts the cluster; throws with initdb's or postgres's own output when either fails.
    public init(port: Int = Loopback.freePort(), settings: [String: String] = [:]) throws {
        self.port = port
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("prognos-pg-\(UUID().uuidString)").path
        let data = directory + "/data"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let asRoot = getuid() == 0
        if asRoot { try Self.giveToNobody(directory) }
        func command(_ tool: String, _ arguments: [String]) throws -> (String, [String]) {
            let path = try Self.find(tool)
            return asRoot
                ? (Executable.path(named: "runuser"), ["-u", "nobody", "--", path] + arguments) : (path, arguments)
        }

        let initLog = directory + "/initdb.log"
        let (initTool, initArguments) = try command(
            "initdb", ["-D", data, "-U", user, "-A", "trust", "-E", "UTF8", "--no-instructions", "--no-sync"])
        let initdb = try ChildProcess(
            initTool, initArguments, environment: ["LC_ALL": "C", "PATH": "/usr/bin:/bin"], outputPath: initLog)
        guard initdb.wait(timeout: 120) == 0 else {
            initdb.stop()
            let output = (try? String(contentsOfFile: initLog, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: directory)
            throw PeerError(message: "initdb failed: \(output.suffix(2000))")
        }

        let log = directory + "/postgres.log"
        var options = ["listen_addresses": "127.0.0.1", "unix_socket_directories": directory, "max_connections": "50"]
        options.merge(settings) { _, new in new }
        let arguments =
            ["-D", data, "-p", String(port)]
            + options.sorted { $0.key < $1.key }.flatMap { ["-c", "\($0.key)=\($0.value)"] }
        let (serverTool, serverArguments) = try command("postgres", arguments)
        process = try ChildProcess(
            serverTool, serverArguments, environment: ["LC_ALL": "C", "PATH": "/usr/bin:/bin"], outputPath: log)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.contains("database system is ready to accept connections") { return }
            if !process.isRunning { break }
            usleep(50_000)
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        process.stop()
        try? FileManager.default.removeItem(atPath: directory)
        throw PeerError(message: "postgres did not start on port \(port): \(output.suffix(2000))")
    }

    deinit { stop() }

    /// Fast shutdown (SIGINT: clients are disconnected), then the folder is removed.
    public func stop() {
        if process.isRunning {
            process.signal(SIGINT)
            if process.wait(timeout: 10) == nil { process.stop() }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A PostgreSQL program: from PATH (Debian's postgresql-common does not put initdb there),
    /// /usr/local/bin, or the newest /usr/lib/postgresql/VERSION/bin (Debian's package).
    public static func find(_ tool: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        var folders = path.split(separator: ":").map(String.init) + ["/usr/local/bin"]
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        folders += versions.compactMap(Int.init).sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
        for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + tool) {
            return folder + "/" + tool
        }
        throw PeerError(message: "\(tool) not found (install Debian's postgresql package: make deps)")
    }

    private static func giveToNobody(_ path: String) throws {
        guard let entry = getpwnam("nobody") else { throw PeerError(message: "no user nobody to run postgres as") }
        guard chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
            throw PeerError(message: "cannot hand \(path) to nobody: \(String(cString: strerror(errno)))")
        }
    }
}
