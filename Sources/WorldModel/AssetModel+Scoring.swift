import LinearAlgebra

/// The per-step hot path: deviation, statistics, shares, health filter, online calibration.
/// Written as plain loops over unsafe buffers with stack scratch space: at 20 sensors a step is a
/// handful of 20×20 products, where a BLAS call's overhead would dominate.
extension AssetModel {
    mutating func score(y: [Double], u: [Double], learn: Bool) -> StepResult {
        let m = sensorCount
        let b = behaviour
        let cfg = configuration
        let p = b.context.featureCount
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: p + 5 * m) { scratch in
            let phi = UnsafeMutableBufferPointer(rebasing: scratch[0..<p])
            let base = UnsafeMutableBufferPointer(rebasing: scratch[p..<(p + m)])
            let e = UnsafeMutableBufferPointer(rebasing: scratch[(p + m)..<(p + 2 * m)])
            let innov = UnsafeMutableBufferPointer(rebasing: scratch[(p + 2 * m)..<(p + 3 * m)])
            let predicted = UnsafeMutableBufferPointer(rebasing: scratch[(p + 3 * m)..<(p + 4 * m)])
            let work = UnsafeMutableBufferPointer(rebasing: scratch[(p + 4 * m)..<(p + 5 * m)])

            u.withUnsafeBufferPointer { b.context.features($0, into: phi) }
            b.baseline.elements.withUnsafeBufferPointer { w in
                state.baselineOffset.withUnsafeBufferPointer { offset in
                    for j in 0..<m { base[j] = offset[j] }
                }
                for k in 0..<p {
                    let f = phi[k]
                    for j in 0..<m { base[j] += f * w[k * m + j] }
                }
            }
            y.withUnsafeBufferPointer { y in
                b.scale.withUnsafeBufferPointer { scale in
                    for j in 0..<m { e[j] = scale[j] > 0 ? (y[j] - base[j]) / scale[j] : 0 }
                }
            }

            let hasPrevious = state.steps > 0
            var innovationStat = 0.0
            if hasPrevious {
                // Pure dynamics innovation e − A·e_prev (what the innovation covariance describes),
                // and the 1-step forecast the model made, for online interval calibration.
                state.previous.withUnsafeBufferPointer { prev in
                state.levels.withUnsafeBufferPointer { lv in
                state.slopes.withUnsafeBufferPointer { sl in
                    b.dynamics.elements.withUnsafeBufferPointer { a in
                        for i in 0..<m {
                            var s = 0.0
                            var d = 0.0
                            for k in 0..<m {
                                s += a[i * m + k] * prev[k]
                                d += a[i * m + k] * (prev[k] - lv[k])
                            }
                            innov[i] = e[i] - s
                            predicted[i] = lv[i] + sl[i] + d
                        }
                    }
                }}}
                innovationStat = quadraticWhitened(b.innovationWhitener, innov, m)
                trackIntervals(e: e, predicted: predicted)
            } else {
                for i in 0..<m { innov[i] = 0 }
            }
            let levelStat = quadraticWhitened(b.levelWhitener, e, m)

            let lambda = cfg.driftSmoothing
            state.driftMean.withUnsafeMutableBufferPointer { z in
                for j in 0..<m { z[j] = lambda * e[j] + (1 - lambda) * z[j] }
            }
            let driftStat = state.driftMean.withUnsafeBufferPointer { z in
                quadraticWhitened(b.levelWhitener, UnsafeMutableBufferPointer(mutating: z), m)
            } * (2 - lambda) / lambda

            let levelRatio = levelStat / thresholds.level
            let innovationRatio = innovationStat / thresholds.innovation
            let driftRatio = driftStat / thresholds.drift
            var dominant = 0
            var scoreValue = levelRatio
            if innovationRatio > scoreValue { (dominant, scoreValue) = (1, innovationRatio) }
            if driftRatio > scoreValue { (dominant, scoreValue) = (2, driftRatio) }
            let flagged = scoreValue > 1

            // Shares: v_j·(Q·v)_j of the dominant statistic's vector v and precision Q. For a
            // deviation in one sensor alone this is zero for every other sensor.
            switch dominant {
            case 0: for j in 0..<m { work[j] = e[j] }
            case 1: for j in 0..<m { work[j] = innov[j] }
            default: for j in 0..<m { work[j] = state.driftMean[j] }
            }
            let precision = dominant == 1 ? b.innovationPrecision : b.levelPrecision
            let shares = [Double](unsafeUninitializedCapacity: m) { shares, count in
                precision.elements.withUnsafeBufferPointer { q in
                    var total = 0.0
                    for i in 0..<m {
                        var s = 0.0
                        for k in 0..<m { s += q[i * m + k] * work[k] }
                        let c = max(0, work[i] * s)
                        shares[i] = c
                        total += c
                    }
                    if total > 0 { for i in 0..<m { shares[i] /= total } }
                }
                count = m
            }

            // Only unflagged data is learned as normal.
            if learn && !flagged {
                let rate = cfg.baselineAdaptationRate
                b.scale.withUnsafeBufferPointer { scale in
                    state.baselineOffset.withUnsafeMutableBufferPointer { offset in
                        for j in 0..<m where scale[j] > 0 { offset[j] += rate * scale[j] * e[j] }
                    }
                }
            }
            updateHealthFilter(e: e, first: !hasPrevious)
            updateHealthFeatures(e: e, first: !hasPrevious)
            state.previous.withUnsafeMutableBufferPointer { prev in
                for j in 0..<m { prev[j] = e[j] }
            }
            u.withUnsafeBufferPointer { u in
                state.lastContext.withUnsafeMutableBufferPointer { last in
                    for k in 0..<u.count { last[k] = u[k] }
                }
            }
            state.steps += 1

            return StepResult(
                score: scoreValue, threshold: 1, flagged: flagged,
                statistics: DeviationStatistics(level: levelStat, innovation: innovationStat, drift: driftStat),
                thresholds: thresholds, sensorShares: shares, drift: driftRatio, health: healthState())
        }
    }

    /// `‖L⁻¹·v‖²` for a lower-triangular `L⁻¹`.
    @inline(__always)
    func quadraticWhitened(_ whitener: Matrix, _ v: UnsafeMutableBufferPointer<Double>, _ m: Int) -> Double {
        whitener.elements.withUnsafeBufferPointer { l in
            var total = 0.0
            for i in 0..<m {
                var s = 0.0
                for k in 0...i { s += l[i * m + k] * v[k] }
                total += s * s
            }
            return total
        }
    }

    /// Online quantile tracking of the 1-step |error| (Angelopoulos, Candès & Tibshirani 2023,
    /// "conformal PID", quantile-tracking term): each level's width grows after a miss and shrinks
    /// after a hit, so that long-run coverage holds even when the noise changes.
    mutating func trackIntervals(e: UnsafeMutableBufferPointer<Double>, predicted: UnsafeMutableBufferPointer<Double>) {
        let m = sensorCount
        let rate = configuration.intervalAdaptationRate
        let levels = ForecastStep.levels
        let fitted = intervalQuantiles[0]
        // Pointer loops: the nested `[level][sensor]` subscripts cost more than the arithmetic.
        behaviour.scale.withUnsafeBufferPointer { scale in
            state.intervalQuantiles.withUnsafeMutableBufferPointer { online in
                for l in 0..<levels.count {
                    let miss = 1 - levels[l]
                    fitted[l].withUnsafeBufferPointer { first in
                        for j in 0..<m where scale[j] > 0 {
                            let err = abs(e[j] - predicted[j])
                            let idx = l * m + j
                            let step = rate * max(first[j], 1e-6)
                            let q = online[idx]
                            online[idx] = max(q + step * ((err > q ? 1 : 0) - miss), 1e-9)
                        }
                    }
                }
            }
        }
    }

    /// Kalman filter of a local linear trend per sensor (level, slope), shared covariance.
    mutating func updateHealthFilter(e: UnsafeMutableBufferPointer<Double>, first: Bool) {
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

    mutating func updateHealthFeatures(e: UnsafeMutableBufferPointer<Double>, first: Bool) {
        let m = sensorCount
        let rates = configuration.healthFeatureSmoothing
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

    func healthState() -> HealthState {
        let m = sensorCount
        let active = Double(max(behaviour.activeCount, 1))
        // ‖L⁻¹ℓ‖² now and one step ahead along the trend, in one pass without allocating.
        var now = 0.0
        var next = 0.0
        behaviour.levelWhitener.elements.withUnsafeBufferPointer { l in
            state.levels.withUnsafeBufferPointer { lv in
                state.slopes.withUnsafeBufferPointer { sl in
                    for i in 0..<m {
                        var a = 0.0
                        var b = 0.0
                        for k in 0...i {
                            a += l[i * m + k] * lv[k]
                            b += l[i * m + k] * (lv[k] + sl[k])
                        }
                        now += a * a
                        next += b * b
                    }
                }
            }
        }
        let index = (now / active).squareRoot()
        return HealthState(
            index: index, trend: (next / active).squareRoot() - index,
            uncertainty: state.filterCovariance[0].squareRoot(), sensorLevels: state.levels,
            sensorTrends: state.slopes)
    }
}
