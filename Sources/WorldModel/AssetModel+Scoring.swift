import LinearAlgebra

/// The per-step hot path: deviation, statistics, shares, health filter, the forecast head's checks.
///
/// Plain loops over pointers into stack scratch space and the model's arrays, products through
/// the column-major kernels of `StepKernels`: a step allocates nothing but the result's own
/// arrays, and nothing at all through `update(y:u:into:)`.
extension AssetModel {
    /// The scalars of one scored step (the shares go to a buffer of the caller's).
    struct StepOutcome {
        var score = 0.0
        var flagged = false
        var statistics = DeviationStatistics(level: 0, innovation: 0, drift: 0)
        var driftRatio = 0.0
    }

    /// Scores one step given as arrays and returns a complete result (fit-time calibration and
    /// replays go through here).
    mutating func score(y: [Double], u: [Double], learn: Bool) -> StepResult {
        var result = StepResult()
        score(y: y, u: u, learn: learn, into: &result)
        return result
    }

    /// Writes one step's result into `result`, reusing its arrays when they have the right size.
    mutating func score(y: [Double], u: [Double], learn: Bool, into result: inout StepResult) {
        let m = sensorCount
        if result.sensorShares.count != m { result.sensorShares = [Double](repeating: 0, count: m) }
        if result.referenceGains.count != m { result.referenceGains = [Double](repeating: 1, count: m) }
        let outcome = result.sensorShares.withUnsafeMutableBufferPointer { shares in
            result.referenceGains.withUnsafeMutableBufferPointer { gains in
                y.withUnsafeBufferPointer { y in
                    u.withUnsafeBufferPointer { u in score(y: y, u: u, learn: learn, shares: shares, gains: gains) }
                }
            }
        }
        result.score = outcome.score
        result.threshold = 1
        result.flagged = outcome.flagged
        result.statistics = outcome.statistics
        result.thresholds = thresholds
        result.drift = outcome.driftRatio
        healthState(into: &result.health)
    }

    /// The step itself. `shares` receives each sensor's share of the dominant statistic, `gains`
    /// each sensor's extrapolation gain (1 inside the fitted range).
    mutating func score(
        y: UnsafeBufferPointer<Double>, u: UnsafeBufferPointer<Double>, learn: Bool,
        shares: UnsafeMutableBufferPointer<Double>, gains: UnsafeMutableBufferPointer<Double>
    ) -> StepOutcome {
        let m = sensorCount
        let p = behaviour.context.featureCount
        let inputs = behaviour.context.inputCount
        // Three blocks of scratch space: each stays under the 1 KiB that Swift always places on the
        // stack (one block of 8m + p doubles went to the heap at 20 sensors).
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: p + 4 * m) { first in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * m) { second in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * m + p + inputs) { third in
                    let phi = first.baseAddress!
                    let base = phi + p
                    let e = base + m
                    let innov = e + m
                    let predicted = innov + m
                    let wLevel = second.baseAddress!
                    let wInnovation = wLevel + m
                    let wDrift = wInnovation + m
                    let horizonScratch = wDrift + m
                    // Where the baseline extrapolates: each sensor's gain (≤ 1) on its deviation in the
                    // statistics, and the scaled vectors the statistics and shares are taken of.
                    let gain = third.baseAddress!
                    let scaledLevel = gain + m
                    let scaledDrift = scaledLevel + m
                    let clampedFeatures = scaledDrift + m
                    let clampedContext = clampedFeatures + p

                    behaviour.context.features(u, into: UnsafeMutableBufferPointer(start: phi, count: p))
                    behaviour.baseline.elements.withUnsafeBufferPointer { w in
                        state.baselineOffset.withUnsafeBufferPointer { offset in
                            for j in 0..<m { base[j] = offset[j] }
                        }
                        // Row k of the baseline weights is feature k's contribution to every sensor.
                        for k in 0..<p {
                            let f = phi[k]
                            let row = w.baseAddress! + k * m
                            for j in 0..<m { base[j] += f * row[j] }
                        }
                    }
                    behaviour.scale.withUnsafeBufferPointer { scale in
                        for j in 0..<m { e[j] = scale[j] > 0 ? (y[j] - base[j]) / scale[j] : 0 }
                    }
                    let extrapolating = extrapolationGains(
                        u: u, features: phi, clampedContext: clampedContext, clampedFeatures: clampedFeatures,
                        into: gain)
                    for j in 0..<m { gains[j] = extrapolating ? gain[j] : 1 }

                    let hasPrevious = state.steps > 0
                    var innovationStat = 0.0
                    if hasPrevious {
                        // Pure dynamics innovation e − A·e_prev (what the innovation covariance describes),
                        // and the 1-step forecast the model made, for online interval calibration:
                        // A·e_prev and A·(e_prev − level) in one pass over A.
                        for i in 0..<m {
                            innov[i] = 0
                            predicted[i] = 0
                        }
                        state.previous.withUnsafeBufferPointer { prev in
                            state.levels.withUnsafeBufferPointer { lv in
                                behaviour.dynamicsByColumn.withUnsafeBufferPointer { a in
                                    for k in 0..<m {
                                        let pk = prev[k]
                                        let dk = prev[k] - lv[k]
                                        let column = a.baseAddress! + k * m
                                        for i in 0..<m {
                                            innov[i] += column[i] * pk
                                            predicted[i] += column[i] * dk
                                        }
                                    }
                                }
                                state.slopes.withUnsafeBufferPointer { sl in
                                    for i in 0..<m {
                                        innov[i] = e[i] - innov[i]
                                        predicted[i] = lv[i] + sl[i] + predicted[i]
                                    }
                                    if extrapolating { for i in 0..<m { innov[i] *= gain[i] } }
                                }
                            }
                        }
                        innovationStat = behaviour.innovationWhitenerByColumn.withUnsafeBufferPointer {
                            StepKernels.lowerSquaredNorm($0.baseAddress!, innov, into: wInnovation, m)
                        }
                        trackForecasts(e: e, oneStep: predicted, scratch: horizonScratch)
                    } else {
                        for i in 0..<m {
                            innov[i] = 0
                            wInnovation[i] = 0
                        }
                    }

                    let lambda = configuration.driftSmoothing
                    var levelStat = 0.0
                    var driftStat = 0.0
                    state.driftMean.withUnsafeMutableBufferPointer { z in
                        for j in 0..<m { z[j] = lambda * e[j] + (1 - lambda) * z[j] }
                        for j in 0..<m {
                            scaledLevel[j] = extrapolating ? gain[j] * e[j] : e[j]
                            scaledDrift[j] = extrapolating ? gain[j] * z[j] : z[j]
                        }
                        behaviour.levelWhitenerByColumn.withUnsafeBufferPointer { l in
                            (levelStat, driftStat) = StepKernels.lowerSquaredNorms(
                                l.baseAddress!, scaledLevel, scaledDrift, into: wLevel, wDrift, m)
                        }
                        driftStat *= (2 - lambda) / lambda
                    }

                    let levelRatio = levelStat / thresholds.level
                    let innovationRatio = innovationStat / thresholds.innovation
                    let driftRatio = driftStat / thresholds.drift
                    var dominant = 0
                    var scoreValue = levelRatio
                    if innovationRatio > scoreValue { (dominant, scoreValue) = (1, innovationRatio) }
                    if driftRatio > scoreValue { (dominant, scoreValue) = (2, driftRatio) }
                    let flagged = scoreValue > 1

                    // Shares: v_j·(Σ⁻¹v)_j of the dominant statistic's vector v, with Σ⁻¹v = Lᵀ·(L·v) from
                    // the whitened vector already at hand. For a deviation in one sensor alone this is
                    // zero for every other sensor; the shares add up to the statistic.
                    let whitened = dominant == 0 ? wLevel : dominant == 1 ? wInnovation : wDrift
                    let whitener = dominant == 1 ? behaviour.innovationWhitener : behaviour.levelWhitener
                    let sharesBase = shares.baseAddress!
                    whitener.elements.withUnsafeBufferPointer { l in
                        StepKernels.lowerTransposedTimes(l.baseAddress!, whitened, into: sharesBase, m)
                    }
                    do {
                        let v = dominant == 0 ? scaledLevel : dominant == 1 ? innov : scaledDrift
                        var total = 0.0
                        for i in 0..<m {
                            let c = max(0, v[i] * sharesBase[i])
                            sharesBase[i] = c
                            total += c
                        }
                        if total > 0 { for i in 0..<m { sharesBase[i] /= total } }
                    }

                    // Only data well clear of any flag is learned as normal, never while a failure mode
                    // degrades, and never beyond a bounded move.
                    state.stepsSinceFlag = flagged ? 0 : min(state.stepsSinceFlag, Int.max / 2) + 1
                    if learn && state.stepsSinceFlag > state.adaptationPace.holdSteps && !state.adaptationHeld {
                        let rate = state.adaptationPace.rate
                        let bound = configuration.maxBaselineOffset
                        behaviour.scale.withUnsafeBufferPointer { scale in
                            state.baselineOffset.withUnsafeMutableBufferPointer { offset in
                                // Where the baseline extrapolates, the deviation is partly its own error,
                                // so it is learned from in proportion to the share of the deviation's
                                // variance that is the healthy spread (gain²).
                                for j in 0..<m where scale[j] > 0 {
                                    let limit = bound * scale[j]
                                    let weight = extrapolating ? gain[j] * gain[j] : 1
                                    offset[j] = min(max(offset[j] + weight * rate * scale[j] * e[j], -limit), limit)
                                }
                            }
                        }
                    }
                    // The health filter follows the deviation as the statistics weigh it: where the
                    // baseline extrapolates (a load step beyond anything fitted), most of a raw
                    // deviation is the reference's own error, and read as wear it gave a pump run at
                    // 70 % speed an RUL of hours. `scaledLevel` is `e` inside the fitted range.
                    updateHealthFilter(e: scaledLevel, first: !hasPrevious)
                    updateHealthFeatures(e: e, first: !hasPrevious)
                    recordForecastState(e: e, first: !hasPrevious)
                    state.previous.withUnsafeMutableBufferPointer { prev in
                        for j in 0..<m { prev[j] = e[j] }
                    }
                    state.lastContext.withUnsafeMutableBufferPointer { last in
                        for k in 0..<u.count { last[k] = u[k] }
                    }
                    state.steps += 1
                    return StepOutcome(
                        score: scoreValue, flagged: flagged,
                        statistics: DeviationStatistics(level: levelStat, innovation: innovationStat, drift: driftStat),
                        driftRatio: driftRatio)
                }
            }
        }
    }

    /// Each sensor's gain on its deviation where the context is outside the fitted range:
    /// `spread / √(spread² + (k·|f(u) − f(ū)|)²)`, ū the context clamped to the range (see
    /// `ModelConfiguration.extrapolationUncertainty`). Returns false, writing nothing, inside it.
    func extrapolationGains(
        u: UnsafeBufferPointer<Double>, features phi: UnsafePointer<Double>,
        clampedContext: UnsafeMutablePointer<Double>, clampedFeatures: UnsafeMutablePointer<Double>,
        into gain: UnsafeMutablePointer<Double>
    ) -> Bool {
        let k = configuration.extrapolationUncertainty
        let context = behaviour.context
        guard k > 0, context.clamp(u, into: clampedContext) else { return false }
        let m = sensorCount
        let p = context.featureCount
        context.features(
            UnsafeBufferPointer(start: clampedContext, count: context.inputCount),
            into: UnsafeMutableBufferPointer(start: clampedFeatures, count: p))
        for j in 0..<m { gain[j] = 0 }
        behaviour.baseline.elements.withUnsafeBufferPointer { w in
            // The extrapolated change f(u) − f(ū), accumulated in `gain` first.
            for f in 1..<p {
                let delta = phi[f] - clampedFeatures[f]
                guard delta != 0 else { continue }
                let row = w.baseAddress! + f * m
                for j in 0..<m { gain[j] += delta * row[j] }
            }
        }
        behaviour.scale.withUnsafeBufferPointer { scale in
            for j in 0..<m {
                let excess = k * gain[j] / max(scale[j], .leastNormalMagnitude)
                gain[j] = scale[j] > 0 ? 1 / (1 + excess * excess).squareRoot() : 1
            }
        }
        return true
    }

    /// Kalman filter of a local linear trend per sensor (level, slope), shared covariance.
    mutating func updateHealthFilter(e: UnsafePointer<Double>, first: Bool) {
        let m = sensorCount
        let cfg = configuration
        if first {
            for j in 0..<m {
                state.levels[j] = e[j]
                state.slopes[j] = 0
            }
            state.filterCovariance = [cfg.healthObservationNoise, 0, 1e-2]
            return
        }
        var pll = state.filterCovariance[0]
        var pls = state.filterCovariance[1]
        var pss = state.filterCovariance[2]
        // Predict with F = [[1, 1], [0, 1]].
        pll = pll + 2 * pls + pss + cfg.healthLevelNoise
        pls = pls + pss
        pss = pss + cfg.healthSlopeNoise
        let sInv = 1 / (pll + cfg.healthObservationNoise)
        let kl = pll * sInv
        let ks = pls * sInv
        state.levels.withUnsafeMutableBufferPointer { lv in
            state.slopes.withUnsafeMutableBufferPointer { sl in
                for j in 0..<m {
                    let predictedLevel = lv[j] + sl[j]
                    let r = e[j] - predictedLevel
                    lv[j] = predictedLevel + kl * r
                    sl[j] += ks * r
                }
            }
        }
        state.filterCovariance[0] = (1 - kl) * pll
        state.filterCovariance[1] = (1 - kl) * pls
        state.filterCovariance[2] = pss - ks * pls
    }

    mutating func updateHealthFeatures(e: UnsafePointer<Double>, first: Bool) {
        let m = sensorCount
        configuration.healthFeatureSmoothing.withUnsafeBufferPointer { rates in
            state.smoothed.withUnsafeMutableBufferPointer { smoothed in
                for k in 0..<rates.count {
                    let alpha = rates[k]
                    for j in 0..<m {
                        let idx = k * m + j
                        smoothed[idx] = first ? e[j] : alpha * e[j] + (1 - alpha) * smoothed[idx]
                    }
                }
            }
        }
    }

    /// The health index now and one step ahead along the trend: `‖L⁻¹ℓ‖²` and `‖L⁻¹(ℓ + s)‖²`.
    func healthNorms() -> (now: Double, next: Double) {
        let m = sensorCount
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * m) { scratch in
            let ahead = scratch.baseAddress!
            let w = ahead + m
            return behaviour.levelWhitenerByColumn.withUnsafeBufferPointer { l in
                state.levels.withUnsafeBufferPointer { lv in
                    state.slopes.withUnsafeBufferPointer { sl in
                        for j in 0..<m { ahead[j] = lv[j] + sl[j] }
                        return StepKernels.lowerSquaredNorms(l.baseAddress!, lv.baseAddress!, ahead, into: w, w + m, m)
                    }
                }
            }
        }
    }

    func healthState() -> HealthState {
        var health = HealthState(
            index: 0, trend: 0, uncertainty: 0, sensorLevels: state.levels, sensorTrends: state.slopes)
        healthScalars(into: &health)
        return health
    }

    /// The health state written into `health`, copying the per-sensor values into its arrays
    /// (no allocation when they have the right size and are not shared).
    func healthState(into health: inout HealthState) {
        healthScalars(into: &health)
        Self.copy(state.levels, into: &health.sensorLevels)
        Self.copy(state.slopes, into: &health.sensorTrends)
    }

    private func healthScalars(into health: inout HealthState) {
        let active = Double(max(behaviour.activeCount, 1))
        let (now, next) = healthNorms()
        let index = (now / active).squareRoot()
        health.index = index
        health.trend = (next / active).squareRoot() - index
        health.uncertainty = state.filterCovariance[0].squareRoot()
    }

    static func copy(_ source: [Double], into target: inout [Double]) {
        // A fresh buffer, not `source`'s: sharing it would make the next step copy the state.
        if target.count != source.count { target = [Double](repeating: 0, count: source.count) }
        target.withUnsafeMutableBufferPointer { t in
            source.withUnsafeBufferPointer { s in
                for i in 0..<s.count { t[i] = s[i] }
            }
        }
    }
}
