import Foundation

/// A working folder with a copy of a plant file whose Modbus devices and MQTT broker use free
/// loopback ports, so a test can serve and run the whole plant next to anything else running.
/// The folder is removed when the harness goes away.
public final class PlantHarness: @unchecked Sendable {
    public let directory: String
    public let plantPath: String
    public let brokerPort: Int
    /// Device id → the free port it is served on.
    public let devicePorts: [String: Int]

    /// Copies `plant`, rewriting `tcp: "127.0.0.1:PORT"` and the
    /// broker's `port: 1883` (a text rewrite: the plant file loader has no writer).
    /// `directory` (default: a new temporary folder, removed with the harness) holds the copy.
    /// `pollInterval` (e.g. "1s") replaces every device's poll interval.
    public init(
        plant: String, brokerPort: Int,
        directory: String? = nil, pollInterval: String? = nil
    ) throws {
        removeOnExit = directory == nil
        self.directory =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("prognos-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        var text = try String(contentsOfFile: plant, encoding: .utf8)
        var ports: [String: Int] = [:]
        let pattern = try NSRegularExpression(pattern: #"\{id: ([A-Za-z0-9_.-]+), tcp: "127\.0\.0\.1:(\d+)""#)
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            let id = String(text[Range(match.range(at: 1), in: text)!])
            let portRange = Range(match.range(at: 2), in: text)!
            let port = Loopback.freePort()
            ports[id] = port
            text.replaceSubrange(portRange, with: String(port))
        }
        text = text.replacingOccurrences(of: "port: 1883", with: "port: \(brokerPort)")
        if let pollInterval {
            text = text.replacingOccurrences(
                of: #"poll_interval: [0-9.]+(ms|s|m|h)"#, with: "poll_interval: \(pollInterval)",
                options: .regularExpression)
        }
        self.brokerPort = brokerPort
        devicePorts = ports
        plantPath = self.directory + "/plant.yaml"
        try text.write(toFile: plantPath, atomically: true, encoding: .utf8)
    }

    private let removeOnExit: Bool

    deinit { if removeOnExit { try? FileManager.default.removeItem(atPath: directory) } }

    public func path(_ name: String) -> String { directory + "/" + name }

    /// Writes a file into the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    public func read(_ name: String) -> String { (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "" }

    /// Waits until `condition` holds, polling every 100 ms; false after `timeout` seconds.
    public static func wait(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(100_000)
        }
        return condition()
    }
}
