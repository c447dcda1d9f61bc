import Foundation
import TestSupport
import Testing

/// The drift scenario exported in C-MAPSS's layout and read back by the evaluations.
@Suite struct DriftExportTests {
    @Test(.timeLimit(.minutes(5)))
    func theExportIsReadByEvalAnomaliesAndForecastWithItsLabels() throws {
        let root = Peers.repositoryRoot.path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("drift.txt").path
        let (exported, summary) = try PrognosBinary.run([
            "simulate", root + "/Plants/demo.yaml", "--scenario", root + "/Plants/scenarios/drift.yaml", "--start",
            "2025-04-01T00:00:00Z", "--duration", "3d", "--cycle", "30m", "--export-cmapss", file,
        ])
        #expect(exported == 0, "\(summary)")
        #expect(summary.contains("15 units (pump-101, "), "\(summary)")
        let (status, output) = try PrognosBinary.run([
            "eval", "anomalies", "--cmapss", file, "--train-rows", "48", "--model-per-unit", "--rows-per-week", "336",
            "--format", "json",
        ])
        #expect(status == 0, "\(output)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        #expect(json["events"] as? Int == 0, "a healthy scenario has no labelled anomaly")
        #expect((json["false_alarms_per_asset_week"] as? Double).map { $0 >= 0 } == true, "\(output)")
        let (forecast, ratios) = try PrognosBinary.run([
            "eval", "forecast", "--cmapss", file, "--train-rows", "48", "--model-per-unit", "--horizons", "1,5",
        ])
        #expect(forecast == 0, "\(ratios)")
        #expect(ratios.contains("mean MAE ratio model/persistence"), "\(ratios)")
    }
}
