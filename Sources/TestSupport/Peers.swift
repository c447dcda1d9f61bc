import Foundation
@_exported import Orchestration

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

    /// The Python of the Sparkplug venv (`make test` creates it with pysparkplug pinned; apart from
    /// the other venv because pysparkplug needs paho-mqtt 1, the other peers paho-mqtt 2).
    public static var sparkplugPython: String {
        if let override = ProcessInfo.processInfo.environment["PROGNOS_TEST_SPARKPLUG_PYTHON"] { return override }
        return repositoryRoot.appendingPathComponent(".venv-sparkplug/bin/python").path
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

extension PlantHarness {
    /// A copy of the demo plant (Plants/demo.yaml) on free ports.
    public convenience init(brokerPort: Int, directory: String? = nil, pollInterval: String? = nil) throws {
        try self.init(
            plant: Peers.repositoryRoot.appendingPathComponent("Plants/demo.yaml").path, brokerPort: brokerPort,
            directory: directory, pollInterval: pollInterval)
    }
}
