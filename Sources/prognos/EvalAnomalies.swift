import ArgumentParser
import Evaluation
import Foundation
import LinearAlgebra
import PlantRuntime
import PrognosCore
import WorldModel

/// `prognos eval anomalies`: point-wise detection quality on labelled CSV files.
struct EvalAnomalies: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomalies",
        abstract: "Fit on the first rows of each CSV (taken as normal), score the rest online, compare with labels.")

    @OptionGroup var data: EvalDataOptions
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    // The detection constants, to choose them on some files and check them on others
    // (see docs/world-model.md); defaults are the model's.
    @Option(help: "False-alarm probability per step on healthy data, split over the three statistics.")
    var falseAlarmRate = ModelConfiguration().falseAlarmRate
    @Option(help: "Smoothing of the MEWMA drift statistic (0 < λ ≤ 1).") var driftSmoothing = ModelConfiguration()
        .driftSmoothing
    @Option(help: "Contiguous folds the thresholds are calibrated on out of sample (at most one per 20 rows).")
    var calibrationFolds = ModelConfiguration().calibrationFolds
    @Option(help: "Shrinkage of the deviation covariances (0 ≤ s < 1).")
    var covarianceShrinkage = ModelConfiguration().covarianceShrinkage
    @Option(help: "Thresholds: gamma (matched to the out-of-fold statistics) or conformal (their empirical quantile).")
    var thresholds = "gamma"
    @Option(help: "Rate at which unflagged data moves the healthy baseline (0: never).")
    var baselineAdaptationRate = ModelConfiguration().baselineAdaptationRate
    @Option(help: "Steps after a flag during which nothing is learned.") var adaptationHoldSteps = ModelConfiguration()
        .adaptationHoldSteps
    @Option(help: "Most the baseline may move by adaptation, in healthy spreads.") var maxBaselineOffset =
        ModelConfiguration().maxBaselineOffset
    @Option(
        help:
            "Uncertainty of the baseline where the context is outside its fitted range, as a multiple of the extrapolated change (0: none)."
    )
    var extrapolationUncertainty = ModelConfiguration().extrapolationUncertainty
    @Option(
        help:
            "Rows in a week of running (e.g. 1008 at one row per 10 minutes): also print false alarms per asset-week, each run of flagged label-0 rows counting as one alarm."
    )
    var rowsPerWeek: Double?
    @Option(
        help:
            "The daemon's deviation alarm rule: seconds a flag must hold before an alarm is raised (default: the daemon's)."
    )
    var alarmOnDelay = RuntimeConfiguration().deviationOnDelayInEffect
    @Option(help: "The daemon's deviation alarm rule: seconds clear before the alarm returns (default: the daemon's).")
    var alarmOffDelay = RuntimeConfiguration().deviationOffDelayInEffect
    @Option(
        help:
            "The daemon's deviation alarm rule: seconds a start-up transient is held at least, and between its checks that the deviation still falls (default: the daemon's)."
    )
    var startTransientWindow = RuntimeConfiguration().startTransientWindow
    @Flag(
        help:
            "With --format json: list every false alarm (run of flagged label-0 rows) with the sensor that drove it and the context columns outside their training range."
    )
    var explain = false

    func validate() throws {
        guard falseAlarmRate > 0 && falseAlarmRate < 1 else {
            throw ValidationError("--false-alarm-rate must be in (0, 1)")
        }
        guard driftSmoothing > 0 && driftSmoothing <= 1 else {
            throw ValidationError("--drift-smoothing must be in (0, 1]")
        }
        guard ["gamma", "conformal"].contains(thresholds) else {
            throw ValidationError("--thresholds is gamma or conformal")
        }
        guard baselineAdaptationRate >= 0 && baselineAdaptationRate < 1, adaptationHoldSteps >= 0,
            maxBaselineOffset >= 0
        else {
            throw ValidationError("--baseline-adaptation-rate must be in [0, 1), the hold and the bound non-negative")
        }
        guard covarianceShrinkage >= 0 && covarianceShrinkage < 1 else {
            throw ValidationError("--covariance-shrinkage must be in [0, 1)")
        }
        guard extrapolationUncertainty >= 0 else {
            throw ValidationError("--extrapolation-uncertainty must be non-negative")
        }
        guard calibrationFolds >= 2 else { throw ValidationError("--calibration-folds must be at least 2") }
        if let rowsPerWeek, !(rowsPerWeek > 0) { throw ValidationError("--rows-per-week must be positive") }
        guard alarmOnDelay >= 0, alarmOffDelay >= 0 else { throw ValidationError("alarm delays must be non-negative") }
        guard startTransientWindow > 0 else { throw ValidationError("--start-transient-window must be positive") }
        if explain && format != .json { throw ValidationError("--explain needs --format json") }
    }

    func run() async throws {
        BLASThreads.useSingleThread()
        var pooled = DetectionCounts()
        var perFile: [(String, DetectionCounts)] = []
        var modelConfiguration = ModelConfiguration()
        modelConfiguration.falseAlarmRate = falseAlarmRate
        modelConfiguration.driftSmoothing = driftSmoothing
        modelConfiguration.covarianceShrinkage = covarianceShrinkage
        modelConfiguration.calibrationFolds = calibrationFolds
        modelConfiguration.parametricThresholds = thresholds == "gamma"
        modelConfiguration.baselineAdaptationRate = baselineAdaptationRate
        modelConfiguration.adaptationHoldSteps = adaptationHoldSteps
        modelConfiguration.maxBaselineOffset = maxBaselineOffset
        modelConfiguration.extrapolationUncertainty = extrapolationUncertainty
        var explained: [[String: Any]] = []
        // The rows' time base: given, or a week's worth of rows over a week.
        let rowSeconds = data.rowSeconds ?? rowsPerWeek.map { 7 * 86_400 / $0 }
        let alarmRule = rowSeconds.map {
            AlarmRule(
                machine: AlarmStateMachine(onDelay: alarmOnDelay, offDelay: alarmOffDelay), rowSeconds: $0,
                startTransientWindow: startTransientWindow)
        }
        for (series, model) in try data.load(configuration: modelConfiguration) {
            var runs: [FalseAlarmRun]? = explain ? [] : nil
            let counts = AnomalyEvaluation.run(
                series: series, model: model, start: data.trainRows, alarmRule: alarmRule, falseAlarmRuns: &runs)
            perFile.append((series.name, counts))
            pooled.add(counts)
            explained.append(
                contentsOf: (runs ?? []).map {
                    $0.json(sensorNames: series.sensorNames, contextNames: series.contextNames)
                        .merging(["file": series.name]) { a, _ in a }
                })
        }
        switch format {
        case .json:
            // Each file's alarms raised under the daemon's rule too, where rows have a time.
            let files = perFile.map { name, counts in
                var file = counts.json
                file["file"] = name
                if rowSeconds != nil { file["raised_false_alarms"] = counts.raisedFalseAlarms }
                return file
            }
            var json = pooled.json.merging(["files": files]) { a, _ in a }
            if explain { json["false_alarm_runs"] = explained }
            if let rowsPerWeek {
                json["false_alarms_per_asset_week"] = pooled.falseAlarmsPerWeek(rowsPerWeek: rowsPerWeek)
            }
            if let rowSeconds {
                json["raised_false_alarms"] = pooled.raisedFalseAlarms
                json["raised_false_alarms_per_asset_week"] = pooled.falseAlarmsPerWeek(
                    rowsPerWeek: 7 * 86_400 / rowSeconds, raised: true)
            }
            try EvalData.printJSON(json)
        case .text:
            print("file              F1     FAR     MAR   delay  events")
            for (name, c) in perFile { print(c.line(name)) }
            print(pooled.line("pooled"))
            print(
                "FAR = FP/(FP+TN), MAR = FN/(FN+TP), point-wise; delay in rows from each anomaly's start to its first flag"
            )
            if let rowsPerWeek {
                let rate = pooled.falseAlarmsPerWeek(rowsPerWeek: rowsPerWeek)
                let worst = perFile.map { $0.1.falseAlarmsPerWeek(rowsPerWeek: rowsPerWeek) }.max() ?? 0
                print(
                    String(
                        format: "false alarms per asset-week %.2f (worst asset %.2f): %d runs of flagged normal rows",
                        rate, worst, pooled.falseAlarms))
            }
            if let rowSeconds {
                let rowsPerWeek = 7 * 86_400 / rowSeconds
                print(
                    String(
                        format:
                            "under the daemon's alarm rule (flag held %g s to raise, clear %g s to return; rows %g s apart): %.2f false alarms per asset-week, %d raised",
                        alarmOnDelay, alarmOffDelay, rowSeconds,
                        pooled.falseAlarmsPerWeek(rowsPerWeek: rowsPerWeek, raised: true), pooled.raisedFalseAlarms))
            }
        }
    }
}

/// Confusion counts and detection delays.
struct DetectionCounts {
    var tp = 0, fp = 0, tn = 0, fn = 0
    var delays: [Int] = []
    var events = 0
    /// Runs of flagged label-0 rows (each would be one alarm).
    var falseAlarms = 0
    /// Alarms raised on label-0 rows under the daemon's rule (`AlarmRule`), when one was given.
    var raisedFalseAlarms = 0

    mutating func add(_ o: DetectionCounts) {
        tp += o.tp
        fp += o.fp
        tn += o.tn
        fn += o.fn
        delays += o.delays
        events += o.events
        falseAlarms += o.falseAlarms
        raisedFalseAlarms += o.raisedFalseAlarms
    }

    /// False alarms per week of label-0 rows, `rowsPerWeek` rows making a week: each run of
    /// flagged rows, or (`raised`) each alarm the daemon's rule raised.
    func falseAlarmsPerWeek(rowsPerWeek: Double, raised: Bool = false) -> Double {
        fp + tn == 0 ? 0 : Double(raised ? raisedFalseAlarms : falseAlarms) / (Double(fp + tn) / rowsPerWeek)
    }

    var f1: Double { tp == 0 ? 0 : 2 * Double(tp) / Double(2 * tp + fp + fn) }
    var far: Double { fp + tn == 0 ? 0 : Double(fp) / Double(fp + tn) }
    var mar: Double { fn + tp == 0 ? 0 : Double(fn) / Double(fn + tp) }
    var meanDelay: Double { delays.isEmpty ? .nan : Double(delays.reduce(0, +)) / Double(delays.count) }

    var json: [String: Any] {
        [
            "f1": f1, "far": far, "mar": mar, "delay_rows": delays.isEmpty ? NSNull() : meanDelay as Any,
            "events": events, "detected_events": delays.count,
        ]
    }

    func line(_ name: String) -> String {
        String(
            format: "%-14@ %6.3f  %6.3f  %6.3f  %6.1f  %d/%d", name, f1, far, mar, meanDelay, delays.count, events)
    }
}

enum AnomalyEvaluation {
    /// Scores every row of `series` from `start` on, online, with `model` as it stands.
    static func run(series: EvalSeries, model: AssetModel, start: Int) -> DetectionCounts {
        var unexplained: [FalseAlarmRun]? = nil
        return run(series: series, model: model, start: start, alarmRule: nil, falseAlarmRuns: &unexplained)
    }

    /// `run`, with the alarms `alarmRule` raises on label-0 rows counted, and when `falseAlarmRuns`
    /// is not nil, each false alarm's run appended to it.
    static func run(
        series: EvalSeries, model: AssetModel, start: Int, alarmRule: AlarmRule?, falseAlarmRuns: inout [FalseAlarmRun]?
    ) -> DetectionCounts {
        var model = model
        var rule = alarmRule
        var counts = DetectionCounts()
        var eventStart: Int?
        var eventFlagged = false
        var falseAlarmOn = false
        // The daemon holds the alarm through a start-up transient; the rows before the first stop
        // are a machine running on after its training rows, not starting.
        var transient: StartTransient?
        let range = falseAlarmRuns == nil ? nil : ContextRange(series: series, trainRows: start)
        for r in start..<series.rows.rows {
            if series.restarts(at: r), let seconds = rule?.rowSeconds {
                // Stopped since the cycle after the last row: the condition clears, as in the daemon
                // (the alarm returns once the off-delay has passed).
                _ = rule?.raises(false, at: series.time(r - 1, rowSeconds: seconds) + seconds)
                transient = rule?.startTransient()
            }
            let u = series.context(r)
            let result = model.update(y: series.sensors(r), u: u)
            let flagged = result.flagged
            let label = series.labels[r]
            let time = rule.map { series.time(r, rowSeconds: $0.rowSeconds) }
            let settling = time.flatMap { transient?.observe(score: result.score, at: $0) } ?? false
            if let time, rule?.raises(flagged && !settling, at: time) == true, label == 0 {
                counts.raisedFalseAlarms += 1
            }
            if label == 0, flagged, !falseAlarmOn {
                counts.falseAlarms += 1
                falseAlarmRuns?.append(
                    FalseAlarmRun(
                        firstRow: r, shares: [Double](repeating: 0, count: series.sensorCount),
                        contextExcess: [Double](repeating: 0, count: u.count)))
            }
            falseAlarmOn = label == 0 && flagged
            if falseAlarmOn, let range, var run = falseAlarmRuns?.popLast() {
                run.rows += 1
                for j in run.shares.indices { run.shares[j] += result.sensorShares[j] }
                for k in run.contextExcess.indices {
                    run.contextExcess[k] = max(run.contextExcess[k], range.excess(u, k))
                }
                falseAlarmRuns?.append(run)
            }
            switch (label, flagged) {
            case (1, true): counts.tp += 1
            case (1, false): counts.fn += 1
            case (_, true): counts.fp += 1
            default: counts.tn += 1
            }
            if label == 1 && (r == start || series.labels[r - 1] == 0) {
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

/// The daemon's deviation alarm rule applied to scored rows: the model's flags drive the same
/// `AlarmStateMachine` (on-delay, off-delay, in seconds) the daemon's alarm book drives, each row
/// observed at its time (`rowSeconds` a row or cycle), held through a start-up transient as the
/// daemon holds it (`StartTransient`). With any positive on-delay, a flag seen at one row only has
/// not been seen to hold, so it raises nothing.
struct AlarmRule {
    var machine: AlarmStateMachine
    let rowSeconds: Double
    let startTransientWindow: Double

    /// The transient after a machine's start, held by the daemon's rule with this window.
    func startTransient() -> StartTransient {
        var transient = StartTransient(
            settleSteps: RuntimeConfiguration().restartSettleSteps, window: startTransientWindow)
        transient.machineStarted()
        return transient
    }

    /// Feeds the condition at `time`; whether the alarm was raised by it.
    mutating func raises(_ active: Bool, at time: Double) -> Bool {
        let wasActive = machine.isConditionActive
        _ = machine.update(conditionActive: active, at: time)
        return !wasActive && machine.isConditionActive
    }
}

/// One asset's labelled series for `eval anomalies` and `eval forecast`: each row holds the
/// sensors, then the context.
struct EvalSeries {
    var name: String
    var sensorNames: [String]
    var contextNames: [String]
    var rows: Matrix
    var labels: [Int]
    /// Each row's cycle where the data counts them (the C-MAPSS layout; an export skips the cycles
    /// in which the machine stood still); nil: the rows are consecutive.
    var cycles: [Int]? = nil

    var sensorCount: Int { sensorNames.count }
    /// Row `r`'s time in seconds from the series' cycle (or row) zero, `rowSeconds` a cycle.
    func time(_ r: Int, rowSeconds: Double) -> Double { Double(cycles?[r] ?? r) * rowSeconds }
    /// Whether row `r` is the first after a stop: its cycle follows the row before's by more than one.
    func restarts(at r: Int) -> Bool {
        guard let cycles, r > 0 else { return false }
        return cycles[r] > cycles[r - 1] + 1
    }
    func sensors(_ r: Int) -> [Double] { Array(rows.row(r)[0..<sensorCount]) }
    func context(_ r: Int) -> [Double] { Array(rows.row(r)[sensorCount...]) }

    /// The series with each context column followed by its lagged copies (`ContextLags`), computed
    /// online row by row, rows `rowSeconds` apart: what the model would see from a runtime that
    /// keeps the same filters.
    func withContextLags(_ timeConstants: [Double], rowSeconds: Double) -> EvalSeries {
        guard !contextNames.isEmpty else { return self }
        var lags = ContextLags(timeConstants: timeConstants, contextCount: contextNames.count)
        let augmented = (0..<rows.rows).map { r in
            sensors(r) + lags.augment(context(r), at: time(r, rowSeconds: rowSeconds))
        }
        return EvalSeries(
            name: name, sensorNames: sensorNames,
            contextNames: ContextLags.names(contextNames, timeConstants: timeConstants),
            rows: Matrix(rows: rows.rows, cols: augmented.first?.count ?? 0, elements: augmented.flatMap { $0 }),
            labels: labels, cycles: cycles)
    }
}

/// The data sets the evaluations read, and the models they start from.
enum EvalSeriesSource {
    /// Every CSV file of `dir`, one asset each, without context.
    static func csv(dir: String, separator: String, timeColumn: String, labelColumn: String) throws -> [EvalSeries] {
        try EvalData.csvFiles(in: dir).map { path in
            let table = try EvalData.labelledTable(
                path: path, separator: separator, timeColumn: timeColumn, labelColumn: labelColumn)
            return EvalSeries(
                name: table.name, sensorNames: table.sensorNames, contextNames: [], rows: table.values,
                labels: table.labels)
        }
    }

    /// Every unit of a C-MAPSS run-to-failure file (`train_FD00x.txt`), its 21 sensors with the
    /// 3 operating settings as context, labelled 1 once its remaining life is below `cap` cycles
    /// (the capped-RUL convention: before that the engine counts as healthy) — or by the file's
    /// own label column when it has one (`prognos simulate --export-cmapss`).
    static func cmapss(path: String, cap: Int) throws -> [EvalSeries] {
        try EvalData.cmapssLabelledUnits(path: path).enumerated().map { k, unit in
            EvalSeries(
                name: "unit \(k + 1)", sensorNames: (1...21).map { "s\($0)" },
                contextNames: ["setting1", "setting2", "setting3"], rows: unit.rows,
                labels: unit.labels ?? (0..<unit.rows.rows).map { unit.rows.rows - 1 - $0 < cap ? 1 : 0 },
                cycles: unit.cycles)
        }
    }

    /// A model per series fitted on its first `trainRows` rows, its filter warmed on them
    /// (`fleet == false`); or one model fitted on the first `trainRows` rows of every series
    /// together, then per series reset and warmed on that series' own first rows (`fleet`: the
    /// units of a fleet, too short alone to fit 21 sensors in six operating regimes).
    static func models(
        for series: [EvalSeries], trainRows: Int, fleet: Bool, configuration: ModelConfiguration
    ) throws -> [AssetModel] {
        for s in series where s.rows.rows <= trainRows {
            throw EvalData.Failure(description: "\(s.name): only \(s.rows.rows) rows, --train-rows is \(trainRows)")
        }
        guard fleet, let first = series.first else {
            return try series.map {
                try AssetModel(
                    sensorNames: $0.sensorNames, contextNames: $0.contextNames,
                    history: $0.rows.selectingRows(0..<trainRows), configuration: configuration)
            }
        }
        let heads = series.map { $0.rows.selectingRows(0..<trainRows) }
        let shared = try AssetModel(
            sensorNames: first.sensorNames, contextNames: first.contextNames,
            history: heads.dropFirst().reduce(heads[0]) { $0.appendingRows($1) },
            segments: heads.map(\.rows), configuration: configuration)
        return series.map { s in
            var model = shared
            model.resetState()
            for r in 0..<trainRows { _ = model.update(y: s.sensors(r), u: s.context(r)) }
            return model
        }
    }
}

/// The options that pick the data set, shared by `eval anomalies` and `eval forecast`.
struct EvalDataOptions: ParsableArguments {
    @Option(help: "Directory of CSV files (one asset each).") var dir: String?
    @Option(
        help:
            "A C-MAPSS run-to-failure file (train_FD00x.txt) instead: one asset per unit, labelled from the capped RUL."
    )
    var cmapss: String?
    @Option(help: "C-MAPSS: remaining life (cycles) below which a unit counts as degraded.") var rulCap = 125
    @Option(help: "Field separator.") var separator = ","
    @Option(help: "Name of the time column.") var timeColumn = "datetime"
    @Option(help: "Name of the 0/1 label column.") var labelColumn = "anomaly"
    @Option(help: "Rows at the start of each file (C-MAPSS: of each unit) taken as normal training data.")
    var trainRows = 400
    @Flag(
        help:
            "C-MAPSS: fit a model per unit on its own first rows (the units are different machines, as in a --export-cmapss file), not one for the fleet."
    )
    var modelPerUnit = false
    @Option(
        help:
            "Seconds between rows (e.g. 600 for a --export-cmapss file at --cycle 10m): the time base of --context-lags and of the alarm rule."
    )
    var rowSeconds: Double?
    @Option(
        help:
            "Time constants in seconds, comma-separated (e.g. 1800,10800): give the model each context column also smoothed with each (needs --row-seconds)."
    )
    var contextLags: String?

    func validate() throws {
        guard (dir == nil) != (cmapss == nil) else { throw ValidationError("give exactly one of --dir and --cmapss") }
        guard trainRows >= 20 else { throw ValidationError("--train-rows must be at least 20") }
        if let rowSeconds, !(rowSeconds > 0) { throw ValidationError("--row-seconds must be positive") }
        guard (try? lagTimeConstants()) != nil else {
            throw ValidationError("--context-lags is a comma-separated list of positive seconds")
        }
        if contextLags != nil && rowSeconds == nil { throw ValidationError("--context-lags needs --row-seconds") }
    }

    func lagTimeConstants() throws -> [Double] {
        guard let contextLags else { return [] }
        let values = contextLags.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--context-lags is a comma-separated list of positive seconds")
        }
        return values.map { $0! }
    }

    /// The series and the model each starts from.
    func load(configuration: ModelConfiguration = ModelConfiguration()) throws -> [(EvalSeries, AssetModel)] {
        var series: [EvalSeries]
        if let cmapss {
            series = try EvalSeriesSource.cmapss(path: cmapss, cap: rulCap)
        } else {
            series = try EvalSeriesSource.csv(
                dir: dir!, separator: separator, timeColumn: timeColumn, labelColumn: labelColumn)
        }
        let lags = try lagTimeConstants()
        if !lags.isEmpty, let rowSeconds {
            series = series.map { $0.withContextLags(lags, rowSeconds: rowSeconds) }
        }
        let models = try EvalSeriesSource.models(
            for: series, trainRows: trainRows, fleet: cmapss != nil && !modelPerUnit, configuration: configuration)
        return Array(zip(series, models))
    }
}
