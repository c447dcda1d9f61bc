import ArgumentParser
import Evaluation
import Foundation
import LinearAlgebra
import WorldModel

/// `prognos eval forecast`: k-step forecast accuracy and interval coverage on CSV files.
struct EvalForecast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Fit on the first rows of each CSV, forecast K steps ahead online; MAE vs persistence, coverage.",
        discussion: """
            The forecast is where the sensors will be (the world model's forecast head), not the healthy \
            reference that deviations are scored against. Label-0 rows give the *_normal coverages.
            """)

    @OptionGroup var data: EvalDataOptions
    @Option(help: "Steps ahead (ignored when --horizons is given).") var horizon = 1
    @Option(help: "Several horizons at once, comma-separated (e.g. 1,5,10); JSON then lists each under \"horizons\".")
    var horizons: String?
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    // The forecast head's constants, to choose them by cross-validation across data sets
    // (docs/world-model.md); defaults are the model's.
    @Option(help: "Power of the inverse recent errors that weigh the candidates.")
    var weightPower = ModelConfiguration().forecastWeightPower
    @Option(help: "Smoothing of the candidates' squared errors.") var errorSmoothing = ModelConfiguration()
        .forecastErrorSmoothing
    @Option(help: "Smoothing of the local-mean candidate.") var localMeanSmoothing = ModelConfiguration()
        .localMeanSmoothing
    @Option(help: "Smoothing of the trend candidate's slope.") var trendSmoothing = ModelConfiguration().trendSmoothing
    @Option(help: "Damping per step of the trend candidate.") var trendDamping = ModelConfiguration().trendDamping
    @Option(help: "Step of the intervals' online quantile tracking.")
    var intervalAdaptationRate = ModelConfiguration().intervalAdaptationRate

    var modelConfiguration: ModelConfiguration {
        var c = ModelConfiguration()
        c.forecastWeightPower = weightPower
        c.forecastErrorSmoothing = errorSmoothing
        c.localMeanSmoothing = localMeanSmoothing
        c.trendSmoothing = trendSmoothing
        c.trendDamping = trendDamping
        c.intervalAdaptationRate = intervalAdaptationRate
        return c
    }

    var horizonList: [Int] {
        get throws {
            guard let horizons else { return [horizon] }
            let list = horizons.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !list.isEmpty, list.allSatisfy({ $0 >= 1 }) else {
                throw ValidationError("--horizons takes positive integers separated by commas")
            }
            return list
        }
    }

    func validate() throws {
        guard horizon >= 1 else { throw ValidationError("--horizon must be at least 1") }
        _ = try horizonList
        guard weightPower >= 1 else { throw ValidationError("--weight-power must be at least 1") }
        for (name, v) in [
            ("--error-smoothing", errorSmoothing), ("--local-mean-smoothing", localMeanSmoothing),
            ("--trend-smoothing", trendSmoothing), ("--trend-damping", trendDamping),
            ("--interval-adaptation-rate", intervalAdaptationRate),
        ] where !(v > 0 && v <= 1) { throw ValidationError("\(name) must be in (0, 1]") }
    }

    func run() async throws {
        BLASThreads.useSingleThread()
        let list = try horizonList
        var totals = [ForecastTally](repeating: ForecastTally(), count: list.count)
        var names: [String] = []
        var files: [[String: Any]] = []
        for (series, model) in try data.load(configuration: modelConfiguration) {
            let tallies = ForecastEvaluation.run(series: series, model: model, start: data.trainRows, horizons: list)
            if names.isEmpty { names = series.sensorNames }
            var file = tallies[0].json(names: nil).merging(["file": series.name]) { a, _ in a }
            if list.count > 1 {
                file["horizons"] = zip(list, tallies).map { $1.json(names: nil).merging(["horizon": $0]) { a, _ in a } }
            }
            files.append(file)
            for i in totals.indices { totals[i].add(tallies[i]) }
        }
        switch format {
        case .json:
            var out = totals[0].json(names: names).merging(["horizon": list[0], "files": files]) { a, _ in a }
            if list.count > 1 {
                out["horizons"] = zip(list, totals).map { $1.json(names: names).merging(["horizon": $0]) { a, _ in a } }
            }
            try EvalData.printJSON(out)
        case .text:
            for (h, total) in zip(list, totals) {
                print("horizon \(h): \(total.count) forecasts")
                if list.count == 1 {
                    print("sensor          MAE model   MAE persistence")
                    for (j, name) in names.enumerated() where j < total.absError.count {
                        print(
                            String(
                                format: "%-14@ %10.4g  %10.4g", name, total.absError[j] / Double(total.count),
                                total.persistenceError[j] / Double(total.count)))
                    }
                }
                print(String(format: "mean MAE ratio model/persistence %.3f", total.meanRatio))
                for (l, level) in ForecastStep.levels.enumerated() {
                    print(
                        String(
                            format: "%2.0f%% interval coverage %.3f (all rows), %.3f (label-0 rows)", level * 100,
                            total.coverage(l), total.normalCoverage(l)))
                }
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
            // No outcomes of a kind (a unit with no label-0 rows left) is null, not NaN, in JSON.
            out["coverage\(Int(level * 100))"] = outcomes == 0 ? NSNull() : coverage(l)
            out["coverage\(Int(level * 100))_normal"] = normalOutcomes == 0 ? NSNull() : normalCoverage(l)
        }
        if let names {
            out["sensors"] = names.indices.map { j in
                [
                    "sensor": names[j], "mae": absError[j] / Double(max(count, 1)),
                    "mae_persistence": persistenceError[j] / Double(max(count, 1)),
                ] as [String: Any]
            }
        }
        return out
    }
}

enum ForecastEvaluation {
    /// From row `start` on, forecasts every horizon of `horizons` after each update and checks each
    /// forecast when its row arrives, against the model and against persistence (the value the
    /// sensor had when the forecast was made).
    static func run(series: EvalSeries, model: AssetModel, start: Int, horizons: [Int]) -> [ForecastTally] {
        var model = model
        let n = series.rows.rows
        let m = series.sensorCount
        let longest = horizons.max() ?? 1
        var tallies = [ForecastTally](repeating: ForecastTally(), count: horizons.count)
        for i in tallies.indices {
            tallies[i].absError = [Double](repeating: 0, count: m)
            tallies[i].persistenceError = tallies[i].absError
        }
        // The forecasts made at each row (every step up to the longest horizon), checked `h` rows later.
        var pending: [Int: [ForecastStep]] = [:]
        pending[start - 1] = model.forecast(horizon: longest)
        for r in start..<n {
            let y = series.sensors(r)
            for (i, h) in horizons.enumerated() {
                guard let made = pending[r - h] else { continue }
                let f = made[h - 1]
                let past = series.sensors(r - h)
                let normal = series.labels[r] == 0
                tallies[i].count += 1
                if normal { tallies[i].normalCount += 1 }
                for j in 0..<m {
                    tallies[i].absError[j] += abs(y[j] - f.median[j])
                    tallies[i].persistenceError[j] += abs(y[j] - past[j])
                }
                for l in ForecastStep.levels.indices {
                    for j in 0..<m where f.upper[l][j] > f.lower[l][j] {
                        let hit = y[j] >= f.lower[l][j] && y[j] <= f.upper[l][j] ? 1.0 : 0.0
                        tallies[i].hits[l] += hit
                        if normal { tallies[i].normalHits[l] += hit }
                    }
                }
                let active = (0..<m).filter { f.upper[0][$0] > f.lower[0][$0] }.count
                tallies[i].outcomes += active
                if normal { tallies[i].normalOutcomes += active }
            }
            pending.removeValue(forKey: r - longest)
            _ = model.update(y: y, u: series.context(r))
            if r + 1 < n {
                // The planned context: the one that will be run (known in an evaluation).
                let contexts = (1...longest).map { series.context(min(r + $0, n - 1)) }
                pending[r] = model.forecast(contexts: contexts)
            }
        }
        return tallies
    }
}
