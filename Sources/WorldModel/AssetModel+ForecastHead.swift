import LinearAlgebra

/// The forecast head's part of each scored step: check the forecasts that horizons made
/// k steps ago against the deviation just seen (candidates' errors → weights, combination's
/// errors → interval widths), then remember this step for the checks to come.
///
/// Horizon 1 is checked every step (its model forecast is the one scoring computed anyway); the
/// longer tracked horizons take turns, one every other step, so that two steps cost one extra
/// m×m product and one extra check.
extension AssetModel {
    /// `A^h` for each tracked horizon `h`, column-major, one m×m block per horizon.
    static func dynamicsPowers(_ dynamics: Matrix, horizons: [Int]) -> [Double] {
        let m = dynamics.rows
        var out: [Double] = []
        guard dynamics.cols == m else { return out }  // a corrupt snapshot, refused by `validate`
        out.reserveCapacity(horizons.count * m * m)
        var power = dynamics
        var h = 1
        for target in horizons {
            while h < target {
                var next = Matrix(rows: m, cols: m)
                Matrix.gemm(dynamics, power, alpha: 1, beta: 0, into: &next)
                power = next
                h += 1
            }
            out += power.transposed.elements
        }
        return out
    }

    /// Checks horizon 1 (with `oneStep`, the model's 1-step forecast made at the previous step)
    /// and this step's turn of the longer horizons. `scratch` holds `m` doubles. Call before the
    /// health filter takes in `e`, and only when a previous step exists.
    mutating func trackForecasts(
        e: UnsafePointer<Double>, oneStep: UnsafePointer<Double>, scratch: UnsafeMutablePointer<Double>
    ) {
        let m = sensorCount
        let done = state.steps
        checkForecasts(horizonIndex: 0, made: done - 1, e: e, model: oneStep)
        let count = state.forecast.horizons.count
        guard count > 1, done % 2 == 1 else { return }
        let index = 1 + (done / 2) % (count - 1)
        let h = state.forecast.horizons[index]
        guard done >= h else { return }
        let made = done - h
        let base = (made % state.forecast.slots) * ForecastMemory.snapshotWidth * m
        // The model's h-step forecast from that step's state: level + h·slope + A^h·(e − level).
        state.forecast.snapshots.withUnsafeBufferPointer { snap in
            forecastDynamics.withUnsafeBufferPointer { powers in
                let past = snap.baseAddress! + base
                let level = past + m
                let slope = past + 2 * m
                let a = powers.baseAddress! + index * m * m
                for i in 0..<m { scratch[i] = level[i] + Double(h) * slope[i] }
                for k in 0..<m {
                    let xk = past[k] - level[k]
                    let column = a + k * m
                    for i in 0..<m { scratch[i] += column[i] * xk }
                }
            }
        }
        checkForecasts(horizonIndex: index, made: made, e: e, model: scratch)
    }

    /// One horizon's check: the candidates made at step `made` against `e`.
    private mutating func checkForecasts(
        horizonIndex index: Int, made: Int, e: UnsafePointer<Double>, model: UnsafePointer<Double>
    ) {
        let m = sensorCount
        let cfg = configuration
        let h = state.forecast.horizons[index]
        let gain = ForecastCombination.trendGain(cfg.trendDamping, h)
        let smoothing = cfg.forecastErrorSmoothing
        let power = cfg.forecastWeightPower
        let rate = cfg.intervalAdaptationRate
        let levels = ForecastStep.levels
        let levelCount = levels.count
        let width = ForecastMemory.snapshotWidth
        let base = (made % state.forecast.slots) * width * m
        let errorBase = index * ForecastMemory.candidateCount * m
        let quantileBase = index * levelCount * m
        behaviour.scale.withUnsafeBufferPointer { scale in
            state.forecast.snapshots.withUnsafeBufferPointer { snap in
                state.forecast.recentErrors.withUnsafeMutableBufferPointer { errs in
                    state.forecast.quantiles.withUnsafeMutableBufferPointer { quant in
                        let past = snap.baseAddress! + base
                        let mean = past + 3 * m
                        let trend = past + 4 * m
                        let r = errs.baseAddress! + errorBase
                        let q = quant.baseAddress! + quantileBase
                        for j in 0..<m where scale[j] > 0 {
                            let c0 = past[j]
                            let c1 = model[j]
                            let c2 = past[j] + gain * trend[j]
                            let c3 = mean[j]
                            let combined = ForecastCombination.combine(
                                c0, c1, c2, c3, r[j], r[m + j], r[2 * m + j], r[3 * m + j], power: power)
                            let actual = e[j]
                            let d0 = actual - c0
                            let d1 = actual - c1
                            let d2 = actual - c2
                            let d3 = actual - c3
                            r[j] += smoothing * (abs(d0) - r[j])
                            r[m + j] += smoothing * (abs(d1) - r[m + j])
                            r[2 * m + j] += smoothing * (abs(d2) - r[2 * m + j])
                            r[3 * m + j] += smoothing * (abs(d3) - r[3 * m + j])
                            // Multiplicative quantile tracking: at equilibrium misses happen at 1 − level.
                            // Branch-free (a miss is a coin flip the predictor cannot learn): the factor is
                            // 1 − rate·(1 − level), plus rate on a miss.
                            let miss = abs(actual - combined)
                            for l in 0..<levelCount {
                                let k = l * m + j
                                let missed: Double = miss > q[k] ? 1 : 0
                                q[k] = max(q[k] * (1 - rate * (1 - levels[l]) + rate * missed), 1e-9)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Folds this step's deviation into the local mean and trend and stores the state the
    /// horizons will check later. Call after the health filter took in `e`, before `previous`
    /// becomes `e`.
    mutating func recordForecastState(e: UnsafePointer<Double>, first: Bool) {
        let m = sensorCount
        let alpha = configuration.localMeanSmoothing
        let gamma = configuration.trendSmoothing
        let width = ForecastMemory.snapshotWidth
        let base = (state.steps % state.forecast.slots) * width * m
        state.previous.withUnsafeBufferPointer { prev in
            state.levels.withUnsafeBufferPointer { lv in
                state.slopes.withUnsafeBufferPointer { sl in
                    state.forecast.localMean.withUnsafeMutableBufferPointer { mean in
                        state.forecast.trend.withUnsafeMutableBufferPointer { trend in
                            state.forecast.snapshots.withUnsafeMutableBufferPointer { snap in
                                let out = snap.baseAddress! + base
                                for j in 0..<m {
                                    if first {
                                        mean[j] = e[j]
                                        trend[j] = 0
                                    } else {
                                        mean[j] += alpha * (e[j] - mean[j])
                                        trend[j] += gamma * ((e[j] - prev[j]) - trend[j])
                                    }
                                    out[j] = e[j]
                                    out[m + j] = lv[j]
                                    out[2 * m + j] = sl[j]
                                    out[3 * m + j] = mean[j]
                                    out[4 * m + j] = trend[j]
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
