import Foundation
import PrognosCore
import Testing
import WorldModel

@testable import PlantRuntime

/// An operator's re-baseline (`prognos model rebaseline`) in one asset's runtime.
@Suite struct RebaselineRuntimeTests {
    /// The trained pump of `RuntimeTests` after its temperature stepped up by 4 K (about 13 healthy
    /// spreads) for good, at steps `from..<to`.
    static func feedStepChange(_ runtime: inout AssetRuntime, from: Int, to: Int, seed: UInt64) -> RuntimeOutput {
        var output = RuntimeOutput()
        var noise = SplitMix64(seed: seed)
        for t in from..<to {
            let speed = 1200 + 300 * sin(Double(t) / 20)
            runtime.ingest(
                RuntimeTests.readings(
                    at: Double(t), temp: 34 + speed / 100 + noise.nextGaussian() * 0.3,
                    vib: 2 + noise.nextGaussian() * 0.1, speed: speed, hours: Double(t)), into: &output)
        }
        return output
    }

    static func deviationActive(_ runtime: AssetRuntime) -> Bool {
        runtime.allAlarms.contains { $0.id == "pump-1/deviation" && $0.active }
    }

    @Test func aConfirmedNewNormalStopsTheDeviationAndIsLearntAgainWhileTheModesKeepTheirHealth() throws {
        var runtime = RuntimeTests.trained()
        let before = Self.feedStepChange(&runtime, from: 400, to: 500, seed: 11)
        #expect(before.batch.deviations.suffix(50).allSatisfy { $0.flagged }, "the step change is a deviation")
        #expect(Self.deviationActive(runtime))
        var control = runtime
        let health = runtime.latestHealth

        runtime.rebaseline()
        #expect(runtime.latestHealth == health, "the failure modes keep their health")
        let after = Self.feedStepChange(&runtime, from: 500, to: 1000, seed: 12)
        let controlAfter = Self.feedStepChange(&control, from: 500, to: 1000, seed: 12)

        #expect(after.batch.deviations.count == 500)
        // The false-alarm budget (1 % of steps) allows about 5 flags in 500; the control has them all.
        // The re-baseline takes the model's local mean as the new normal, an estimate about 0.3
        // spreads off; at these 1-second steps adaptation (2.3 days in time) leaves that to the refit
        // 400 steps on, hence up to 3 %.
        let flagged = after.batch.deviations.indices.filter { after.batch.deviations[$0].flagged }
        #expect(flagged.count <= 15, "the new normal is not a deviation: flagged at \(flagged)")
        #expect(!Self.deviationActive(runtime), "the alarm the old baseline drove cleared")
        #expect(
            after.alarmUpdates.contains { $0.alarm.id == "pump-1/deviation" && !$0.alarm.active },
            "and its clearing was written")
        #expect(controlAfter.batch.deviations.suffix(100).allSatisfy { $0.flagged }, "without it, it stays flagged")
        #expect(Self.deviationActive(control))

        // The normal is learnt again (reference and thresholds) from the 400 steps that followed.
        #expect(after.refits.count == 1)
        #expect(controlAfter.refits.isEmpty)
        let refit = try #require(after.refits.first)
        #expect(refit.history.count == 400 && refit.model != nil)
        runtime.adopt(refitted: try AssetRuntime.fit(refit))
        let relearnt = Self.feedStepChange(&runtime, from: 1000, to: 1200, seed: 13)
        #expect(relearnt.batch.deviations.filter { $0.flagged }.count <= 6)
        #expect(relearnt.refits.isEmpty, "one refit, not one per step")
    }

    /// At one step a second the refit after a re-baseline waits for `relearnSpan` of the plant's
    /// time and learns rows from all of it, decimated, not the first `trainingSteps` steps (which
    /// were ten minutes of one operating point).
    @Test func theNormalIsLearntAgainFromTheWholeRelearnSpan() throws {
        var runtime = RuntimeTests.trained {
            $0.relearnSpan = 2_000
            $0.historyCapacity = 500
        }
        _ = Self.feedStepChange(&runtime, from: 400, to: 500, seed: 11)
        runtime.rebaseline()
        let early = Self.feedStepChange(&runtime, from: 500, to: 2_499, seed: 12)
        #expect(early.refits.isEmpty, "400 steps (trainingSteps) are not the span")
        let due = Self.feedStepChange(&runtime, from: 2_499, to: 2_600, seed: 13)
        #expect(due.refits.count == 1)
        let refit = try #require(due.refits.first)
        // Blocks of 200 steps out of every 800 (2,000 steps into at most 500 rows): steps 500–699,
        // 1,300–1,499 and 2,100–2,299 kept, the oldest 100 of them overwritten.
        #expect(refit.history.count == 500)
        #expect(refit.history.segments == [100, 200, 200])
    }

    /// A re-baseline recorded while the daemon was stopped: the restarted runtime has the model of
    /// before the stop, whose "lately" is the old state, so it waits for the machine to settle.
    @Test func aRebaselineRecordedWhileStoppedIsTakenOnceTheRestartedMachineHasSettled() throws {
        // The off-delay of 60 steps only: a few flags left after the re-baseline (until its refit)
        // raise the alarm again once, and this test reads its return 400 steps on, not 30 minutes.
        var running = RuntimeTests.trained { $0.deviationOffDelayInPlantTime = 0 }
        _ = Self.feedStepChange(&running, from: 400, to: 500, seed: 11)
        #expect(Self.deviationActive(running))
        func restarted() throws -> AssetRuntime {
            var runtime = AssetRuntime(
                asset: RuntimeTests.asset, site: "test", configuration: running.configuration, now: 500)
            try runtime.restore(model: try #require(running.snapshot()))
            runtime.restore(alarms: running.allAlarms)
            return runtime
        }
        var runtime = try restarted()
        var control = try restarted()
        runtime.rebaselineOnceSettled()

        let after = Self.feedStepChange(&runtime, from: 500, to: 1000, seed: 12)
        let controlAfter = Self.feedStepChange(&control, from: 500, to: 1000, seed: 12)
        let flagged = after.batch.deviations.indices.filter { after.batch.deviations[$0].flagged }
        let wait = running.configuration.restartSettleSteps + running.configuration.settleStepsAfterMaintenance
        #expect(flagged.contains { $0 < wait }, "until it has settled, the old normal still scores it")
        #expect(flagged.filter { $0 >= wait + 5 }.count <= 12, "then the new normal is not a deviation: \(flagged)")
        #expect(!Self.deviationActive(runtime))
        #expect(Self.deviationActive(control), "without it, it stays flagged")
        #expect(controlAfter.batch.deviations.suffix(100).allSatisfy { $0.flagged })
        let refit = try #require(after.refits.first, "the normal is learnt again")
        #expect(after.refits.count == 1 && refit.history.count == 400)
        #expect(controlAfter.refits.isEmpty)
    }

    @Test func beforeAModelExistsTheCollectedRowsStartAgain() throws {
        var configuration = RuntimeConfiguration()
        configuration.trainingSteps = 400
        configuration.trainingSpan = 0
        var learning = AssetRuntime(asset: RuntimeTests.asset, site: "test", configuration: configuration, now: 0)
        var output = RuntimeOutput()
        func feed(_ steps: Range<Int>, temp: Double) {
            for t in steps {
                learning.ingest(
                    RuntimeTests.readings(at: Double(t), temp: temp, vib: 2, speed: 1200, hours: 0), into: &output)
            }
        }
        feed(0..<300, temp: 42)
        learning.rebaseline()
        feed(300..<600, temp: 46)
        #expect(output.refits.isEmpty, "300 + 300 rows are not 400 of the new normal")
        feed(600..<700, temp: 46)
        #expect(output.refits.count == 1)
        let history = try #require(output.refits.first?.history)
        #expect((0..<history.count).allSatisfy { history.row($0)[0] == 46 }, "only the new normal is learnt")
    }
}
