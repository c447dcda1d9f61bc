import LinearAlgebra

/// Two predictions of the sensors k steps ahead, both under a (possibly hypothetical) future context:
///
/// - the **forecast** (`forecast`): where this machine's sensors will actually be — the forecast
///   head's combination of persistence, the model's rollout, a damped trend and a local mean of
///   the deviation (see `ForecastMemory`), on top of the reference of the planned context, with
///   intervals tracked on each horizon's own errors. Dashboards, the planner and
///   `prognos eval forecast` use this one.
/// - the **reference** (`reference`): what a healthy machine would read in that context (the
///   context baseline plus the slowly learned healthy offset), which deviation scores are measured
///   against. Its intervals are the fit's out-of-fold widths of the model's own rollout.
extension AssetModel {
    /// Forecasts `horizon` steps with the future context held at `context` (default: the last
    /// one seen). Pass a different context to ask "what if we run at 80% load?".
    public func forecast(horizon: Int, context: [Double]? = nil) -> [ForecastStep] {
        let u = context ?? state.lastContext
        // No array of `horizon` copies of the context: the daemon asks this every step.
        return predict(steps: max(horizon, 0), reference: false) { _ in u }
    }

    /// Forecasts one step per entry of `contexts`, each under its own future context.
    public func forecast(contexts: [[Double]]) -> [ForecastStep] {
        predict(steps: contexts.count, reference: false) { contexts[$0] }
    }

    /// The reference path: what a healthy machine would read, step by step, with the future
    /// context held at `context`.
    public func reference(horizon: Int, context: [Double]? = nil) -> [ForecastStep] {
        let u = context ?? state.lastContext
        return predict(steps: max(horizon, 0), reference: true) { _ in u }
    }

    /// The forecast `horizon` steps ahead alone (the last step of `forecast(horizon:context:)`,
    /// bit-identical to it), written into `step`. Its arrays are reused when they have the right
    /// shape, so a caller that keeps one `ForecastStep` per asset forecasts without allocating.
    public func forecast(horizon: Int, context: [Double]? = nil, into step: inout ForecastStep) {
        precondition(horizon >= 1, "forecast: horizon must be at least 1")
        let u = context ?? state.lastContext
        precondition(u.count == contextCount, "forecast: wrong number of context values")
        let m = sensorCount
        let p = behaviour.context.featureCount
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * m + p) { scratch in
            var d = scratch.baseAddress!
            var next = d + m
            let phi = next + m
            initialDeviation(into: d)
            behaviour.dynamicsByColumn.withUnsafeBufferPointer { a in
                for _ in 0..<horizon {
                    StepKernels.multiply(a.baseAddress!, d, into: next, m)
                    swap(&d, &next)
                }
            }
            u.withUnsafeBufferPointer {
                behaviour.context.features($0, into: UnsafeMutableBufferPointer(start: phi, count: p))
            }
            write(&step, horizon: horizon, deviation: d, features: phi, reference: false)
        }
    }

    /// `steps` steps, step `index` (0-based) under `contextAt(index)`; only the result's own
    /// arrays are allocated.
    private func predict(steps: Int, reference: Bool, contextAt: (Int) -> [Double]) -> [ForecastStep] {
        let m = sensorCount
        let p = behaviour.context.featureCount
        var out: [ForecastStep] = []
        out.reserveCapacity(steps)
        if steps == 0 { return out }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * m + p) { scratch in
            var d = scratch.baseAddress!
            var next = d + m
            let phi = next + m
            initialDeviation(into: d)
            behaviour.dynamicsByColumn.withUnsafeBufferPointer { a in
                for index in 0..<steps {
                    let u = contextAt(index)
                    precondition(u.count == contextCount, "forecast: wrong number of context values")
                    StepKernels.multiply(a.baseAddress!, d, into: next, m)
                    swap(&d, &next)
                    u.withUnsafeBufferPointer {
                        behaviour.context.features($0, into: UnsafeMutableBufferPointer(start: phi, count: p))
                    }
                    var step = ForecastStep()
                    write(&step, horizon: index + 1, deviation: d, features: phi, reference: reference)
                    out.append(step)
                }
            }
        }
        return out
    }

    /// The fast part of the deviation now: the last deviation minus the health filter's level.
    private func initialDeviation(into d: UnsafeMutablePointer<Double>) {
        state.previous.withUnsafeBufferPointer { prev in
            state.levels.withUnsafeBufferPointer { lv in
                for j in 0..<sensorCount { d[j] = prev[j] - lv[j] }
            }
        }
    }

    /// Fills `step` for horizon `h`, given the fast deviation rolled `h` steps through the
    /// dynamics and the future context's features. Reference: median = baseline + offset, with
    /// the fit's interval widths. Forecast: median = baseline + offset + scale·(the head's
    /// combination of the deviation's candidates, the model's being level + h·slope + deviation),
    /// with the widths tracked online at the horizons around `h` (interpolated linearly). Sensors
    /// with no healthy spread get the baseline alone and empty intervals.
    private func write(
        _ step: inout ForecastStep, horizon h: Int, deviation d: UnsafePointer<Double>,
        features phi: UnsafePointer<Double>, reference: Bool
    ) {
        let m = sensorCount
        let p = behaviour.context.featureCount
        let levelCount = ForecastStep.levels.count
        let (lo, hi, t) = state.forecast.bracket(h)
        let gain = ForecastCombination.trendGain(configuration.trendDamping, h)
        let power = configuration.forecastWeightPower
        let candidates = ForecastMemory.candidateCount
        step.reshape(sensors: m, levels: levelCount)
        step.horizon = h
        step.median.withUnsafeMutableBufferPointer { med in
            behaviour.baseline.elements.withUnsafeBufferPointer { w in
                behaviour.scale.withUnsafeBufferPointer { scale in
                    state.baselineOffset.withUnsafeBufferPointer { offset in
                        state.previous.withUnsafeBufferPointer { prev in
                            state.levels.withUnsafeBufferPointer { lv in
                                state.slopes.withUnsafeBufferPointer { sl in
                                    state.forecast.localMean.withUnsafeBufferPointer { mean in
                                        state.forecast.trend.withUnsafeBufferPointer { trend in
                                            state.forecast.recentErrors.withUnsafeBufferPointer { errs in
                                                for j in 0..<m { med[j] = offset[j] }
                                                for k in 0..<p {
                                                    let f = phi[k]
                                                    let row = w.baseAddress! + k * m
                                                    for j in 0..<m { med[j] += f * row[j] }
                                                }
                                                let below = errs.baseAddress! + lo * candidates * m
                                                let above = errs.baseAddress! + hi * candidates * m
                                                if reference { return }
                                                for j in 0..<m where scale[j] > 0 {
                                                    func r(_ c: Int) -> Double {
                                                        (1 - t) * below[c * m + j] + t * above[c * m + j]
                                                    }
                                                    let model = lv[j] + Double(h) * sl[j] + d[j]
                                                    let deviation = ForecastCombination.combine(
                                                        prev[j], model, prev[j] + gain * trend[j], mean[j], r(0), r(1),
                                                        r(2), r(3), power: power)
                                                    med[j] += scale[j] * deviation
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let fitted = intervalQuantiles[min(h, intervalQuantiles.count) - 1]
        for l in 0..<levelCount {
            step.median.withUnsafeBufferPointer { med in
                step.lower[l].withUnsafeMutableBufferPointer { lower in
                    step.upper[l].withUnsafeMutableBufferPointer { upper in
                        fitted[l].withUnsafeBufferPointer { widths in
                            state.forecast.quantiles.withUnsafeBufferPointer { tracked in
                                behaviour.scale.withUnsafeBufferPointer { scale in
                                    let below = tracked.baseAddress! + (lo * levelCount + l) * m
                                    let above = tracked.baseAddress! + (hi * levelCount + l) * m
                                    for j in 0..<m {
                                        if scale[j] > 0 {
                                            let width = reference ? widths[j] : (1 - t) * below[j] + t * above[j]
                                            let half = scale[j] * width
                                            lower[j] = med[j] - half
                                            upper[j] = med[j] + half
                                        } else {
                                            lower[j] = med[j]
                                            upper[j] = med[j]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
