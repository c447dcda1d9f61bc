import Foundation
import LinearAlgebra
import PrognosCore
import Testing
import WorldModel

/// A normal model that follows a healthy machine and not a failing one.
@Suite struct AdaptationTests {
    /// Three sensors of white noise about fixed levels (unit spread), `n` rows.
    static func healthy(_ n: Int, seed: UInt64) -> Matrix {
        var rng = SplitMix64(seed: seed)
        return Matrix((0..<n).map { _ in (0..<3).map { 10 * Double($0 + 1) + rng.nextGaussian() } })
    }

    /// Scores `steps` rows where sensor 0 moves by `drift(t)` spreads; returns the steps flagged,
    /// counted in the first and in the last quarter of the run.
    static func run(
        _ model: inout AssetModel, steps: Int, seed: UInt64, drift: (Int) -> Double
    ) -> (early: Int, late: Int) {
        var rng = SplitMix64(seed: seed)
        var early = 0
        var late = 0
        for t in 0..<steps {
            let y = [10 + drift(t) + rng.nextGaussian(), 20 + rng.nextGaussian(), 30 + rng.nextGaussian()]
            let flagged = model.update(y: y).flagged
            if flagged && t < steps / 4 { early += 1 }
            if flagged && t >= steps - steps / 4 { late += 1 }
        }
        return (early, late)
    }

    /// A warm-up curve (sensor 0 settles 2.5 spreads higher with a time constant of 1,500 steps,
    /// a start at 0.0017 spreads per step) is learned: in the last quarter of 12,000 steps the
    /// flags are back at about the 1 % budget (at most 3 %), and they are fewer than at the start.
    @Test func slowHealthyDriftStopsRaisingFlags() throws {
        var model = try AssetModel(sensorNames: ["a", "b", "c"], history: Self.healthy(2000, seed: 41))
        let warmUp = { (t: Int) in 2.5 * (1 - exp(-Double(t) / 1500)) }
        let flags = Self.run(&model, steps: 12_000, seed: 42, drift: warmUp)
        #expect(Double(flags.late) <= 0.03 * 3000, "late flags \(flags.late), early \(flags.early)")
        #expect(flags.late < flags.early || flags.early == 0)
    }

    /// The same start (0.0017 spreads per step) carrying on as a fault while a failure mode is
    /// degrading (the caller holds adaptation): the deviation is never learned, so the alarm holds
    /// through the whole last quarter.
    @Test func sameSlopeOnADegradingModeKeepsItsAlarm() throws {
        var model = try AssetModel(sensorNames: ["a", "b", "c"], history: Self.healthy(2000, seed: 41))
        model.adaptationHeld = true
        let ramp = { (t: Int) in 2.5 / 1500 * Double(t) }
        let flags = Self.run(&model, steps: 12_000, seed: 42, drift: ramp)
        #expect(flags.late == 3000, "late flags \(flags.late) of 3000")
    }

    /// Without the hold, the bound stops adaptation from swallowing a fault: a ramp far beyond
    /// `maxBaselineOffset` spreads stays flagged even though it is never held.
    @Test func adaptationIsBounded() throws {
        var model = try AssetModel(sensorNames: ["a", "b", "c"], history: Self.healthy(2000, seed: 41))
        let ramp = { (t: Int) in 0.001 * Double(t) }  // 12 spreads by the end
        let flags = Self.run(&model, steps: 12_000, seed: 43, drift: ramp)
        #expect(flags.late == 3000, "late flags \(flags.late) of 3000")
    }

    /// A shift far beyond what adaptation may follow stays flagged until an operator re-baselines;
    /// then the new level is normal at once.
    @Test func rebaselineMakesTheNewStateNormal() throws {
        var model = try AssetModel(sensorNames: ["a", "b", "c"], history: Self.healthy(2000, seed: 46))
        let before = Self.run(&model, steps: 400, seed: 47) { _ in 6 }
        #expect(before.late == 100, "before: \(before.late) of 100 late steps flagged")
        model.rebaseline()
        let after = Self.run(&model, steps: 2000, seed: 48) { _ in 6 }
        #expect(Double(after.early + after.late) <= 0.03 * 1000, "after: \(after.early) early, \(after.late) late")
    }

    /// How far the reference of sensor 0 moves while the machine reads 0.7 spreads above its fit
    /// (unflagged) for two days of steps `stepSeconds` apart (nil: the model is not told).
    static func referenceMove(stepSeconds: Double?, steps: Int) throws -> Double {
        var model = try AssetModel(sensorNames: ["a", "b", "c"], history: Self.healthy(2000, seed: 49))
        model.stepSeconds = stepSeconds
        let start = model.reference(horizon: 1)[0].median[0]
        let shifted = [start + 0.7 * model.healthySpread[0], 20, 30]
        for _ in 0..<steps { #expect(!model.update(y: shifted).flagged) }
        return (model.reference(horizon: 1)[0].median[0] - start) / model.healthySpread[0]
    }

    /// Adaptation is a pace in time once the caller says how far apart its steps are: two days
    /// of hourly steps move the reference as far as two days of ten-minute steps (the cadence the
    /// constants are given for: 1 − 0.997^288 of the way), where per step they moved it a quarter
    /// as far (1 − 0.997^48).
    @Test func adaptationKeepsItsPaceInTimeWhateverTheCadence() throws {
        let tenMinutes = try Self.referenceMove(stepSeconds: 600, steps: 288)
        let hourly = try Self.referenceMove(stepSeconds: 3600, steps: 48)
        let hourlyPerStep = try Self.referenceMove(stepSeconds: nil, steps: 48)
        #expect(abs(tenMinutes - 0.7 * (1 - pow(0.997, 288))) < 1e-9, "ten minutes: \(tenMinutes)")
        #expect(abs(hourly - tenMinutes) < 1e-9, "hourly \(hourly), ten minutes \(tenMinutes)")
        #expect(abs(hourlyPerStep - 0.7 * (1 - pow(0.997, 48))) < 1e-9, "per step: \(hourlyPerStep)")
        // The hold after a flag is the same time too: ten 10-minute steps, two hourly ones.
        #expect(ModelConfiguration().adaptationPace(stepSeconds: 3600).holdSteps == 2)
        #expect(ModelConfiguration().adaptationPace(stepSeconds: 1).holdSteps == 6000)
    }

    /// The hold is part of the model's state: it survives a snapshot.
    @Test func holdSurvivesSerialization() throws {
        var model = try AssetModel(sensorNames: ["a", "b", "c"], history: Self.healthy(500, seed: 44))
        model.adaptationHeld = true
        let restored = try AssetModel(serialized: model.serialized())
        #expect(restored.adaptationHeld)
        #expect(restored == model)
    }

    /// A model saved in a format this build does not know is refused with the reason.
    @Test func unknownFormatIsRefusedWithReason() throws {
        var bytes = try AssetModel(sensorNames: ["a", "b", "c"], history: Self.healthy(500, seed: 45)).serialized()
        bytes[4] = 99  // the version follows the 4-byte magic, little-endian
        do {
            _ = try AssetModel(serialized: bytes)
            Issue.record("format 99 was accepted")
        } catch let error as WorldModelError {
            #expect(error.message.contains("format 99 is not supported"))
        }
    }
}
