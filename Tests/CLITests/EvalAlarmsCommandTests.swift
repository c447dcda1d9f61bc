import Foundation
import TestSupport
import Testing

/// `prognos eval alarms`: a broken scenario is an input error; a run prints its tally as JSON.
@Suite struct EvalAlarmsCommandTests {
    static let demo = Peers.repositoryRoot.appendingPathComponent("Plants/demo.yaml").path

    @Test func aBrokenScenarioIsReportedWithItsLineAndExits2() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eval-alarms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("broken.yaml").path
        try "name: broken\nevents:\n  - {at: soon, asset: pump-101, fault: bearing-wear}\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        let (status, output) = try PrognosBinary.run(["eval", "alarms", Self.demo, "--scenario", path])
        #expect(status == 2, "\(output)")
        #expect(output.contains("\(path):3:"), "\(output)")
    }

    @Test(.timeLimit(.minutes(2)))
    func aShortRunPrintsEachAssetsTallyAsJSON() throws {
        // One model step per 10 simulated minutes, commissioned on a simulated day (144 steps).
        let (status, output) = try PrognosBinary.run(
            [
                "eval", "alarms", Self.demo, "--duration", "6h", "--speed", "600", "--learn-days", "1", "--format",
                "json",
            ],
            timeout: 110)
        #expect(status == 0, "\(output)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        #expect(json["commissioning_steps"] as? Int == 144)
        let assets = try #require(json["assets"] as? [[String: Any]])
        #expect(assets.count == 15)
        let pump = try #require(assets.first { $0["asset"] as? String == "pump-101" })
        #expect(pump["steps"] as? Int == 36)
        let raised = assets.reduce(0) { $0 + (($1["deviation_alarms"] as? [Any])?.count ?? 0) }
        #expect(json["deviation_alarms"] as? Int == raised)
    }
}
