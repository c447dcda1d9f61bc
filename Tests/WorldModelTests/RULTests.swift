import LinearAlgebra
import PrognosCore
import Testing
import WorldModel

@Suite struct RULTests {
    /// A sensor drifting linearly at 0.02 units per step towards a limit 3 units away is
    /// predicted to cross in about 150 steps; the median must be within 20% and p10 ≤ p50 ≤ p90.
    @Test func projectionOfALinearTrend() throws {
        var rng = SplitMix64(seed: 8)
        let healthy = Matrix((0..<1000).map { _ in [20 + 0.2 * rng.nextGaussian(), 5 + 0.2 * rng.nextGaussian()] })
        var model = try AssetModel(sensorNames: ["wear", "other"], history: healthy)
        model.resetState()
        var value = 20.0
        for _ in 0..<300 {
            value += 0.02
            _ = model.update(y: [value + 0.2 * rng.nextGaussian(), 5 + 0.2 * rng.nextGaussian()])
        }
        let rul = model.rul(limits: [SensorLimit(sensor: 0, value: value + 3, above: true)], using: &rng)
        #expect(abs(rul.median - 150) < 30, "median \(rul.median)")
        #expect(rul.p10 <= rul.median && rul.median <= rul.p90)
    }
}
