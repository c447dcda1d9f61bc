import LinearAlgebra
import PrognosCore
import Testing
import WorldModel

/// Interval coverage on synthetic data with known noise, and what-if forecasts.
@Suite struct ForecastTests {
    /// On 4,000 fresh steps of the same VAR(1) process, 1- and 5-step intervals hold their
    /// nominal coverage within ±3 points (binomial sd at 90% over 4,000 × 4 sensors ≈ 0.3 points;
    /// the rest of the margin is calibration error from 3,000 training rows).
    @Test(arguments: [1, 5])
    func intervalCoverageIsNominal(horizon: Int) throws {
        let (rows, _) = Synthetic.var1(m: 4, steps: 7000, seed: 11)
        var model = try AssetModel(sensorNames: ["a", "b", "c", "d"], history: Synthetic.firstRows(rows, 3000))
        var pending: [Int: ForecastStep] = [:]
        var hits = [0.0, 0.0, 0.0]
        var total = 0.0
        for t in 3000..<rows.rows {
            let y = rows.row(t)
            if let f = pending.removeValue(forKey: t - horizon) {
                for (l, _) in ForecastStep.levels.enumerated() {
                    for j in 0..<4 where y[j] >= f.lower[l][j] && y[j] <= f.upper[l][j] { hits[l] += 1 }
                }
                total += 4
            }
            _ = model.update(y: y)
            pending[t] = model.forecast(horizon: horizon).last!
        }
        for (l, level) in ForecastStep.levels.enumerated() {
            let coverage = hits[l] / total
            #expect(abs(coverage - level) < 0.03, "\(level) interval covers \(coverage) at horizon \(horizon)")
        }
    }

    /// What-if: a forecast under a different future context follows that context's baseline.
    @Test func whatIfContextMovesTheForecast() throws {
        var rng = SplitMix64(seed: 5)
        var rows: [[Double]] = []
        for _ in 0..<2000 {
            let load = Double.random(in: 0.5...1, using: &rng)
            rows.append([60 + 40 * load + rng.nextGaussian(), load])
        }
        var model = try AssetModel(sensorNames: ["temperature"], contextNames: ["load"], history: Matrix(rows))
        _ = model.update(y: [100], u: [1])
        let atFull = model.forecast(horizon: 20, context: [1]).last!.median[0]
        let atEighty = model.forecast(horizon: 20, context: [0.8]).last!.median[0]
        // 20% less load is 8 degrees cooler on this asset; the fast deviation has decayed by step 20.
        #expect(abs((atFull - atEighty) - 8) < 0.5)
    }
}
