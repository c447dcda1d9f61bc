import Foundation
import LinearAlgebra
import PrognosCore
import Testing
import WorldModel

/// A context beyond the range the model was fitted on: the reference extrapolates, and the
/// deviation is scored against that uncertainty, not flagged as a fault; sensors the context does
/// not move keep their sensitivity.
@Suite struct ExtrapolationTests {
    /// "p" rises with the speed along a curve the quadratic baseline does not follow far beyond the
    /// fitted range (a fan's power, ∝ speed³); "leak" does not depend on it.
    static func rows(_ n: Int, speed: (Int) -> Double, leakShift: Double = 0, seed: UInt64) -> Matrix {
        var rng = SplitMix64(seed: seed)
        var out: [[Double]] = []
        var e = [0.0, 0.0]
        for t in 0..<n {
            let s = speed(t)
            e = e.map { 0.5 * $0 + rng.nextGaussian() }
            out.append([20 + 400 * s * s * s + e[0], 5 + leakShift + e[1], s])
        }
        return Matrix(out)
    }

    /// Trained at speeds 0.8–1.0, run for 300 steps at 0.55: with the extrapolation's uncertainty
    /// (the default) the step is not a fault; scored against the healthy spread alone it is
    /// flagged nearly throughout. A step of 6 spreads in "leak" during it is still flagged.
    @Test func aLoadStepBeyondTheFittedRangeIsNotAFaultButAnUnrelatedShiftIs() throws {
        let training = Self.rows(1000, speed: { 0.9 + 0.1 * sin(Double($0) / 40) }, seed: 11)
        let lowSpeed = Self.rows(300, speed: { _ in 0.55 }, seed: 12)
        var off = ModelConfiguration()
        off.extrapolationUncertainty = 0
        func flags(_ configuration: ModelConfiguration, _ test: Matrix) throws -> (count: Int, onLeak: Int) {
            var model = try AssetModel(
                sensorNames: ["p", "leak"], contextNames: ["speed"], history: training, configuration: configuration)
            var count = 0
            var onLeak = 0
            for r in 0..<test.rows {
                let row = test.row(r)
                let result = model.update(y: Array(row[0..<2]), u: [row[2]])
                if result.flagged {
                    count += 1
                    if result.sensorShares[1] > 0.5 { onLeak += 1 }
                }
            }
            return (count, onLeak)
        }
        let blind = try flags(off, lowSpeed)
        #expect(blind.count > 250, "scored against the spread alone: \(blind.count) of 300 flagged")
        let honest = try flags(ModelConfiguration(), lowSpeed)
        #expect(honest.count <= 6, "with the extrapolation's uncertainty: \(honest.count) of 300 flagged")
        let leaking = Self.rows(300, speed: { _ in 0.55 }, leakShift: 6 * 1.15, seed: 12)
        let fault = try flags(ModelConfiguration(), leaking)
        #expect(fault.count > 250 && fault.onLeak > 250, "a leak during the step: \(fault) of 300 flagged")
    }

    /// The health state the failure modes read (`HealthState.sensorLevels`) takes the deviation as
    /// the statistics do: at a speed below the fitted range, "p" is not read as wear (a pump run at
    /// 70 % speed was given an RUL of hours by its impeller-wear mode), while a shift of "leak"
    /// during the step still reads in full. The result says how far each reference can be trusted
    /// there (`referenceGains`): not "p"'s, fully "leak"'s, and every one inside the range.
    @Test func theFilteredDeviationBeyondTheFittedRangeIsNotReadAsWear() throws {
        let training = Self.rows(1000, speed: { 0.9 + 0.1 * sin(Double($0) / 40) }, seed: 11)
        func result(_ configuration: ModelConfiguration, leakShift: Double = 0) throws -> StepResult {
            var model = try AssetModel(
                sensorNames: ["p", "leak"], contextNames: ["speed"], history: training, configuration: configuration)
            let test = Self.rows(300, speed: { _ in 0.55 }, leakShift: leakShift, seed: 12)
            var result = model.update(y: Array(test.row(0)[0..<2]), u: [test.row(0)[2]])
            for r in 1..<test.rows {
                let row = test.row(r)
                model.update(y: Array(row[0..<2]), u: [row[2]], into: &result)
            }
            return result
        }
        var off = ModelConfiguration()
        off.extrapolationUncertainty = 0
        let blind = try result(off).health.sensorLevels
        let honest = try result(ModelConfiguration())
        let leaking = try result(ModelConfiguration(), leakShift: 6 * 1.15).health.sensorLevels
        #expect(honest.referenceGains[0] < StepResult.trustedGain && honest.referenceGains[1] > 0.99)
        var inside = try AssetModel(sensorNames: ["p", "leak"], contextNames: ["speed"], history: training)
        #expect(inside.update(y: [20 + 400 * 0.729, 5], u: [0.9]).referenceGains == [1, 1])
        #expect(abs(blind[0]) > 10, "scored against the spread alone: \(blind)")
        #expect(abs(honest.health.sensorLevels[0]) < 2, "with the extrapolation's uncertainty: \(honest)")
        #expect(leaking[1] > 4, "a leak during the step: \(leaking)")
    }

    /// The fitted range is part of the model: it survives a snapshot.
    @Test func theFittedRangeSurvivesSerialization() throws {
        let training = Self.rows(500, speed: { 0.9 + 0.1 * sin(Double($0) / 40) }, seed: 13)
        var model = try AssetModel(sensorNames: ["p", "leak"], contextNames: ["speed"], history: training)
        var restored = try AssetModel(serialized: model.serialized())
        #expect(restored == model)
        for speed in [0.95, 0.5] {
            let y = [20 + 400 * speed * speed * speed, 5.0]
            #expect(restored.update(y: y, u: [speed]) == model.update(y: y, u: [speed]))
        }
    }
}
