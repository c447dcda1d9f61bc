import LinearAlgebra

/// k-step-ahead forecasts: the deviation's fast part decays through the dynamics, the health
/// trend carries on, and the baseline follows the (possibly hypothetical) future context.
extension AssetModel {
    /// Forecasts `horizon` steps with the future context held at `context` (default: the last
    /// one seen). Pass a different context to ask "what if we run at 80% load?".
    public func forecast(horizon: Int, context: [Double]? = nil) -> [ForecastStep] {
        let u = context ?? state.lastContext
        // No array of `horizon` copies of the context: the daemon asks this every step.
        return forecast(steps: max(horizon, 0)) { _ in u }
    }

    /// Forecasts one step per entry of `contexts`, each under its own future context.
    public func forecast(contexts: [[Double]]) -> [ForecastStep] {
        forecast(steps: contexts.count) { contexts[$0] }
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
            u.withUnsafeBufferPointer { behaviour.context.features($0, into: UnsafeMutableBufferPointer(start: phi, count: p)) }
            write(&step, horizon: horizon, deviation: d, features: phi)
        }
    }

    /// The forecast of `steps` steps, step `index` (0-based) under `contextAt(index)`; only the
    /// result's own arrays are allocated.
    private func forecast(steps: Int, contextAt: (Int) -> [Double]) -> [ForecastStep] {
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
                    write(&step, horizon: index + 1, deviation: d, features: phi)
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

    /// Fills `step` for horizon `h`, given the deviation rolled `h` steps and the future
    /// context's features: median = baseline + offset + scale·(level + h·slope + deviation);
    /// bounds = median ∓ the calibrated half-width for modelled sensors, the median itself for
    /// sensors with no healthy spread.
    private func write(
        _ step: inout ForecastStep, horizon h: Int, deviation d: UnsafePointer<Double>,
        features phi: UnsafePointer<Double>
    ) {
        let m = sensorCount
        let p = behaviour.context.featureCount
        let levelCount = ForecastStep.levels.count
        step.reshape(sensors: m, levels: levelCount)
        step.horizon = h
        step.median.withUnsafeMutableBufferPointer { med in
            behaviour.baseline.elements.withUnsafeBufferPointer { w in
            behaviour.scale.withUnsafeBufferPointer { scale in
            state.baselineOffset.withUnsafeBufferPointer { offset in
            state.levels.withUnsafeBufferPointer { lv in
            state.slopes.withUnsafeBufferPointer { sl in
                for j in 0..<m { med[j] = offset[j] }
                for k in 0..<p {
                    let f = phi[k]
                    let row = w.baseAddress! + k * m
                    for j in 0..<m { med[j] += f * row[j] }
                }
                for j in 0..<m where scale[j] > 0 {
                    med[j] += scale[j] * (lv[j] + Double(h) * sl[j] + d[j])
                }
            }}}}}
        }
        let calibrated = min(h, intervalQuantiles.count) - 1
        for l in 0..<levelCount {
            step.median.withUnsafeBufferPointer { med in
            step.lower[l].withUnsafeMutableBufferPointer { lower in
            step.upper[l].withUnsafeMutableBufferPointer { upper in
            intervalQuantiles[calibrated][l].withUnsafeBufferPointer { widths in
            intervalQuantiles[0][l].withUnsafeBufferPointer { first in
            state.intervalQuantiles.withUnsafeBufferPointer { online in
            behaviour.scale.withUnsafeBufferPointer { scale in
                for j in 0..<m {
                    if scale[j] > 0 {
                        // Widths calibrated at fit, rescaled by how the 1-step width has moved online.
                        let adapt = online[l * m + j] / max(first[j], 1e-12)
                        let half = scale[j] * widths[j] * adapt
                        lower[j] = med[j] - half
                        upper[j] = med[j] + half
                    } else {
                        lower[j] = med[j]
                        upper[j] = med[j]
                    }
                }
            }}}}}}}
        }
    }
}
