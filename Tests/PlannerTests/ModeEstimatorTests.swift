import Foundation
import PrognosCore
import Testing

@testable import Planner

/// When a failure mode has failed: its limit crossed while the machine runs, or a trip with the mode
/// past its alarm level; never a machine that stopped on schedule.
@Suite("Failure-mode estimator")
struct ModeEstimatorTests {
    /// A fan's rotor fouling: airflow normal 15,000–42,000 m³/h, alarm below 12,000, failed below 10,000.
    static let airflow = Sensor(
        id: "airflow", unit: "m3/h", normal: 15_000...42_000, limits: Limits(alarmLow: 12_000),
        source: .modbus(ModbusPoint(device: "plc", function: .inputRegister, address: 0, dataType: .float32)))
    static let fouling = FailureMode(
        id: "rotor-fouling", sensors: ["airflow"],
        limit: FailureLimit(sensor: "airflow", direction: .below, value: 10_000))

    /// An hour of healthy running at one reading a minute, then `last` (for two readings while
    /// running, or one with the machine stopped), then the stop.
    func run(endingWith last: Double, stoppedAtLast: Bool) -> ModeEstimator {
        var estimator = ModeEstimator(mode: Self.fouling, sensor: Self.airflow)
        for minute in 0..<59 {
            estimator.observe(time: Double(minute) * 60, values: [30_000], deviation: 0, spread: 1_000)
        }
        estimator.observe(
            time: 3_540, values: [stoppedAtLast ? 30_000 : last], deviation: 0, spread: 1_000)
        estimator.observe(
            time: 3_600, values: [last], deviation: 0, spread: 1_000, machineStopped: stoppedAtLast)
        estimator.tripped(at: 3_600)
        return estimator
    }

    @Test("A machine spinning down reads below the limit before its run indicator says it stopped: no failure")
    func spinDownIsNoFailure() {
        var estimator = ModeEstimator(mode: Self.fouling, sensor: Self.airflow)
        for minute in 0..<60 {
            estimator.observe(time: Double(minute) * 60, values: [30_000], deviation: 0, spread: 1_000)
        }
        // The airflow transmitter's poll sees the fan slowing; the drive's, polled every 2 s and last
        // read at 3,599 s, says it stopped at 3,601 s.
        var confirmed = estimator
        estimator.observe(time: 3_600, values: [9_000], deviation: 0, spread: 1_000, runningKnownUntil: 3_599)
        #expect(estimator.failure == nil, "not before the drive has spoken")
        estimator.observe(
            time: 3_601, values: [0], deviation: 0, spread: 1_000, machineStopped: true, runningKnownUntil: 3_599)
        estimator.tripped(at: 3_601)
        #expect(estimator.failure == nil)

        // The same reading with the drive still running at 3,601 s: the fan's airflow failed.
        confirmed.observe(time: 3_600, values: [9_000], deviation: 0, spread: 1_000, runningKnownUntil: 3_599)
        confirmed.observe(time: 3_601, values: [9_100], deviation: 0, spread: 1_000, runningKnownUntil: 3_601)
        #expect(confirmed.failure?.time == 3_600)
    }

    @Test("A scheduled stop (airflow 0 with the machine stopped) is neither a crossing nor a trip")
    func scheduledStopIsNoFailure() {
        let estimator = run(endingWith: 0, stoppedAtLast: true)
        #expect(estimator.failure == nil)
        #expect(estimator.health(at: 3_600)?.failure == nil)
    }

    @Test("A stop while the airflow stood past its alarm level is the mode's trip")
    func stopPastTheAlarmIsATrip() throws {
        let estimator = run(endingWith: 11_000, stoppedAtLast: false)
        let failure = try #require(estimator.failure)
        #expect(failure.reason.contains("stopped with airflow"))
    }

    @Test("A part's age is known from its renewal on, and unknown before one is reported")
    func ageCountsFromTheRenewal() throws {
        var estimator = run(endingWith: 9_000, stoppedAtLast: false)
        #expect(try #require(estimator.health(at: 7_200)).ageSinceRenewal == nil, "a plant that ran before")
        estimator.reset(at: 7_200)
        for minute in 0..<(3 * 1_440) {
            let time = 7_200 + Double(minute) * 60
            estimator.observe(
                time: time, values: [30_000 - Double(minute)], deviation: Double(minute) / 1_440, spread: 1_000)
        }
        let health = try #require(estimator.health(at: 7_200 + 3 * 86_400))
        #expect(health.failure == nil && health.ageSinceRenewal == 3 * 86_400)
        let new = ModeEstimator(mode: Self.fouling, sensor: Self.airflow, renewedAt: 0)
        #expect(new.renewedAt == 0)
    }

    @Test("Airflow below the failure limit while the machine runs is a failure")
    func crossingWhileRunningFails() throws {
        let estimator = run(endingWith: 9_000, stoppedAtLast: false)
        let failure = try #require(estimator.failure)
        #expect(failure.reason.contains("past its failure limit"))
        #expect(failure.time == 3_540, "dated by the reading that crossed, once the next found it running")
    }

    @Test("One glitching reading past the failure limit is no failure; readings held past it for the on-delay are")
    func failureWaitsOutItsOnDelay() throws {
        func healthy(_ estimator: inout ModeEstimator, until end: Double) {
            for second in stride(from: 0.0, to: end, by: 1) {
                estimator.observe(time: second, values: [30_000], deviation: 0, spread: 1_000)
            }
        }
        var glitch = ModeEstimator(mode: Self.fouling, sensor: Self.airflow, failureOnDelay: 2)
        healthy(&glitch, until: 100)
        glitch.observe(time: 100, values: [0], deviation: 0, spread: 1_000)
        glitch.observe(time: 101, values: [29_900], deviation: 0, spread: 1_000)
        glitch.observe(time: 102, values: [9_000], deviation: 0, spread: 1_000)
        glitch.observe(time: 103, values: [30_000], deviation: 0, spread: 1_000)
        #expect(glitch.failure == nil, "two readings past the limit, each followed by one back inside")

        var held = ModeEstimator(mode: Self.fouling, sensor: Self.airflow, failureOnDelay: 2)
        healthy(&held, until: 100)
        held.observe(time: 100, values: [9_500], deviation: 0, spread: 1_000)
        held.observe(time: 101, values: [9_000], deviation: 0, spread: 1_000)
        #expect(held.failure == nil, "not before the on-delay has passed")
        held.observe(time: 102, values: [8_800], deviation: 0, spread: 1_000)
        let failure = try #require(held.failure)
        #expect(failure.time == 100, "dated by the first reading past the limit")
        #expect(failure.reason.contains("read 9500"), "\(failure.reason)")

        // Without an on-delay (the policy evaluation's daily readings), the first reading fails it.
        var immediate = ModeEstimator(mode: Self.fouling, sensor: Self.airflow)
        healthy(&immediate, until: 100)
        immediate.observe(time: 100, values: [0, 30_000], deviation: 0, spread: 1_000)
        #expect(immediate.failure?.time == 100)
    }

    @Test("A reading past the failure limit that did not hold sets no peak: the mode keeps its remaining life")
    func glitchSetsNoPeak() throws {
        // A reading an hour (a daemon stepping a simulation at 3,600×), healthy for ten days.
        func healthy(_ estimator: inout ModeEstimator, hours: Range<Int>) {
            for hour in hours {
                let airflow = 30_000 + 2_000 * sin(Double(hour) * 2 * .pi / 24)
                estimator.observe(time: Double(hour) * 3_600, values: [airflow], deviation: 0, spread: 1_000)
            }
        }
        var estimator = ModeEstimator(mode: Self.fouling, sensor: Self.airflow, failureOnDelay: 2)
        healthy(&estimator, hours: 0..<240)
        let before = try #require(estimator.health(at: 240 * 3_600))
        // A stop between two polls of the run indicator: the fan reads no airflow for one reading.
        estimator.observe(time: 240 * 3_600, values: [0], deviation: 0, spread: 1_000)
        healthy(&estimator, hours: 241..<270)
        let after = try #require(estimator.health(at: 270 * 3_600))
        #expect(after.failure == nil)
        #expect(abs(after.level - before.level) < 0.1 * before.limit, "level \(before.level) -> \(after.level)")
        #expect(after.level < 0.5 * after.limit)

        // Held past the on-delay, the same reading is the mode's failure.
        let crossed = 270.0 * 3_600
        estimator.observe(time: crossed, values: [0], deviation: 0, spread: 1_000)
        estimator.observe(time: crossed + 3, values: [0], deviation: 0, spread: 1_000)
        #expect(estimator.failure?.time == crossed)
    }

    @Test(
        "Readings where the world model extrapolates its reference set no peak: a run below the fitted speeds is not wear"
    )
    func anUnfamiliarOperatingPointSetsNoPeak() throws {
        // Ten healthy days at a reading an hour, then three days turned down to where the airflow
        // reads 11,500 m³/h, past the alarm level (12,000) and short of the limit (10,000).
        func run(gain: Double?) throws -> ModeHealth {
            var estimator = ModeEstimator(mode: Self.fouling, sensor: Self.airflow)
            for hour in 0..<240 {
                let airflow = 30_000 + 2_000 * sin(Double(hour) * 2 * .pi / 24)
                estimator.observe(time: Double(hour) * 3_600, values: [airflow], deviation: 0, spread: 1_000)
            }
            for hour in 240..<312 {
                estimator.observe(
                    time: Double(hour) * 3_600, values: [11_500], deviation: 0, spread: 1_000, referenceGain: gain)
            }
            return try #require(estimator.health(at: 312 * 3_600))
        }
        let familiar = try run(gain: nil)
        #expect(familiar.level > 0.5 * familiar.limit, "inside the fitted range it is the mode's peak")
        let unfamiliar = try run(gain: 0.1)
        #expect(unfamiliar.level < 0.2 * unfamiliar.limit && unfamiliar.trend <= 0, "\(unfamiliar)")
        #expect(try run(gain: 0.8).level == familiar.level, "a gain above 1/√2 is trusted")
    }
}
