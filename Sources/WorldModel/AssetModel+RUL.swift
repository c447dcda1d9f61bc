import LinearAlgebra
import PrognosCore

/// Remaining useful life from the asset's own health state: when does each sensor's filtered
/// deviation, projected along its trend, cross its failure limit?
extension AssetModel {
    /// The distribution of steps until the first of `limits` is crossed, by Monte-Carlo draws of
    /// (level, slope) from the health filter's posterior. Limits are in the sensors' units,
    /// under the operating context `context` (default: the last one seen). A limit that the
    /// trend never reaches counts as `horizon` steps away.
    public func rul<G: RandomNumberGenerator>(
        limits: [SensorLimit], context: [Double]? = nil, horizon: Double = 10_000, draws: Int = 400,
        using generator: inout G
    ) -> RULDistribution {
        precondition(!limits.isEmpty, "rul: give at least one limit")
        let u = context ?? state.lastContext
        let baseline = (0..<sensorCount).map { baselineValue($0, u) + state.baselineOffset[$0] }
        // Posterior of (level, slope): Cholesky of the shared 2×2 covariance.
        let pll = max(state.filterCovariance[0], 0)
        let pls = state.filterCovariance[1]
        let pss = max(state.filterCovariance[2], 0)
        let c11 = pll.squareRoot()
        let c21 = c11 > 0 ? pls / c11 : 0
        let c22 = max(pss - c21 * c21, 0).squareRoot()
        var times: [Double] = []
        times.reserveCapacity(draws)
        for _ in 0..<max(draws, 1) {
            var first = horizon
            for limit in limits {
                let j = limit.sensor
                let s = behaviour.scale[j]
                guard s > 0 else { continue }
                let z = (limit.value - baseline[j]) / s
                let g1 = generator.nextGaussian()
                let g2 = generator.nextGaussian()
                let level = state.levels[j] + c11 * g1
                let slope = state.slopes[j] + c21 * g1 + c22 * g2
                let gap = limit.above ? z - level : level - z
                let rate = limit.above ? slope : -slope
                let t: Double = gap <= 0 ? 0 : (rate > 0 ? min(gap / rate, horizon) : horizon)
                first = min(first, t)
            }
            times.append(first)
        }
        times.sort()
        return RULDistribution(
            median: empiricalQuantile(times, 0.5), p10: empiricalQuantile(times, 0.1),
            p90: empiricalQuantile(times, 0.9))
    }

    /// The healthy baseline of sensor `j` under context `u`, in the sensor's units.
    func baselineValue(_ j: Int, _ u: [Double]) -> Double {
        var phi = [Double](repeating: 0, count: behaviour.context.featureCount)
        u.withUnsafeBufferPointer { pu in
            phi.withUnsafeMutableBufferPointer { behaviour.context.features(pu, into: $0) }
        }
        var v = 0.0
        for k in 0..<phi.count { v += phi[k] * behaviour.baseline[k, j] }
        return v
    }
}
