import ArgumentParser
import Evaluation
import Foundation
import LinearAlgebra
import WorldModel

/// `prognos eval forecast`: k-step forecast accuracy and interval coverage on CSV files.
struct EvalForecast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Fit on the first rows of each CSV, forecast K steps ahead online; MAE vs persistence, coverage.")

    @Option(help: "Directory of CSV files.") var dir: String
    @Option(help: "Field separator.") var separator = ","
    @Option(help: "Name of the time column.") var timeColumn = "datetime"
    @Option(help: "Name of the 0/1 label column (ignored for fitting; coverage is also reported on label-0 rows).")
    var labelColumn = "anomaly"
    @Option(help: "Rows at the start of each file taken as training data.") var trainRows = 400
    @Option(help: "Steps ahead.") var horizon = 1
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func validate() throws {
        guard horizon >= 1 else { throw ValidationError("--horizon must be at least 1") }
        guard trainRows >= 20 else { throw ValidationError("--train-rows must be at least 20") }
    }

    func run() async throws {
        BLASThreads.useSingleThread()
        var total = ForecastTally()
        var names: [String] = []
        var files: [[String: Any]] = []
        for path in try EvalData.csvFiles(in: dir) {
            let table = try EvalData.labelledTable(
                path: path, separator: separator, timeColumn: timeColumn, labelColumn: labelColumn)
            let tally = try ForecastEvaluation.run(table: table, trainRows: trainRows, horizon: horizon)
            if names.isEmpty { names = table.sensorNames }
            files.append(tally.json(names: nil).merging(["file": table.name]) { a, _ in a })
            total.add(tally)
        }
        switch format {
        case .json:
            try EvalData.printJSON(total.json(names: names).merging(["horizon": horizon, "files": files]) { a, _ in a })
        case .text:
            print("horizon \(horizon): \(total.count) forecasts")
            print("sensor          MAE model   MAE persistence")
            for (j, name) in names.enumerated() where j < total.absError.count {
                print(String(format: "%-14@ %10.4g  %10.4g", name, total.absError[j] / Double(total.count),
                    total.persistenceError[j] / Double(total.count)))
            }
            print(String(format: "mean MAE ratio model/persistence %.3f", total.meanRatio))
            for (l, level) in ForecastStep.levels.enumerated() {
                print(String(format: "%2.0f%% interval coverage %.3f (all rows), %.3f (label-0 rows)", level * 100,
                    total.coverage(l), total.normalCoverage(l)))
            }
        }
    }
}

/// Running sums of forecast errors and interval hits.
struct ForecastTally {
    var count = 0
    var normalCount = 0
    var absError: [Double] = []
    var persistenceError: [Double] = []
    var hits = [Double](repeating: 0, count: ForecastStep.levels.count)
    var normalHits = [Double](repeating: 0, count: ForecastStep.levels.count)
    var outcomes = 0
    var normalOutcomes = 0

    mutating func add(_ o: ForecastTally) {
        if absError.isEmpty {
            absError = [Double](repeating: 0, count: o.absError.count)
            persistenceError = absError
        }
        if absError.count == o.absError.count {
            for j in absError.indices {
                absError[j] += o.absError[j]
                persistenceError[j] += o.persistenceError[j]
            }
        }
        count += o.count
        normalCount += o.normalCount
        outcomes += o.outcomes
        normalOutcomes += o.normalOutcomes
        for l in hits.indices {
            hits[l] += o.hits[l]
            normalHits[l] += o.normalHits[l]
        }
    }

    func coverage(_ l: Int) -> Double { outcomes == 0 ? .nan : hits[l] / Double(outcomes) }
    func normalCoverage(_ l: Int) -> Double { normalOutcomes == 0 ? .nan : normalHits[l] / Double(normalOutcomes) }

    /// Mean over sensors of MAE(model)/MAE(persistence); sensors persistence predicts exactly are skipped.
    var meanRatio: Double {
        let ratios = zip(absError, persistenceError).compactMap { $1 > 0 ? $0 / $1 : nil }
        return ratios.isEmpty ? .nan : ratios.reduce(0, +) / Double(ratios.count)
    }

    func json(names: [String]?) -> [String: Any] {
        var out: [String: Any] = [
            "forecasts": count, "mae_ratio": meanRatio,
            "mae": absError.reduce(0, +) / Double(max(count * absError.count, 1)),
            "mae_persistence": persistenceError.reduce(0, +) / Double(max(count * absError.count, 1)),
        ]
        for (l, level) in ForecastStep.levels.enumerated() {
            out["coverage\(Int(level * 100))"] = coverage(l)
            out["coverage\(Int(level * 100))_normal"] = normalCoverage(l)
        }
        if let names {
            out["sensors"] = names.indices.map { j in
                ["sensor": names[j], "mae": absError[j] / Double(max(count, 1)),
                 "mae_persistence": persistenceError[j] / Double(max(count, 1))] as [String: Any]
            }
        }
        return out
    }
}

enum ForecastEvaluation {
    static func run(table: EvalData.LabelledTable, trainRows: Int, horizon: Int) throws -> ForecastTally {
        let n = table.values.rows
        let m = table.values.cols
        guard n > trainRows + horizon else { throw EvalData.Failure(description: "\(table.name): too few rows") }
        var model = try AssetModel(sensorNames: table.sensorNames, history: table.values.selectingRows(0..<trainRows))
        var tally = ForecastTally()
        tally.absError = [Double](repeating: 0, count: m)
        tally.persistenceError = tally.absError
        // Forecasts made at each row, to be checked `horizon` rows later.
        var pending: [Int: ForecastStep] = [:]
        var made = trainRows - 1
        pending[made] = model.forecast(horizon: horizon).last!
        for r in trainRows..<n {
            let y = table.values.row(r)
            if let f = pending.removeValue(forKey: r - horizon) {
                let past = table.values.row(r - horizon)
                tally.count += 1
                let normal = table.labels[r] == 0
                if normal { tally.normalCount += 1 }
                for j in 0..<m {
                    tally.absError[j] += abs(y[j] - f.median[j])
                    tally.persistenceError[j] += abs(y[j] - past[j])
                }
                for l in ForecastStep.levels.indices {
                    for j in 0..<m where f.upper[l][j] > f.lower[l][j] {
                        let hit = y[j] >= f.lower[l][j] && y[j] <= f.upper[l][j] ? 1.0 : 0.0
                        tally.hits[l] += hit
                        if normal { tally.normalHits[l] += hit }
                    }
                }
                let active = (0..<m).filter { f.upper[0][$0] > f.lower[0][$0] }.count
                tally.outcomes += active
                if normal { tally.normalOutcomes += active }
            }
            _ = model.update(y: y)
            made = r
            if r + horizon < n { pending[made] = model.forecast(horizon: horizon).last! }
        }
        return tally
    }
}
