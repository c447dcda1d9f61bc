import Foundation
import LinearAlgebra
import PrognosCore
import Testing
import WorldModel

/// Lagged copies of the context: a first-order lag in time, whatever the cadence, and what they
/// let the reference represent (a temperature that follows its load through thermal inertia).
@Suite struct ContextLagsTests {
    /// A unit step at time 0: one time constant later each copy has covered 1 − 1/e of it, at a
    /// row every 10 s as at a row every 60 s.
    @Test func aCopyIsAFirstOrderLagInTimeAtAnyCadence() {
        for cadence in [10.0, 60.0] {
            var lags = ContextLags(timeConstants: [600, 1800], contextCount: 2)
            #expect(lags.augment([0, 5], at: -cadence) == [0, 5, 0, 5, 0, 5], "the first value settles every copy")
            var out: [Double] = []
            for t in stride(from: 0.0, through: 1800, by: cadence) { out = lags.augment([1, 5], at: t) }
            #expect(abs(out[2] - (1 - exp(-(1800 + cadence) / 600))) < 1e-9, "τ 600 s at cadence \(cadence): \(out)")
            #expect(abs(out[4] - (1 - exp(-(1800 + cadence) / 1800))) < 1e-9, "τ 1800 s at cadence \(cadence): \(out)")
            #expect(out[3] == 5 && out[5] == 5, "a constant signal stays put")
        }
    }

    @Test func aTimeThatDoesNotMoveForwardLeavesTheCopies() {
        var lags = ContextLags(timeConstants: [100], contextCount: 1)
        _ = lags.augment([0], at: 1000)
        let repeated = lags.augment([1], at: 1000)
        let earlier = lags.augment([1], at: 900)
        #expect(repeated == [1, 0] && earlier == [1, 0], "\(repeated), \(earlier)")
        #expect(ContextLags.names(["load"], timeConstants: [1800]) == ["load", "load lagged 1800 s"])
    }

    /// A winding temperature that follows its load through a 30-minute first-order lag, rows a
    /// minute apart, the load stepping every 150 minutes. Fitted on the load alone, the reference
    /// carries every step's approach as healthy spread, and a 2 K fault hides in it; with the load's
    /// lagged copy it follows the approach, its spread is the sensor's noise, and the fault shows —
    /// while healthy rows stay within the false-alarm budget.
    @Test func lagCopiesLetTheReferenceFollowAThermalLag() throws {
        func rows(_ n: Int, seed: UInt64, fault: Double = 0) -> [(load: Double, temp: Double)] {
            var rng = SplitMix64(seed: seed)
            var load = 0.6
            var temp = 40 + 50 * load
            var out: [(Double, Double)] = []
            for t in 0..<n {
                if t % 150 == 149 { load = 0.4 + 0.6 * Double.random(in: 0..<1, using: &rng) }
                temp += (1 - exp(-60.0 / 1800)) * (40 + 50 * load - temp)
                out.append((load, temp + 0.3 * rng.nextGaussian() + (t >= n / 2 ? fault : 0)))
            }
            return out
        }
        func run(lagged: Bool) throws -> (spread: Double, healthy: Int, faulty: Int) {
            let taus: [Double] = lagged ? [1800] : []
            func table(_ data: [(load: Double, temp: Double)]) -> Matrix {
                var lags = ContextLags(timeConstants: taus, contextCount: 1)
                return Matrix(
                    data.enumerated().map { t, row in [row.temp] + lags.augment([row.load], at: 60 * Double(t)) })
            }
            let context = ContextLags.names(["load"], timeConstants: taus)
            let fitted = try AssetModel(
                sensorNames: ["temp"], contextNames: context, history: table(rows(3000, seed: 1)))
            func flags(_ test: Matrix) -> Int {
                var model = fitted
                return (0..<test.rows).filter { r in
                    let row = test.row(r)
                    return model.update(y: [row[0]], u: Array(row[1...])).flagged
                }.count
            }
            let healthy = flags(table(rows(1500, seed: 2)))
            let faulty = flags(table(rows(1500, seed: 2, fault: 2)))
            return (fitted.healthySpread[0], healthy, faulty)
        }
        let blind = try run(lagged: false)
        let following = try run(lagged: true)
        #expect(following.spread < 0.5 && blind.spread > 3 * following.spread, "spreads \(blind), \(following)")
        #expect(following.healthy <= 45, "healthy rows flagged with the lagged load: \(following.healthy) of 1500")
        #expect(following.faulty - following.healthy >= 600, "a 2 K fault on 750 rows: \(following)")
        #expect(blind.faulty - blind.healthy < 300, "without the lagged load the fault hides: \(blind)")
    }
}
