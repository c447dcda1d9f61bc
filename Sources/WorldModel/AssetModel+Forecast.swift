import LinearAlgebra

/// k-step-ahead forecasts: the deviation's fast part decays through the dynamics, the health
/// trend carries on, and the baseline follows the (possibly hypothetical) future context.
extension AssetModel {
    /// Forecasts `horizon` steps with the future context held at `context` (default: the last
    /// one seen). Pass a different context to ask "what if we run at 80% load?".
    public func forecast(horizon: Int, context: [Double]? = nil) -> [ForecastStep] {
        let u = context ?? state.lastContext
        return forecast(contexts: [[Double]](repeating: u, count: max(horizon, 0)))
    }

    /// Forecasts one step per entry of `contexts`, each under its own future context.
    public func forecast(contexts: [[Double]]) -> [ForecastStep] {
        let m = sensorCount
        let b = behaviour
        let levels = ForecastStep.levels
        var d = (0..<m).map { state.previous[$0] - state.levels[$0] }
        var next = d
        var phi = [Double](repeating: 0, count: b.context.featureCount)
        var out: [ForecastStep] = []
        out.reserveCapacity(contexts.count)
        for (index, u) in contexts.enumerated() {
            precondition(u.count == contextCount, "forecast: wrong number of context values")
            let h = index + 1
            Matrix.gemv(b.dynamics, d, into: &next)
            swap(&d, &next)
            u.withUnsafeBufferPointer { pu in phi.withUnsafeMutableBufferPointer { b.context.features(pu, into: $0) } }
            var median = state.baselineOffset
            for k in 0..<phi.count {
                for j in 0..<m { median[j] += phi[k] * b.baseline[k, j] }
            }
            for j in 0..<m where b.scale[j] > 0 {
                median[j] += b.scale[j] * (state.levels[j] + Double(h) * state.slopes[j] + d[j])
            }
            let calibrated = intervalQuantiles[min(h, intervalQuantiles.count) - 1]
            var lower: [[Double]] = []
            var upper: [[Double]] = []
            for l in levels.indices {
                var lo = median
                var hi = median
                for j in 0..<m where b.scale[j] > 0 {
                    // Widths calibrated at fit, rescaled by how the 1-step width has moved online.
                    let adapt = state.intervalQuantiles[l * m + j] / max(intervalQuantiles[0][l][j], 1e-12)
                    let half = b.scale[j] * calibrated[l][j] * adapt
                    lo[j] -= half
                    hi[j] += half
                }
                lower.append(lo)
                upper.append(hi)
            }
            out.append(ForecastStep(horizon: h, median: median, lower: lower, upper: upper))
        }
        return out
    }
}
