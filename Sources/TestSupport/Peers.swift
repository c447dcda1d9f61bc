import Foundation

/// Real peers that nobody here wrote, started by tests on free loopback ports.
public enum Peers {
    /// The repository's root, found from this source file's location.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The Python of the test venv (`make test` creates it with pymodbus and paho-mqtt pinned).
    public static var python: String {
        if let override = ProcessInfo.processInfo.environment["PROGNOS_TEST_PYTHON"] { return override }
        return repositoryRoot.appendingPathComponent(".venv/bin/python").path
    }

    /// Starts `mosquitto -p PORT` (no config: loopback only, anonymous allowed) and waits until it listens.
    public static func mosquitto(port: Int = Loopback.freePort(), log: String? = nil) throws -> (ChildProcess, Int) {
        let broker = try ChildProcess(findExecutable("mosquitto"), ["-p", String(port)], outputPath: log)
        guard Loopback.waitUntilListening(port: port) else {
            broker.stop()
            throw PeerError(message: "mosquitto did not listen on port \(port)")
        }
        return (broker, port)
    }

    /// A program's path from PATH or the sbin folders Debian installs daemons into.
    public static func findExecutable(_ name: String) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/local/sbin"]
        for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + name) {
            return folder + "/" + name
        }
        return name
    }

    public struct PeerError: Error, CustomStringConvertible {
        public var message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }
}

/// The `prognos` executable that `swift test` built beside the test bundle.
public enum PrognosBinary {
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["PROGNOS_BINARY"] { return override }
        let testExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testExecutable.deletingLastPathComponent().appendingPathComponent("prognos").path
    }

    /// Runs prognos to completion; returns its exit status and its standard output and error together.
    public static func run(_ arguments: [String], timeout: Double = 60) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("prognos-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let child = try ChildProcess(path, arguments, outputPath: log)
        let status = child.wait(timeout: timeout) ?? child.stop()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return (status, output)
    }
}
