import LinearAlgebra

/// Fitting with out-of-sample calibration: the history is cut into contiguous folds; for each
/// fold, a model fitted on the other folds scores it, which gives honest distributions of the
/// deviation statistics (for thresholds) and of k-step forecast errors (for interval widths).
/// In-sample residuals would understate both: with 50 sensors and 500 rows, in-sample T² limits
/// give several times the nominal false-alarm rate on new healthy data.
enum Calibration {
    struct Fitted {
        var behaviour: NormalBehaviour
        var thresholds: DeviationStatistics
        var intervalQuantiles: [[[Double]]]
    }

    /// Most forecast-error samples kept per horizon and sensor beyond horizon 1 (a stride over
    /// start times), which bounds the cost of calibrating long histories.
    static let samplesPerHorizon = 2000

    static func fit(
        history: Matrix, sensorCount m: Int, segments: [Int], configuration cfg: ModelConfiguration
    )
        throws -> Fitted
    {
        let n = history.rows
        let y = history.selectingColumns(Array(0..<m))
        let u = history.selectingColumns(Array(m..<history.cols))
        let behaviour = try NormalBehaviour.fit(y: y, u: u, segments: segments, configuration: cfg)
        let horizons = max(cfg.maxHorizon, 1)
        let levels = ForecastStep.levels

        var levelStats: [Double] = []
        var innovationStats: [Double] = []
        var driftStats: [Double] = []
        var errors = [[[Double]]](repeating: [[Double]](repeating: [], count: m), count: horizons)
        let stride = max(1, n / samplesPerHorizon)

        let folds = max(2, min(cfg.calibrationFolds, n / 20))
        let segmentOf = segmentIndex(segments)
        // Thresholds describe healthy deviations where the reference interpolates: held-out rows
        // beyond a fold's narrower range are scored against the spread alone, as before the
        // extrapolation's uncertainty existed (with it they came out small, and the thresholds
        // low enough to flag more inside the range: drift scenario 8.2 false alarms per
        // asset-week against 7.8). The fitted model applies it beyond the whole history's range.
        var foldConfiguration = cfg
        foldConfiguration.extrapolationUncertainty = 0
        for fold in 0..<folds {
            let lo = fold * n / folds
            let hi = (fold + 1) * n / folds
            let trainRows = Array(0..<lo) + Array(hi..<n)
            let foldBehaviour = try NormalBehaviour.fit(
                y: y.selectingRows(trainRows), u: u.selectingRows(trainRows),
                segments: runs(trainRows, segmentOf), configuration: cfg)
            let placeholder = [[[Double]]](
                repeating: [[Double]](repeating: [Double](repeating: 1, count: m), count: levels.count), count: 1)
            var model = AssetModel(
                sensorNames: (0..<m).map { "s\($0)" }, contextNames: (0..<u.cols).map { "c\($0)" },
                configuration: foldConfiguration, behaviour: foldBehaviour,
                thresholds: DeviationStatistics(level: 1, innovation: 1, drift: 1), intervalQuantiles: placeholder,
                state: ScoringState(
                    sensorCount: m, contextCount: u.cols, configuration: cfg, fittedIntervals: placeholder))
            let held = Array(lo..<hi)
            let e = deviations(foldBehaviour, y.selectingRows(held), u.selectingRows(held))
            var start = 0
            for length in runs(held, segmentOf) {
                model.resetState(toIntervals: true)
                for t in start..<(start + length) {
                    let r = held[t]
                    let result = model.score(y: y.row(r), u: u.row(r), learn: false)
                    levelStats.append(result.statistics.level)
                    driftStats.append(result.statistics.drift)
                    if t > start { innovationStats.append(result.statistics.innovation) }
                    collectForecastErrors(
                        model: model, e: e, t: t, end: start + length, horizons: horizons, stride: stride,
                        into: &errors)
                }
                start += length
            }
        }

        // Bonferroni: the combined test flags when any of three statistics exceeds its limit.
        let q = 1 - cfg.falseAlarmRate / 3
        let thresholds = DeviationStatistics(
            level: threshold(levelStats, q, cfg), innovation: threshold(innovationStats, q, cfg),
            drift: threshold(driftStats, q, cfg))
        var quantiles: [[[Double]]] = []
        for h in 0..<horizons {
            var perLevel: [[Double]] = []
            for (l, level) in levels.enumerated() {
                perLevel.append(
                    (0..<m).map { j in
                        if errors[h][j].count >= 10 { return conformalQuantile(errors[h][j], level) }
                        // Too few samples this far ahead (short runs): reuse the previous horizon.
                        return h > 0 ? quantiles[h - 1][l][j] : 1
                    })
            }
            quantiles.append(perLevel)
        }
        return Fitted(behaviour: behaviour, thresholds: thresholds, intervalQuantiles: quantiles)
    }

    /// The `q` quantile of a statistic's out-of-fold values: from the gamma matched to them when
    /// `parametricThresholds` (the conformal quantile when too few values), else conformal.
    static func threshold(_ values: [Double], _ q: Double, _ cfg: ModelConfiguration) -> Double {
        if cfg.parametricThresholds, let tail = GammaTail(matching: values) { return tail.quantile(q) }
        return conformalQuantile(values, q)
    }

    /// Deviations `e` of every row under a fitted behaviour (no state involved).
    static func deviations(_ b: NormalBehaviour, _ y: Matrix, _ u: Matrix) -> Matrix {
        var e = y
        Matrix.gemm(b.context.featureMatrix(u), b.baseline, alpha: -1, beta: 1, into: &e)
        for i in 0..<e.rows {
            for j in 0..<e.cols { e[i, j] = b.scale[j] > 0 ? e[i, j] / b.scale[j] : 0 }
        }
        return e
    }

    /// Rolls the model's current state forward (as `forecast` does, in deviation units) and
    /// records the absolute error against the deviations that followed.
    static func collectForecastErrors(
        model: AssetModel, e: Matrix, t: Int, end: Int, horizons: Int, stride: Int, into errors: inout [[[Double]]]
    ) {
        let m = model.sensorCount
        let levels = model.state.levels
        let slopes = model.state.slopes
        var d = (0..<m).map { model.state.previous[$0] - levels[$0] }
        var next = d
        model.behaviour.dynamicsByColumn.withUnsafeBufferPointer { a in
            for h in 1...horizons {
                guard t + h < end else { break }
                if h > 1 && t % stride != 0 { break }
                // The same kernel as `forecast`, so calibration measures the forecasts it calibrates.
                d.withUnsafeBufferPointer { dp in
                    next.withUnsafeMutableBufferPointer { np in
                        StepKernels.multiply(a.baseAddress!, dp.baseAddress!, into: np.baseAddress!, m)
                    }
                }
                swap(&d, &next)
                for j in 0..<m where model.behaviour.scale[j] > 0 {
                    let predicted = levels[j] + Double(h) * slopes[j] + d[j]
                    errors[h - 1][j].append(abs(e[t + h, j] - predicted))
                }
            }
        }
    }

    /// For each row, the index of the contiguous run it belongs to.
    static func segmentIndex(_ segments: [Int]) -> [Int] {
        var out: [Int] = []
        for (k, length) in segments.enumerated() { out.append(contentsOf: repeatElement(k, count: length)) }
        return out
    }

    /// Lengths of the contiguous runs within a sorted subset of rows: a run breaks where rows
    /// are not consecutive or where the original segment changes.
    static func runs(_ rows: [Int], _ segmentOf: [Int]) -> [Int] {
        var out: [Int] = []
        var length = 0
        for (i, r) in rows.enumerated() {
            if i > 0 && (r != rows[i - 1] + 1 || segmentOf[r] != segmentOf[rows[i - 1]]) {
                out.append(length)
                length = 0
            }
            length += 1
        }
        if length > 0 { out.append(length) }
        return out
    }
}
