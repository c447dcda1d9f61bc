import Foundation
import Logging
import MQTT
import TestSupport

/// A real mosquitto on a free loopback port, stopped when the test ends (or on deinit).
final class BrokerFixture: @unchecked Sendable {
    private(set) var process: ChildProcess
    let port: Int

    init() throws {
        (process, port) = try Mosquitto.start()
    }

    deinit { process.stop() }

    /// Stops the broker (SIGTERM, then SIGKILL), as a broker restart or crash would.
    func stop() { process.stop(grace: 1) }

    /// Starts a new broker on the same port.
    func restart() throws {
        process.stop(grace: 1)
        (process, _) = try Mosquitto.start(port: port)
    }

    func options(clientID: String? = nil, cleanSession: Bool = true, will: LastWill? = nil) -> MQTTClientOptions {
        MQTTClientOptions(
            host: "127.0.0.1", port: port, clientID: clientID, cleanSession: cleanSession, keepalive: .seconds(10),
            will: will, reconnect: ReconnectPolicy(initial: .milliseconds(100), maximum: .milliseconds(500)))
    }

    /// Publishes with the real `mosquitto_pub` client and waits for it to finish.
    func mosquittoPub(topic: String, message: String, qos: Int = 1, retain: Bool = false) throws {
        var arguments = ["-h", "127.0.0.1", "-p", String(port), "-t", topic, "-m", message, "-q", String(qos)]
        if retain { arguments.append("-r") }
        let child = try ChildProcess(Executable.path(named: "mosquitto_pub"), arguments)
        guard child.wait(timeout: 10) == 0 else { throw PeerError(message: "mosquitto_pub failed") }
    }

    /// Starts the real `mosquitto_sub`, writing what it receives (`-v`: "topic payload" lines) to a file.
    func mosquittoSub(topic: String, count: Int, extra: [String] = []) throws -> (ChildProcess, URL) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-sub-\(UUID().uuidString).txt")
        let arguments = ["-h", "127.0.0.1", "-p", String(port), "-t", topic, "-v", "-C", String(count)] + extra
        let child = try ChildProcess(Executable.path(named: "mosquitto_sub"), arguments, outputPath: output.path)
        return (child, output)
    }
}

/// A logger that discards everything (tests never bootstrap logging).
let quietLogger = Logger(label: "prognos.mqtt.tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// Waits (polling) until `condition` holds; false after `timeout`.
func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return true
}
