import Evaluation
import Foundation
import LinearAlgebra
import Testing
import WorldModel

/// The evaluation harness apart from the world model: its readers (gzip or plain) and its metrics.
@Suite struct EvaluationTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data")

    @Test func cmapssFilesAreReadFromTheirGzipCopies() throws {
        let units = try EvalData.cmapssUnits(path: Self.data.appendingPathComponent("cmapss/test_FD001.txt.gz").path)
        #expect(units.count == 100)
        #expect(units.allSatisfy { $0.cols == 24 && $0.rows > 0 })
        let truth = try EvalData.numbers(path: Self.data.appendingPathComponent("cmapss/RUL_FD001.txt.gz").path)
        #expect(truth.count == 100 && truth.allSatisfy { $0 > 0 })
    }

    @Test func labelledTablesKeepEverySensorColumnAndTheLabels() throws {
        let files = try EvalData.csvFiles(in: Self.data.appendingPathComponent("tep").path)
        #expect(files.count == 21)
        let table = try EvalData.labelledTable(
            path: files[0], separator: ";", timeColumn: "datetime", labelColumn: "anomaly")
        #expect(table.name == "fault01.csv")
        #expect(table.sensorNames.count == 52)
        #expect(table.values.rows == 1460 && table.labels.count == 1460)
        // The first 500 rows are the normal training run; the fault starts after the test run's 160th row.
        #expect(table.labels.prefix(500).allSatisfy { $0 == 0 })
        #expect(table.labels.suffix(800).allSatisfy { $0 == 1 })
    }

    @Test func aTableWithAMissingColumnIsAClearError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID().uuidString).csv").path
        try "time;a;b\n1;2;3\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: EvalData.Failure.self) {
            try EvalData.labelledTable(path: path, separator: ";", timeColumn: "time", labelColumn: "label")
        }
    }

    /// RMSE, capped RMSE, the PHM08 score and the 80 % coverage on a case computed by hand.
    @Test func cmapssMetricsMatchAHandComputation() {
        let predictions = [
            RULDistribution(median: 110, p10: 90, p90: 130),  // truth 100: late by 10
            RULDistribution(median: 37, p10: 30, p90: 45),  // truth 50: early by 13
        ]
        let metrics = CMAPSSEvaluation.Metrics(predictions: predictions, truth: [100, 50], cap: 125)
        #expect(abs(metrics.rmse - ((100.0 + 169.0) / 2).squareRoot()) < 1e-12)
        #expect(abs(metrics.rmseCapped - metrics.rmse) < 1e-12, "no truth above the cap")
        #expect(abs(metrics.score - ((exp(1.0) - 1) + (exp(1.0) - 1))) < 1e-12)
        #expect(metrics.coverage80 == 0.5)
    }
}
