import ArgumentParser
import Evaluation
import Foundation
import LinearAlgebra
import WorldModel

/// `prognos eval anomalies`: point-wise detection quality on labelled CSV files.
struct EvalAnomalies: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomalies",
        abstract: "Fit on the first rows of each CSV (taken as normal), score the rest online, compare with labels.")

    @Option(help: "Directory of CSV files.") var dir: String
    @Option(help: "Field separator.") var separator = ","
    @Option(help: "Name of the time column.") var timeColumn = "datetime"
    @Option(help: "Name of the 0/1 label column.") var labelColumn = "anomaly"
    @Option(help: "Rows at the start of each file taken as normal training data.") var trainRows = 400
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    // The detection constants, to choose them on some files and check them on others
    // (see docs/world-model.md); defaults are the model's.
    @Option(help: "False-alarm probability per step on healthy data, split over the three statistics.")
    var falseAlarmRate = ModelConfiguration().falseAlarmRate
    @Option(help: "Smoothing of the MEWMA drift statistic (0 < λ ≤ 1).") var driftSmoothing = ModelConfiguration().driftSmoothing
    @Option(help: "Shrinkage of the deviation covariances (0 ≤ s < 1).")
    var covarianceShrinkage = ModelConfiguration().covarianceShrinkage

    func validate() throws {
        guard trainRows >= 20 else { throw ValidationError("--train-rows must be at least 20") }
        guard falseAlarmRate > 0 && falseAlarmRate < 1 else { throw ValidationError("--false-alarm-rate must be in (0, 1)") }
        guard driftSmoothing > 0 && driftSmoothing <= 1 else { throw ValidationError("--drift-smoothing must be in (0, 1]") }
        guard covarianceShrinkage >= 0 && covarianceShrinkage < 1 else {
            throw ValidationError("--covariance-shrinkage must be in [0, 1)")
        }
    }

    func run() async throws {
        BLASThreads.useSingleThread()
        var pooled = DetectionCounts()
        var perFile: [(String, DetectionCounts)] = []
        for path in try EvalData.csvFiles(in: dir) {
            let table = try EvalData.labelledTable(
                path: path, separator: separator, timeColumn: timeColumn, labelColumn: labelColumn)
            var modelConfiguration = ModelConfiguration()
            modelConfiguration.falseAlarmRate = falseAlarmRate
            modelConfiguration.driftSmoothing = driftSmoothing
            modelConfiguration.covarianceShrinkage = covarianceShrinkage
            let counts = try AnomalyEvaluation.run(table: table, trainRows: trainRows, configuration: modelConfiguration)
            perFile.append((table.name, counts))
            pooled.add(counts)
        }
        switch format {
        case .json:
            try EvalData.printJSON(
                pooled.json.merging(["files": perFile.map { $0.1.json.merging(["file": $0.0]) { a, _ in a } }]) { a, _ in a })
        case .text:
            print("file              F1     FAR     MAR   delay  events")
            for (name, c) in perFile { print(c.line(name)) }
            print(pooled.line("pooled"))
            print("FAR = FP/(FP+TN), MAR = FN/(FN+TP), point-wise; delay in rows from each anomaly's start to its first flag")
        }
    }
}

/// Confusion counts and detection delays.
struct DetectionCounts {
    var tp = 0, fp = 0, tn = 0, fn = 0
    var delays: [Int] = []
    var events = 0

    mutating func add(_ o: DetectionCounts) {
        tp += o.tp; fp += o.fp; tn += o.tn; fn += o.fn
        delays += o.delays
        events += o.events
    }

    var f1: Double { tp == 0 ? 0 : 2 * Double(tp) / Double(2 * tp + fp + fn) }
    var far: Double { fp + tn == 0 ? 0 : Double(fp) / Double(fp + tn) }
    var mar: Double { fn + tp == 0 ? 0 : Double(fn) / Double(fn + tp) }
    var meanDelay: Double { delays.isEmpty ? .nan : Double(delays.reduce(0, +)) / Double(delays.count) }

    var json: [String: Any] {
        ["f1": f1, "far": far, "mar": mar, "delay_rows": delays.isEmpty ? NSNull() : meanDelay as Any,
         "events": events, "detected_events": delays.count]
    }

    func line(_ name: String) -> String {
        String(
            format: "%-14@ %6.3f  %6.3f  %6.3f  %6.1f  %d/%d", name, f1, far, mar, meanDelay, delays.count, events)
    }
}

enum AnomalyEvaluation {
    /// Fits on the first `trainRows` rows, then scores every later row online.
    static func run(
        table: EvalData.LabelledTable, trainRows: Int, configuration: ModelConfiguration = ModelConfiguration()
    ) throws -> DetectionCounts {
        let n = table.values.rows
        guard n > trainRows else { throw EvalData.Failure(description: "\(table.name): only \(n) rows") }
        var model = try AssetModel(
            sensorNames: table.sensorNames, history: table.values.selectingRows(0..<trainRows), configuration: configuration)
        var counts = DetectionCounts()
        var eventStart: Int?
        var eventFlagged = false
        for r in trainRows..<n {
            let flagged = model.update(y: table.values.row(r)).flagged
            let label = table.labels[r]
            switch (label, flagged) {
            case (1, true): counts.tp += 1
            case (1, false): counts.fn += 1
            case (_, true): counts.fp += 1
            default: counts.tn += 1
            }
            if label == 1 && (r == trainRows || table.labels[r - 1] == 0) {
                eventStart = r
                eventFlagged = false
                counts.events += 1
            }
            if label == 1, flagged, !eventFlagged, let s = eventStart {
                counts.delays.append(r - s)
                eventFlagged = true
            }
        }
        return counts
    }
}
