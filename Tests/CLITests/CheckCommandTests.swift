import Foundation
import TestSupport
import Testing

/// `prognos check` as a person runs it: the real binary, its exit status and what it prints.
@Suite struct CheckCommandTests {
    static let root = Peers.repositoryRoot.path
    static let broken = root + "/Tests/PlantFileTests/Fixtures/broken"

    @Test(.timeLimit(.minutes(3)))
    func demoPlantPassesWithItsSummary() throws {
        let (status, output) = try PrognosBinary.run(["check", Self.root + "/Plants/demo.yaml"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("assets      15: 6 centrifugal_pump"))
        #expect(output.contains("one poll    22 Modbus requests for 140 signals"))
    }

    @Test(
        .timeLimit(.minutes(3)),
        arguments: ["01-unknown-key-typo", "20-inline-password", "34-yaml-syntax-error", "37-multiple-problems"])
    func brokenPlantExitsWithStatus2AndLocations(_ name: String) throws {
        let path = Self.broken + "/\(name).yaml"
        let expected = try String(contentsOfFile: Self.broken + "/\(name).expected", encoding: .utf8)
            .split(separator: "\n").map { "\(path):\($0)" }
        let (status, output) = try PrognosBinary.run(["check", path])
        #expect(status == 2)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(Array(lines.prefix(expected.count)) == expected)
        #expect(lines.last?.hasSuffix("nothing started.") == true)
    }

    @Test(.timeLimit(.minutes(3)))
    func inlineSecretIsNeverEchoed() throws {
        let (status, output) = try PrognosBinary.run(["check", Self.broken + "/20-inline-password.yaml"])
        #expect(status == 2)
        #expect(!output.contains("hunter2"))
    }

    @Test(.timeLimit(.minutes(3)))
    func missingFileIsAClearError() throws {
        let (status, output) = try PrognosBinary.run(["check", "/nonexistent/plant.yaml"])
        #expect(status == 2)
        #expect(output.hasPrefix("/nonexistent/plant.yaml:1:1: cannot read the file"))
    }
}
