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

    /// The forecast of `steps` steps, step `index` (0-based) under `contextAt(index)`.
    ///
    /// Per step only the result's own arrays are allocated (median, and each level's lower and
    /// upper bound); the deviation and context features live in stack scratch space. The
    /// arithmetic is the same, in the same order, as the straightforward array version, so the
    /// forecasts are bit-identical to it (and the dynamics product goes through the same BLAS call).
    private func forecast(steps: Int, contextAt: (Int) -> [Double]) -> [ForecastStep] {
        let m = sensorCount
        let b = behaviour
        let p = b.context.featureCount
        let levelCount = ForecastStep.levels.count
        let fitted = intervalQuantiles
        var out: [ForecastStep] = []
        out.reserveCapacity(steps)
        if steps == 0 { return out }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * m + p) { scratch in
            var d = UnsafeMutableBufferPointer(rebasing: scratch[0..<m])
            var next = UnsafeMutableBufferPointer(rebasing: scratch[m..<(2 * m)])
            let phi = UnsafeMutableBufferPointer(rebasing: scratch[(2 * m)..<(2 * m + p)])
            state.previous.withUnsafeBufferPointer { prev in
                state.levels.withUnsafeBufferPointer { lv in
                    for j in 0..<m { d[j] = prev[j] - lv[j] }
                }
            }
            b.baseline.elements.withUnsafeBufferPointer { w in
            b.scale.withUnsafeBufferPointer { scale in
            state.baselineOffset.withUnsafeBufferPointer { offset in
            state.levels.withUnsafeBufferPointer { lv in
            state.slopes.withUnsafeBufferPointer { sl in
            state.intervalQuantiles.withUnsafeBufferPointer { online in
                for index in 0..<steps {
                    let u = contextAt(index)
                    precondition(u.count == contextCount, "forecast: wrong number of context values")
                    let h = index + 1
                    Matrix.gemv(b.dynamics, UnsafeBufferPointer(d), into: next)
                    swap(&d, &next)
                    u.withUnsafeBufferPointer { b.context.features($0, into: phi) }
                    let median = [Double](unsafeUninitializedCapacity: m) { med, count in
                        for j in 0..<m { med[j] = offset[j] }
                        for k in 0..<p {
                            for j in 0..<m { med[j] += phi[k] * w[k * m + j] }
                        }
                        for j in 0..<m where scale[j] > 0 {
                            med[j] += scale[j] * (lv[j] + Double(h) * sl[j] + d[j])
                        }
                        count = m
                    }
                    let calibrated = fitted[min(h, fitted.count) - 1]
                    // Interval bounds: median ∓ half-width for modelled sensors, the median itself
                    // for sensors with no healthy spread.
                    func bounds(_ sign: Double) -> [[Double]] {
                        (0..<levelCount).map { l in
                            let widths = calibrated[l]
                            let first = fitted[0][l]
                            return [Double](unsafeUninitializedCapacity: m) { bound, count in
                                for j in 0..<m {
                                    if scale[j] > 0 {
                                        // Widths calibrated at fit, rescaled by how the 1-step
                                        // width has moved online.
                                        let adapt = online[l * m + j] / max(first[j], 1e-12)
                                        let half = scale[j] * widths[j] * adapt
                                        bound[j] = sign < 0 ? median[j] - half : median[j] + half
                                    } else {
                                        bound[j] = median[j]
                                    }
                                }
                                count = m
                            }
                        }
                    }
                    out.append(ForecastStep(horizon: h, median: median, lower: bounds(-1), upper: bounds(1)))
                }
            }}}}}}
        }
        return out
    }
}
