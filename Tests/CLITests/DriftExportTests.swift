import Foundation
import TestSupport
import Testing

/// The drift scenario exported in C-MAPSS's layout and read back by the evaluations.
@Suite struct DriftExportTests {
    /// Exports `days` of the drift scenario at one row per 30 minutes (with `extra` arguments) into
    /// a fresh folder, which the caller removes.
    static func export(
        days: Int, _ extra: [String] = []
    ) throws -> (
        folder: URL, file: String, status: Int32, summary: String
    ) {
        let root = Peers.repositoryRoot.path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("drift.txt").path
        let (status, summary) = try PrognosBinary.run(
            [
                "simulate", root + "/Plants/demo.yaml", "--scenario", root + "/Plants/scenarios/drift.yaml", "--start",
                "2025-04-01T00:00:00Z", "--duration", "\(days)d", "--cycle", "30m", "--export-cmapss", file,
            ] + extra)
        return (folder, file, status, summary)
    }

    @Test(.timeLimit(.minutes(5)))
    func theExportIsReadByEvalAnomaliesAndForecastWithItsLabels() throws {
        let (folder, file, exported, summary) = try Self.export(days: 3)
        defer { try? FileManager.default.removeItem(at: folder) }
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
        // The daemon's rule raises at most one alarm per run of flags (a flag must hold its on-delay);
        // with no delays it raises one per run but for the runs a start-up transient holds.
        let runs = try #require(json["false_alarms_per_asset_week"] as? Double)
        let raised = try #require(json["raised_false_alarms_per_asset_week"] as? Double, "\(output)")
        #expect(raised <= runs, "\(raised) raised, \(runs) runs a week")
        // Each asset's alarms are listed, and they are the pooled ones.
        let files = try #require(json["files"] as? [[String: Any]], "\(output)")
        let perAsset = files.compactMap { $0["raised_false_alarms"] as? Int }
        #expect(perAsset.count == 15 && perAsset.reduce(0, +) == json["raised_false_alarms"] as? Int, "\(output)")
        let (undelayed, plain) = try PrognosBinary.run([
            "eval", "anomalies", "--cmapss", file, "--train-rows", "48", "--model-per-unit", "--rows-per-week", "336",
            "--alarm-on-delay", "0", "--alarm-off-delay", "0", "--format", "json",
        ])
        #expect(undelayed == 0, "\(plain)")
        let every = try #require(try JSONSerialization.jsonObject(with: Data(plain.utf8)) as? [String: Any])
        let undelayedRaised = try #require(every["raised_false_alarms_per_asset_week"] as? Double, "\(plain)")
        #expect(undelayedRaised >= raised && undelayedRaised <= runs, "\(plain)")
        #expect(every["false_alarms_per_asset_week"] as? Double == runs, "\(plain)")
        let (forecast, ratios) = try PrognosBinary.run([
            "eval", "forecast", "--cmapss", file, "--train-rows", "48", "--model-per-unit", "--horizons", "1,5",
        ])
        #expect(forecast == 0, "\(ratios)")
        #expect(ratios.contains("mean MAE ratio model/persistence"), "\(ratios)")
        // Lagged context copies need the rows' time base.
        let lagged = ["eval", "anomalies", "--cmapss", file, "--train-rows", "48", "--model-per-unit"]
        let (withTime, laggedOutput) = try PrognosBinary.run(
            lagged + ["--row-seconds", "1800", "--context-lags", "1800,10800"])
        #expect(withTime == 0 && laggedOutput.contains("pooled"), "\(laggedOutput)")
        let (withoutTime, refusal) = try PrognosBinary.run(lagged + ["--context-lags", "1800"])
        #expect(withoutTime != 0 && refusal.contains("--row-seconds"), "\(refusal)")
    }

    /// With --tank-levels every pump's unit gets its tank level as a third setting, and
    /// `--explain` names each false alarm's sensor and the context outside its training range.
    @Test(.timeLimit(.minutes(5)))
    func tankLevelsAreExportedAndFalseAlarmsExplained() throws {
        let (folder, file, exported, summary) = try Self.export(days: 4, ["--tank-levels"])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(exported == 0, "\(summary)")
        // Unit 1 is pump-101: its third setting (column 5) is the tank level in metres, never 0.
        let rows = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: " ").compactMap { Double($0) }
        }
        let levels = rows.filter { $0.first == 1 }.map { $0[4] }
        #expect(!levels.isEmpty && levels.allSatisfy { $0 > 1 && $0 < 60 }, "\(levels.prefix(5))")
        let (status, output) = try PrognosBinary.run([
            "eval", "anomalies", "--cmapss", file, "--train-rows", "48", "--model-per-unit", "--rows-per-week", "336",
            "--format", "json", "--explain",
        ])
        #expect(status == 0, "\(output)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        let runs = try #require(json["false_alarm_runs"] as? [[String: Any]], "\(output)")
        let perWeek = try #require(json["false_alarms_per_asset_week"] as? Double)
        #expect((runs.isEmpty) == (perWeek == 0), "one run per false alarm: \(runs.count), \(perWeek) a week")
        for run in runs {
            #expect((run["dominant_sensor"] as? String)?.hasPrefix("s") == true, "\(run)")
            #expect((run["rows"] as? Int ?? 0) >= 1, "\(run)")
            #expect(run["context_outside_training"] is [String: Any], "\(run)")
        }
    }
}
