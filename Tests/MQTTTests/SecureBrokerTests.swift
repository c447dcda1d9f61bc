import Foundation
import MQTT
import PrognosCore
import Synchronization
import Testing
import TestSupport

/// A mosquitto with TLS (client certificates required) and a password file, as PLATFORM.md's
/// security baseline asks; certificates are made with the openssl command line for each run.
final class SecureBroker: @unchecked Sendable {
    let folder: URL
    let port = Loopback.freePort()
    private var process: ChildProcess?

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Prognos test CA",
            "-keyout", "ca.key", "-out", "ca.crt")
        for name in ["server", "client"] {
            try run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(name)", "-keyout", "\(name).key", "-out", "\(name).csr")
            try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(to: path("\(name).ext"), atomically: true, encoding: .utf8)
            try run("openssl", "x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "\(name).ext", "-out", "\(name).crt")
        }
        try run(Peers.findExecutable("mosquitto_passwd"), "-b", "-c", "passwd", "sensor-reader", "correct horse")
        let config = """
            user root
            listener \(port) 127.0.0.1
            allow_anonymous false
            password_file \(path("passwd").path)
            cafile \(path("ca.crt").path)
            certfile \(path("server.crt").path)
            keyfile \(path("server.key").path)
            require_certificate true
            """
        try config.write(to: path("mosquitto.conf"), atomically: true, encoding: .utf8)
        let broker = try ChildProcess(Peers.findExecutable("mosquitto"), ["-c", path("mosquitto.conf").path], outputPath: path("log").path)
        process = broker
        guard Loopback.waitUntilListening(port: port) else { throw Peers.PeerError(message: "TLS mosquitto did not start") }
    }

    deinit {
        process?.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    func path(_ name: String) -> URL { folder.appendingPathComponent(name) }

    private func run(_ executable: String, _ arguments: String...) throws {
        // ChildProcess runs in the current directory; give absolute paths for the files made here.
        let absolute = arguments.map { argument in
            ["ca.key", "ca.crt", "passwd"].contains(argument) || argument.hasSuffix(".key") || argument.hasSuffix(".csr")
                || argument.hasSuffix(".crt") || argument.hasSuffix(".ext") ? path(argument).path : argument
        }
        let child = try ChildProcess(executable, absolute)
        guard child.wait(timeout: 30) == 0 else { throw Peers.PeerError(message: "\(executable) failed") }
    }

    func options(password: Secret) -> MQTTClientOptions {
        MQTTClientOptions(
            host: "127.0.0.1", port: port, username: "sensor-reader", password: password,
            tls: TLSSettings(caFile: path("ca.crt").path, certFile: path("client.crt").path, keyFile: path("client.key").path),
            reconnect: ReconnectPolicy(initial: .milliseconds(100), maximum: .milliseconds(300)))
    }
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct SecureBrokerTests {
    @Test func tlsWithClientCertificateAndPasswordFromAFile() async throws {
        let broker = try SecureBroker()
        let secret = broker.path("password")
        try "correct horse\n".write(to: secret, atomically: true, encoding: .utf8)
        let client = try MQTTClient(options: broker.options(password: .file(secret.path)), logger: quietLogger)
        defer { client.close() }
        let received = Mutex<[String]>([])
        client.onMessage { message in received.withLock { $0.append(String(decoding: message.payload, as: UTF8.self)) } }
        try client.subscribe("secure/#")
        client.start()
        #expect(await client.waitUntilReady(timeout: .seconds(15)))
        _ = try await client.publishAcknowledged(topic: "secure/x", payload: Array("42".utf8), timeout: .seconds(10))
        #expect(await eventually { received.withLock { $0 } == ["42"] })
    }

    @Test func wrongPasswordIsRefusedWithTheBrokersReasonAndRetried() async throws {
        let broker = try SecureBroker()
        // A variable only this test reads.
        setenv("PROGNOS_TEST_MQTT_PASSWORD", "wrong", 1)
        let options = broker.options(password: .environment("PROGNOS_TEST_MQTT_PASSWORD"))
        let client = try MQTTClient(options: options, logger: quietLogger)
        defer { client.close() }
        let refusals = Mutex<[MQTTError]>([])
        client.onConnectionEvent { event in
            if case .connectFailed(let error) = event { refusals.withLock { $0.append(error) } }
        }
        client.start()
        #expect(await eventually { refusals.withLock { $0.count } >= 2 })  // refused, then retried
        let first = try #require(refusals.withLock { $0.first })
        #expect(first.code == .connectionRefused)
        #expect(first.message.lowercased().contains("not authori"))
        #expect(!client.isConnected)
    }
}
