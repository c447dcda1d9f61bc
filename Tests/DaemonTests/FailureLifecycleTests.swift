import Daemon
import Foundation
import Planner
import PrognosCore
import Testing

@testable import PlantRuntime

/// One truth per failure mode, and the failure lifecycle, in the per-asset runtime: healthy machines
/// carry no remaining life, wear gets one, a crossed failure limit or a trip past the alarm level is a
/// failure on every output at once, and reported maintenance ends it.
@Suite struct FailureLifecycleTests {
    typealias Pump = RuntimeTests

    /// Ten-second batches of the test pump from `start` for `seconds`; `vib(t)` and `speed(t)` by elapsed time.
    static func run(
        _ runtime: inout AssetRuntime, from start: Double, seconds: Double, vib: (Double) -> Double,
        speed: (Double) -> Double = { _ in 1200 }, into output: inout RuntimeOutput
    ) {
        var noise = SplitMix64(seed: UInt64(start))
        var t = 0.0
        while t < seconds {
            let s = speed(t)
            let v = vib(t) + (s > 0 ? noise.nextGaussian() * 0.1 : 0)
            runtime.ingest(
                Pump.readings(
                    at: start + t, temp: s > 0 ? 30 + s / 100 + noise.nextGaussian() * 0.3 : 20, vib: v, speed: s,
                    hours: start + t),
                into: &output)
            t += 10
        }
    }

    static func checkIntervals(_ rows: [HealthRecord]) {
        for row in rows {
            guard let p10 = row.rulP10 else {
                #expect(row.rulP90 == nil, "an upper end without a lower one: \(row)")
                continue
            }
            let median = row.rulMedian ?? -.infinity
            #expect(p10 < median, "\(row)")
            if let p90 = row.rulP90 { #expect(median < p90, "\(row)") }
        }
    }

    @Test("A healthy machine shows no remaining life: every mode lies beyond the horizon, no RUL alarm")
    func healthyMachineHasNoRemainingLife() {
        var runtime = Pump.trained()
        var output = RuntimeOutput()
        Self.run(&runtime, from: 400, seconds: 4 * 3600, vib: { _ in 2 }, into: &output)
        #expect(!output.batch.health.isEmpty)
        #expect(output.batch.health.allSatisfy { $0.state == .healthy && $0.rulMedian == nil && $0.horizon != nil })
        #expect(!output.alarmUpdates.contains { $0.alarm.kind == .rul || $0.alarm.kind == .failure })
        let summary = runtime.summary(at: 400 + 4 * 3600)
        #expect(summary.modes.map(\.lifeText) == ["> 30 d"])
    }

    @Test("Wear gets a remaining life and its alarm; the crossed limit is a failure everywhere; maintenance ends it")
    func wearRunsToFailureAndIsRepaired() throws {
        var runtime = Pump.trained()
        var output = RuntimeOutput()
        Self.run(&runtime, from: 400, seconds: 3600, vib: { _ in 2 }, into: &output)
        // Bearing wear: vibration from 2 to 12 mm/s over four hours (the failure limit is 11).
        let start = 400.0 + 3600
        var healthy = RuntimeOutput()
        swap(&healthy, &output)
        Self.run(&runtime, from: start, seconds: 4 * 3600, vib: { 2 + 10 * $0 / (4 * 3600) }, into: &output)
        Self.checkIntervals(healthy.batch.health + output.batch.health)

        let degrading = output.batch.health.filter { $0.state == .degrading && $0.rulMedian != nil }
        #expect(!degrading.isEmpty, "the wear was never given a remaining life")
        let rulRaised = try #require(
            output.alarmUpdates.first { $0.alarm.kind == .rul && $0.transition?.to == .unacknowledged })
        let failed = try #require(
            output.alarmUpdates.first { $0.alarm.kind == .failure && $0.transition?.to == .unacknowledged })
        #expect(rulRaised.alarm.raisedAt! < failed.alarm.raisedAt!, "the RUL alarm came before the failure")
        #expect(failed.alarm.priority == .urgent)
        #expect(failed.alarm.message.contains("past its failure limit"), "\(failed.alarm.message)")
        // Failed on every output at the same step: the alarm, the health row, the state message.
        let failedAt = try #require(failed.alarm.raisedAt)
        #expect(output.batch.health.contains { $0.state == .failed && $0.time == failedAt })
        #expect(runtime.summary(at: failedAt).status == .failure)
        #expect(runtime.summary(at: failedAt).modes.first?.state == .failed)
        #expect(runtime.planningHealth.first?.failure != nil, "the planner hears of it")

        // It trips and stands: still failed.
        output = RuntimeOutput()
        let stop = start + 4 * 3600
        Self.run(&runtime, from: stop, seconds: 1800, vib: { _ in 0.1 }, speed: { _ in 0 }, into: &output)
        #expect(runtime.summary(at: stop + 1800).status == .failure)

        // An engineer reports the bearings replaced: the mode is restored on the next batch.
        runtime.renew(modes: ["bearing-wear"], at: stop + 1800, resetModel: true)
        output = RuntimeOutput()
        Self.run(&runtime, from: stop + 1800, seconds: 60, vib: { _ in 0.1 }, speed: { _ in 0 }, into: &output)
        #expect(output.alarmUpdates.contains { $0.alarm.kind == .failure && $0.alarm.active == false })
        #expect(runtime.summary(at: stop + 1860).status != .failure)
        #expect(runtime.planningHealth.allSatisfy { $0.failure == nil })
    }

    @Test("The health row, the MQTT state, the planner's outlook and the dashboard's words are one estimate")
    func everyOutputShowsTheSameRemainingLife() throws {
        // A health row at every assessment, so that the last row is the runtime's present estimate.
        var runtime = Pump.trained { $0.healthStoredEvery = 0 }
        var output = RuntimeOutput()
        Self.run(&runtime, from: 400, seconds: 3600, vib: { _ in 2 }, into: &output)
        // Wear, ten minutes at a time, until the mode is first given a remaining life.
        var row: HealthRecord?
        var t = 0.0
        while row == nil, t < 4 * 3600 {
            output = RuntimeOutput()
            Self.run(&runtime, from: 4000 + t, seconds: 600, vib: { 2 + 10 * (t + $0) / (4 * 3600) }, into: &output)
            row = output.batch.health.last { $0.state == .degrading && $0.rulMedian != nil }
            t += 600
        }
        let health = try #require(row, "the wear was never given a remaining life")
        let outlook = try #require(runtime.summary(at: health.time).modes.first)
        #expect(outlook.state == .degrading)
        #expect(outlook.life?.median == health.rulMedian && outlook.life?.p10 == health.rulP10)
        #expect(outlook.life?.p90 == health.rulP90 && outlook.health == health.health)
        // The planner, from the health the runtime hands it, draws the same remaining life.
        let mode = try #require(Pump.asset.failureModes.first)
        let planned = Planner(configuration: runtime.configuration.planning).outlook(
            runtime.planningHealth.first, asset: Pump.asset, mode: mode)
        #expect(planned == outlook)
        // The retained MQTT state carries the same figures and words.
        let state = AlertMessages.state(runtime.summary(at: health.time), site: "test")
        let median = try #require(health.rulMedian)
        #expect(state.contains("\"rul_median_s\":\(JSONText.number(median))"), "\(state)")
        #expect(state.contains("\"rul_text\":\(JSONText.string(outlook.lifeText))"), "\(state)")
    }

    @Test("A machine that stops with a mode past its alarm level has tripped on it")
    func aStopPastTheAlarmLevelIsATrip() throws {
        var runtime = Pump.trained()
        var output = RuntimeOutput()
        Self.run(&runtime, from: 400, seconds: 3600, vib: { _ in 2 }, into: &output)
        // Vibration rises to 9 mm/s (past halfway from the normal range to the limit of 11), then it stops.
        Self.run(&runtime, from: 4000, seconds: 3 * 3600, vib: { 2 + 7 * $0 / (3 * 3600) }, into: &output)
        #expect(!output.alarmUpdates.contains { $0.alarm.kind == .failure })
        Self.run(&runtime, from: 4000 + 3 * 3600, seconds: 600, vib: { _ in 0.1 }, speed: { _ in 0 }, into: &output)
        let failed = try #require(output.alarmUpdates.first { $0.alarm.kind == .failure && $0.alarm.active })
        #expect(failed.alarm.message.contains("the machine stopped with vib"), "\(failed.alarm.message)")
        // A healthy machine that stops has not failed.
        var quiet = Pump.trained()
        var calm = RuntimeOutput()
        Self.run(&quiet, from: 400, seconds: 3600, vib: { _ in 2 }, into: &calm)
        Self.run(&quiet, from: 4000, seconds: 600, vib: { _ in 0.1 }, speed: { _ in 0 }, into: &calm)
        #expect(!calm.alarmUpdates.contains { $0.alarm.kind == .failure })
    }
}
