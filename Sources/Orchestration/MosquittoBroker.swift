import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A mosquitto started from a configuration file of its own (the demo's broker, bridges,
/// persistence for the tests). It listens on 127.0.0.1:`port` with anonymous clients, keeps
/// its persistence file in `folder`, and can be stopped and started again on the same port and
/// folder (a broker restart, or a cut link for the bridges that point at it).
public final class MosquittoBroker: @unchecked Sendable {
    public let port: Int
    public let folder: String
    public let configPath: String
    public private(set) var process: ChildProcess

    /// Writes `folder`/mosquitto.conf (listener, anonymous, persistence, then `bridge`) and starts it.
    /// `settings`: more lines of mosquitto configuration (e.g. `max_queued_messages 0` for a central broker).
    public init(
        folder: String, port: Int = Loopback.freePort(), persistence: Bool = true, bridge: String = "",
        settings: String = ""
    ) throws {
        self.port = port
        self.folder = folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Started as root, mosquitto runs as the user `mosquitto`: it must be able to save its queue here.
        if persistence { chmod(folder, 0o777) }
        configPath = folder + "/mosquitto.conf"
        var text = "listener \(port) 127.0.0.1\nallow_anonymous true\nlog_type all\n" + settings
        if persistence {
            text += "persistence true\npersistence_location \(folder)/\n"
        }
        // The bridge's own persistence lines come after ours; mosquitto takes the last one.
        text += bridge.replacingOccurrences(of: "persistence_location ", with: "#persistence_location ")
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        process = try Self.launch(configPath: configPath, folder: folder, port: port)
    }

    private static func launch(configPath: String, folder: String, port: Int) throws -> ChildProcess {
        let process = try ChildProcess(
            Executable.path(named: "mosquitto"), ["-c", configPath], outputPath: folder + "/mosquitto.log")
        guard Loopback.waitUntilListening(port: port) else {
            process.stop()
            let log = (try? String(contentsOfFile: folder + "/mosquitto.log", encoding: .utf8)) ?? ""
            throw PeerError(message: "mosquitto -c \(configPath) did not listen on \(port):\n\(log.suffix(2000))")
        }
        return process
    }

    deinit { stop() }

    /// What the broker logged (every start appends to it).
    public var log: String { (try? String(contentsOfFile: folder + "/mosquitto.log", encoding: .utf8)) ?? "" }

    /// SIGTERM: mosquitto saves its persistence file and exits.
    public func stop() { process.stop(grace: 10) }

    /// Starts it again with the same configuration, port and persistence file.
    public func restart() throws {
        stop()
        process = try Self.launch(configPath: configPath, folder: folder, port: port)
    }
}

/// A temporary folder, removed with everything in it when the value goes away.
public final class TemporaryFolder: @unchecked Sendable {
    public let path: String

    public init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("prognos-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func path(_ name: String) -> String { name.isEmpty ? path : path + "/" + name }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }
}

/// A mosquitto without a configuration file.
public enum Mosquitto {
    /// Starts `mosquitto -p PORT` (loopback only, anonymous clients allowed) and waits until it listens.
    public static func start(port: Int = Loopback.freePort(), log: String? = nil) throws -> (ChildProcess, Int) {
        let broker = try ChildProcess(Executable.path(named: "mosquitto"), ["-p", String(port)], outputPath: log)
        guard Loopback.waitUntilListening(port: port) else {
            broker.stop()
            throw PeerError(message: "mosquitto did not listen on port \(port)")
        }
        return (broker, port)
    }
}
