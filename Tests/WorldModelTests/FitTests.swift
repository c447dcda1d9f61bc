import LinearAlgebra
import PrognosCore
import Testing

@testable import WorldModel

/// Known systems are recovered by the fit.
@Suite struct FitTests {
    /// A VAR(1) with known A: 6,000 steps of unit noise give standard errors near 0.015 per
    /// coefficient; the ridge penalty (1% of the data's weight) shrinks by about 1%. Tolerance 0.06.
    @Test func recoversKnownDynamics() throws {
        let (rows, a) = Synthetic.var1(m: 4, steps: 6000, seed: 42)
        let model = try AssetModel(sensorNames: ["a", "b", "c", "d"], history: rows)
        // The model's dynamics act on standardised deviations e = (y − mean)/scale; for equal
        // per-sensor scales A is unchanged, so compare A after undoing the scaling.
        let s = model.behaviour.scale
        for i in 0..<4 {
            for j in 0..<4 {
                let recovered = model.behaviour.dynamics[i, j] * s[i] / s[j]
                #expect(abs(recovered - a[i, j]) < 0.06, "A[\(i),\(j)] = \(recovered), true \(a[i, j])")
            }
        }
    }

    /// A sensor that is an exact quadratic function of two context inputs plus noise of σ = 0.1:
    /// the baseline recovers it to within 0.05 everywhere in the training range.
    @Test func recoversContextBaseline() throws {
        var rng = SplitMix64(seed: 7)
        var rows: [[Double]] = []
        for _ in 0..<3000 {
            let load = Double.random(in: 0.2...1, using: &rng)
            let speed = Double.random(in: 1000...3000, using: &rng)
            let temperature = 40 + 30 * load + 0.01 * speed + 20 * load * load + 0.1 * rng.nextGaussian()
            rows.append([temperature, load, speed])
        }
        let model = try AssetModel(
            sensorNames: ["temperature"], contextNames: ["load", "speed"], history: Matrix(rows))
        for (load, speed) in [(0.3, 1200.0), (0.9, 2800.0), (0.6, 2000.0)] {
            let truth = 40 + 30 * load + 0.01 * speed + 20 * load * load
            #expect(abs(model.baselineValue(0, [load, speed]) - truth) < 0.05)
        }
    }

    @Test func rejectsHistoryWithWrongColumns() {
        #expect(throws: WorldModelError.self) {
            try AssetModel(sensorNames: ["a", "b"], history: Matrix(rows: 100, cols: 3))
        }
    }
}
