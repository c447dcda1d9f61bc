import Daemon
import Foundation
import PrognosCore
import Store
import Testing
import WorldModel

@testable import PlantRuntime

/// The per-asset runtime on its own: pure, fed readings with chosen times.
@Suite struct RuntimeTests {
    static func point(_ address: UInt16) -> SignalSource {
        .modbus(ModbusPoint(device: "plc", function: .inputRegister, address: address, dataType: .float32))
    }

    static let asset = Asset(
        id: "pump-1", name: "Pump 1", type: "centrifugal_pump", areaID: "a", lineID: "l",
        sensors: [
            Sensor(
                id: "temp", unit: "degC", normal: 20...70, limits: Limits(alarmHigh: 85, tripHigh: 95), source: point(0)
            ),
            Sensor(id: "vib", unit: "mm/s", normal: 0.5...4.5, source: point(2)),
            Sensor(id: "hours", unit: "h", source: point(4), isCounter: true),
        ],
        context: [Sensor(id: "speed", role: .speed, unit: "rpm", source: point(6))],
        failureModes: [
            FailureMode(
                id: "bearing-wear", sensors: ["vib", "temp"],
                limit: FailureLimit(sensor: "vib", direction: .above, value: 11))
        ])

    static func readings(at t: Double, temp: Double, vib: Double, speed: Double, hours: Double) -> [Reading] {
        [("temp", temp), ("vib", vib), ("speed", speed), ("hours", hours)].map {
            Reading(asset: "pump-1", sensor: $0.0, value: $0.1, timestamp: t, quality: .good)
        }
    }

    /// A runtime that has learnt a healthy pump (temperature follows speed, small noise).
    static func trained(
        steps: Int = 400, deviationOnDelay: Double = 5, configure: (inout RuntimeConfiguration) -> Void = { _ in }
    ) -> AssetRuntime {
        var configuration = RuntimeConfiguration()
        configuration.trainingSteps = steps
        configuration.trainingSpan = 0
        configuration.relearnSpan = 0
        configuration.limitOnDelay = 0
        configuration.limitOffDelay = 0
        configuration.deviationOnDelay = deviationOnDelay
        // The on-delay these tests give is the one in effect (the plant-time one has its own test).
        configuration.deviationOnDelayInPlantTime = 0
        // These tests read the batch's deviations as the log of every step; the write rule that keeps
        // one unflagged row a minute has its own test (WriteRuleTests).
        configuration.unflaggedDeviationEvery = 0
        configure(&configuration)
        var runtime = AssetRuntime(asset: asset, site: "test", configuration: configuration, now: 0)
        var noise = SplitMix64(seed: 7)
        for t in 0..<steps {
            let speed = 1200 + 300 * sin(Double(t) / 20)
            var output = RuntimeOutput()
            runtime.ingest(
                readings(
                    at: Double(t), temp: 30 + speed / 100 + noise.nextGaussian() * 0.3,
                    vib: 2 + noise.nextGaussian() * 0.1, speed: speed, hours: Double(t)),
                into: &output)
            for request in output.refits { runtime.adopt(refitted: try! AssetRuntime.fit(request)) }
        }
        return runtime
    }

    @Test func learnsOnHealthyHistoryThenScoresWithoutAlarms() {
        var runtime = Self.trained()
        #expect(runtime.model != nil)
        #expect(runtime.model?.sensorNames == ["temp", "vib"], "the counter is left out of the model")
        var output = RuntimeOutput()
        var noise = SplitMix64(seed: 99)
        for t in 400..<500 {
            let speed = 1200 + 300 * sin(Double(t) / 20)
            runtime.ingest(
                Self.readings(
                    at: Double(t), temp: 30 + speed / 100 + noise.nextGaussian() * 0.3,
                    vib: 2 + noise.nextGaussian() * 0.1, speed: speed, hours: Double(t)), into: &output)
        }
        #expect(output.batch.deviations.count == 100)
        #expect(output.alarmUpdates.isEmpty, "\(output.alarmUpdates.map(\.alarm.message))")
        #expect(runtime.model?.adaptationHeld == false, "a healthy machine's normal keeps following it")
    }

    @Test func aRisingVibrationIsAlarmedAsTheFailureModeItBelongsTo() {
        var runtime = Self.trained()
        var output = RuntimeOutput()
        var noise = SplitMix64(seed: 3)
        for t in 400..<460 {
            let speed = 1200 + 300 * sin(Double(t) / 20)
            let wear = Double(t - 400) * 0.05
            runtime.ingest(
                Self.readings(
                    at: Double(t), temp: 30 + speed / 100 + 3 * wear + noise.nextGaussian() * 0.3,
                    vib: 2 + wear + noise.nextGaussian() * 0.1, speed: speed, hours: Double(t)), into: &output)
        }
        let raised = output.alarmUpdates.first {
            $0.alarm.id == "pump-1/deviation" && $0.transition?.to == .unacknowledged
        }
        #expect(raised != nil)
        #expect(raised?.alarm.sensors.first.map { ["vib", "temp"].contains($0) } == true)
        let payload = raised.flatMap { AlertMessages.alert(for: $0, site: "test") }?.payload
        #expect(payload?.contains("\"diagnosis\":\"bearing-wear\"") == true, "\(payload ?? "")")
        #expect(runtime.model?.adaptationHeld == true, "a degrading mode stops the normal from learning the wear")
    }

    @Test func aStoppedMachineIsNotScoredAndItsDeviationAlarmReturns() {
        var runtime = Self.trained()
        var output = RuntimeOutput()
        // Wear raises the deviation alarm; then the pump trips: speed 0, temperature falls to the room's.
        for t in 400..<460 {
            let wear = Double(t - 400) * 0.05
            runtime.ingest(
                Self.readings(at: Double(t), temp: 42 + 3 * wear, vib: 2 + wear, speed: 1200, hours: Double(t)),
                into: &output)
        }
        #expect(runtime.annunciatedAlarms.contains { $0.id == "pump-1/deviation" && $0.active })
        let scored = runtime.steps
        output = RuntimeOutput()
        // Stopped for the off-delay (30 minutes): the alarm returns.
        let stopped = 460 + Int(runtime.configuration.deviationOffDelayInEffect) + 20
        for t in 460..<stopped {
            runtime.ingest(Self.readings(at: Double(t), temp: 20, vib: 0.1, speed: 0, hours: 460), into: &output)
        }
        #expect(runtime.steps == scored, "a stopped machine is not scored")
        #expect(runtime.stoppedSteps == stopped - 460)
        #expect(output.batch.deviations.isEmpty && output.batch.health.isEmpty)
        let deviation = runtime.allAlarms.first { $0.id == "pump-1/deviation" }
        #expect(deviation?.active == false, "the deviation alarm's condition cleared: \(String(describing: deviation))")
    }

    @Test func oneDriftingInstrumentIsASuspectedSensorFault() {
        #expect(
            DeviationDiagnosis.diagnose(
                sensors: ["temp", "vib"], shares: [0.95, 0.05], levels: [6, 0.2], modes: Self.asset.failureModes)
                == .sensorFault("temp"))
        #expect(
            DeviationDiagnosis.diagnose(
                sensors: ["temp", "vib"], shares: [0.8, 0.2], levels: [6, 3], modes: Self.asset.failureModes)
                == .failureMode("bearing-wear"))
        #expect(
            DeviationDiagnosis.diagnose(
                sensors: ["temp", "vib"], shares: [0, 0], levels: [0, 0], modes: Self.asset.failureModes)
                == .unexplained)
        // The sensor the mode fails on may show the mode alone (a clogging filter's pressure drop)…
        #expect(
            DeviationDiagnosis.diagnose(
                sensors: ["temp", "vib"], shares: [0.05, 0.95], levels: [0.2, 6], modes: Self.asset.failureModes)
                == .failureMode("bearing-wear"))
        // … but a spike in it that leaves its filtered level near normal is the instrument's.
        #expect(
            DeviationDiagnosis.diagnose(
                sensors: ["temp", "vib"], shares: [0.05, 0.95], levels: [0.2, 1.2], modes: Self.asset.failureModes)
                == .sensorFault("vib"))
    }

    @Test func limitAlarmHasDeadbandAndPublishesItsTransitions() throws {
        var runtime = Self.trained(steps: 20)
        var output = RuntimeOutput()
        for (t, temp) in [86.0, 84.9, 86.0, 80.0].enumerated() {
            runtime.ingest(
                [Reading(asset: "pump-1", sensor: "temp", value: temp, timestamp: 1000 + Double(t), quality: .good)],
                into: &output)
        }
        let high = output.alarmUpdates.filter { $0.alarm.id == "pump-1/limit/temp/high" }
        // 86 raises; 84.9 and 86 stay inside the deadband (1 °C below 85); 80 clears.
        #expect(high.compactMap(\.transition?.to) == [.unacknowledged, .returnedUnacknowledged])
        let alert = try #require(high.first.flatMap { AlertMessages.alert(for: $0, site: "test") })
        #expect(alert.topic == "prognos/test/pump-1/alarm")
        #expect(alert.payload.contains("\"state\":\"unacknowledged\""))
    }

    /// The hub records a PLC's whole batch before stepping any model (`record`, then `advance`),
    /// so a limit alarm must be out of `record` alone, with no model stepped yet.
    @Test func aLimitAlarmIsRaisedWhenTheReadingsAreRecordedBeforeTheModelSteps() {
        var runtime = Self.trained()
        let steps = runtime.steps
        var output = RuntimeOutput()
        let readings = Self.readings(at: 400, temp: 90, vib: 2, speed: 1200, hours: 400)
        let recorded = runtime.record(readings, into: &output)
        #expect(recorded == AssetRuntime.Recorded(newest: 400, sensors: true))
        #expect(
            output.alarmUpdates.map(\.alarm.id) == ["pump-1/limit/temp/high"]
                && output.alarmUpdates.first?.transition?.to == .unacknowledged)
        #expect(runtime.steps == steps, "recording does not step the model")
        runtime.advance(after: readings, recorded: recorded, into: &output)
        #expect(runtime.steps == steps + 1, "advancing does")
        #expect(output.batch.deviations.count == 1)
        // Readings of no signal of the asset record nothing.
        let unknown = [Reading(asset: "pump-1", sensor: "flow", value: 3, timestamp: 401, quality: .good)]
        #expect(runtime.record(unknown, into: &output) == nil)
    }

    /// A batch of context alone (one MQTT message with the site's ambient temperature for every
    /// pump) records the context but does not step the model: the sensors' values are those it
    /// last stepped on. The next batch with a sensor's reading steps.
    @Test func contextAloneDoesNotStepTheModel() {
        var runtime = Self.trained()
        let steps = runtime.steps
        var output = RuntimeOutput()
        let speed = [Reading(asset: "pump-1", sensor: "speed", value: 1250, timestamp: 400, quality: .good)]
        #expect(runtime.record(speed, into: &output) == AssetRuntime.Recorded(newest: 400, sensors: false))
        runtime.ingest(speed, into: &output)
        #expect(runtime.steps == steps, "context alone does not step")
        runtime.ingest(
            [Reading(asset: "pump-1", sensor: "vib", value: 2, timestamp: 401, quality: .good)], into: &output)
        #expect(runtime.steps == steps + 1, "a sensor's reading does, with the context recorded before it")
    }

    @Test func theRestartTransientIsNotADeviationAlarmButWhatFollowsIs() {
        // No on-delay: every flagged step would alarm at once, but for the settle.
        var runtime = Self.trained(deviationOnDelay: 0)
        var output = RuntimeOutput()
        // A stop, then a restart whose first steps the model flags: held for `restartSettleSteps`
        // and `startTransientWindow`.
        for t in 400..<410 {
            runtime.ingest(Self.readings(at: Double(t), temp: 30, vib: 0.5, speed: 0, hours: Double(t)), into: &output)
        }
        let held = 410 + Self.startHoldSteps(runtime) - 1
        for t in 410..<held {
            runtime.ingest(Self.readings(at: Double(t), temp: 80, vib: 9, speed: 1200, hours: Double(t)), into: &output)
        }
        #expect(
            !output.alarmUpdates.contains { $0.alarm.id == "pump-1/deviation" && $0.transition?.to == .unacknowledged })
        // A deviation that lasts is alarmed once it has not receded for two windows.
        for t in held..<(held + 10) {
            runtime.ingest(Self.readings(at: Double(t), temp: 80, vib: 9, speed: 1200, hours: Double(t)), into: &output)
        }
        #expect(
            output.alarmUpdates.contains { $0.alarm.id == "pump-1/deviation" && $0.transition?.to == .unacknowledged })
    }

    /// One-second steps in which a deviation present at a start and not receding is held: two
    /// windows of the start-up transient.
    static func startHoldSteps(_ runtime: AssetRuntime) -> Int {
        Int(2 * runtime.configuration.startTransientWindow)
    }

    /// The trained pump stopped for a minute, then restarted 20 K below its running temperature
    /// and stepped every second for 90 minutes: warming up with the bearings' 20-minute time
    /// constant (`warming`), or staying 20 K low (a fault present at the start). The deviation
    /// alarm's raisings, in seconds after the restart.
    static func raisedAfterColdRestart(warming: Bool, window: Double? = nil) -> [Double] {
        var runtime = trained(configure: { configuration in
            if let window { configuration.startTransientWindow = window }
        })
        var output = RuntimeOutput()
        var noise = SplitMix64(seed: 11)
        for t in 400..<460 {
            runtime.ingest(readings(at: Double(t), temp: 34, vib: 0.5, speed: 0, hours: Double(t)), into: &output)
        }
        output = RuntimeOutput()
        var raised: [Double] = []
        for t in 460..<(460 + 90 * 60) {
            let elapsed = Double(t - 460)
            let cold = warming ? 20 * exp(-elapsed / 1200) : 20
            var step = RuntimeOutput()
            runtime.ingest(
                readings(
                    at: Double(t), temp: 42 - cold + noise.nextGaussian() * 0.3, vib: 2 + noise.nextGaussian() * 0.1,
                    speed: 1200, hours: Double(t)), into: &step)
            if step.alarmUpdates.contains(where: {
                $0.alarm.id == "pump-1/deviation" && $0.transition?.to == .unacknowledged
            }) {
                raised.append(elapsed)
            }
        }
        return raised
    }

    /// The hold is measured in time: at one step a second a slow warm-up is no deviation alarm
    /// (with a window of one second, as the hold counted in steps was, it is), while the same cold
    /// start that does not warm is alarmed after two windows.
    @Test func aSlowWarmUpAtOneHertzIsHeldButAFaultPresentAtTheStartIsAlarmed() {
        #expect(Self.raisedAfterColdRestart(warming: true) == [])
        #expect(!Self.raisedAfterColdRestart(warming: true, window: 1).isEmpty)
        let window = RuntimeConfiguration().startTransientWindow
        let fault = Self.raisedAfterColdRestart(warming: false)
        #expect(fault.count == 1, "\(fault)")
        #expect(fault.allSatisfy { $0 >= 2 * window - 1 && $0 <= 2 * window + 10 }, "\(fault)")
    }

    /// The healthy pump at one step a second over `times`, 10 K hot when `hot`: its deviation
    /// alarm's updates.
    static func deviationUpdates(
        _ runtime: inout AssetRuntime, _ times: Range<Int>, hot: Bool, noise: inout SplitMix64
    ) -> [AlarmUpdate] {
        var updates: [AlarmUpdate] = []
        for t in times {
            var output = RuntimeOutput()
            let speed = 1200 + 300 * sin(Double(t) / 20)
            runtime.ingest(
                readings(
                    at: Double(t), temp: 30 + speed / 100 + (hot ? 10 : 0) + noise.nextGaussian() * 0.3,
                    vib: 2 + noise.nextGaussian() * 0.1, speed: speed, hours: Double(t)), into: &output)
            updates += output.alarmUpdates.filter { $0.alarm.id == "pump-1/deviation" }
        }
        return updates
    }

    /// A deviation back within half an hour of clearing is the same excursion: the alarm stays
    /// active through the clear stretch and is not raised again; it returns once clear for 30
    /// minutes of the plant's time. A daemon on a simulation's clock keeps its off-delay in steps.
    @Test func aDeviationBackWithinHalfAnHourIsTheSameAlarm() {
        // The on-delay (5 s) also keeps the healthy steps' isolated flags (1 % of them) from
        // holding the alarm while it clears.
        var runtime = Self.trained()
        var noise = SplitMix64(seed: 5)
        var raised = 0
        var returned = 0
        func feed(_ times: Range<Int>, hot: Bool) {
            for update in Self.deviationUpdates(&runtime, times, hot: hot, noise: &noise) {
                if update.transition?.to == .unacknowledged { raised += 1 }
                if update.transition?.cause == .conditionCleared { returned += 1 }
            }
        }
        feed(400..<420, hot: true)
        #expect(raised == 1)
        feed(420..<1020, hot: false)
        feed(1020..<1040, hot: true)
        #expect(raised == 1 && returned == 0, "ten minutes clear, then the same deviation: one alarm")
        feed(1040..<(1040 + 1790), hot: false)
        #expect(returned == 0)
        feed((1040 + 1790)..<(1040 + 1830), hot: false)
        #expect(returned == 1, "clear for 30 minutes: returned")

        let configuration = RuntimeConfiguration()
        #expect(configuration.deviationOffDelayInEffect == 1800)
        let demo = configuration.onClock(PlantClock(speed: 600, start: 0))
        #expect(demo.deviationOffDelayInEffect == 600 * configuration.deviationOffDelay)
    }

    /// At one step a second the deviation alarm waits for a deviation that has held 10 minutes of
    /// the plant's time (`deviationOnDelayInPlantTime`): five minutes hot is an excursion, not an alarm.
    @Test func aDeviationIsRaisedOnceItHasHeldTenMinutesOfThePlantsTime() {
        var runtime = Self.trained { $0.deviationOnDelayInPlantTime = 600 }
        var noise = SplitMix64(seed: 6)
        var raisedAt: [Int] = []
        func feed(_ times: Range<Int>, hot: Bool) {
            for update in Self.deviationUpdates(&runtime, times, hot: hot, noise: &noise)
            where update.transition?.to == .unacknowledged {
                raisedAt.append(Int(update.alarm.updatedAt))
            }
        }
        feed(400..<700, hot: true)
        feed(700..<800, hot: false)
        #expect(raisedAt.isEmpty, "five minutes hot")
        feed(800..<1500, hot: true)
        #expect(raisedAt.count == 1)
        #expect(raisedAt.allSatisfy { $0 >= 1400 && $0 <= 1405 }, "raised \(raisedAt)")

        let configuration = RuntimeConfiguration()
        #expect(configuration.deviationOnDelayInEffect == 600)
        let demo = configuration.onClock(PlantClock(speed: 600, start: 0))
        #expect(demo.deviationOnDelayInEffect == 600 * configuration.deviationOnDelay)
    }

    /// Alarms restored from the store keep their state but take this run's delays.
    @Test func restoredAlarmsTakeThisRunsDelays() {
        let before = Self.trained { $0.deviationOffDelayInPlantTime = 0 }
        var after = Self.trained()
        after.restore(alarms: before.allAlarms)
        let deviation = after.allAlarms.first { $0.id == "pump-1/deviation" }
        #expect(deviation?.machine.offDelay == 1800)
    }

    @Test func aSignalBackFromAGapIsATransientButADeviationThatLastsIsAlarmed() {
        var runtime = Self.trained(deviationOnDelay: 0)
        var output = RuntimeOutput()
        // The vibration meter is dark for a minute while the pump runs on: those steps are skipped.
        let gapEnd = 400 + 6 * Int(runtime.configuration.staleAfter)
        for t in 400..<gapEnd {
            let running = Self.readings(at: Double(t), temp: 42, vib: 2, speed: 1200, hours: Double(t))
            runtime.ingest(running.filter { $0.sensor != "vib" }, into: &output)
        }
        // Back, far from its last reading: held for `restartSettleSteps` steps.
        for t in gapEnd..<(gapEnd + runtime.configuration.restartSettleSteps) {
            runtime.ingest(Self.readings(at: Double(t), temp: 80, vib: 9, speed: 1200, hours: Double(t)), into: &output)
        }
        #expect(
            !output.alarmUpdates.contains { $0.alarm.id == "pump-1/deviation" && $0.transition?.to == .unacknowledged })
        // A deviation that lasts beyond the settle is alarmed.
        let settled = gapEnd + runtime.configuration.restartSettleSteps
        for t in settled..<(settled + 10) {
            runtime.ingest(Self.readings(at: Double(t), temp: 80, vib: 9, speed: 1200, hours: Double(t)), into: &output)
        }
        #expect(
            output.alarmUpdates.contains { $0.alarm.id == "pump-1/deviation" && $0.transition?.to == .unacknowledged })
    }

    @Test func lowLimitsAreNotAlarmedWhileTheMachineIsStopped() {
        let stoppable = Asset(
            id: "fan-1", name: "Fan 1", type: "fan", areaID: "a", lineID: "l",
            sensors: [
                Sensor(
                    id: "airflow", unit: "m3/h", normal: 15_000...40_000, limits: Limits(alarmLow: 12_000),
                    source: Self.point(0)),
                Sensor(id: "temp", unit: "degC", normal: 20...70, limits: Limits(alarmHigh: 85), source: Self.point(2)),
            ],
            context: [Sensor(id: "speed", role: .speed, unit: "rpm", normal: 0...1500, source: Self.point(4))])
        var configuration = RuntimeConfiguration()
        configuration.limitOnDelay = 0
        configuration.limitOffDelay = 0
        var runtime = AssetRuntime(asset: stoppable, site: "test", configuration: configuration, now: 0)
        func feed(_ t: Double, airflow: Double, temp: Double, speed: Double) -> [String] {
            var output = RuntimeOutput()
            // The speed comes last in the batch: the runtime must still read it first.
            let values = [("airflow", airflow), ("temp", temp), ("speed", speed)]
            runtime.ingest(
                values.map { Reading(asset: "fan-1", sensor: $0.0, value: $0.1, timestamp: t, quality: .good) },
                into: &output)
            return output.alarmUpdates.compactMap { update in
                update.transition.map { "\(update.alarm.id) \($0.to.rawValue)" }
            }
        }
        #expect(feed(0, airflow: 30_000, temp: 40, speed: 1250).isEmpty)
        // Stopped (standstill noise of 10 rpm is under 2 % of 1,500): no airflow, and no low-airflow alarm.
        #expect(feed(1, airflow: 0, temp: 40, speed: 10).isEmpty)
        #expect(runtime.isStopped)
        // A high limit stays armed while stopped.
        #expect(feed(2, airflow: 0, temp: 90, speed: 0) == ["fan-1/limit/temp/high unacknowledged"])
        // Running with too little airflow is alarmed.
        #expect(
            feed(3, airflow: 5_000, temp: 40, speed: 1250) == [
                "fan-1/limit/airflow/low unacknowledged", "fan-1/limit/temp/high returned-unacknowledged",
            ])
        // Stopping clears the low-airflow condition (returned, awaiting acknowledgement).
        #expect(feed(4, airflow: 0, temp: 40, speed: 0) == ["fan-1/limit/airflow/low returned-unacknowledged"])
    }

    @Test func badQualityNeverReachesTheModelAndSilenceRaisesTheCommunicationAlarm() {
        var runtime = Self.trained()
        let steps = runtime.steps
        var output = RuntimeOutput()
        runtime.ingest(
            [
                Reading(asset: "pump-1", sensor: "temp", value: nil, timestamp: 500, quality: .commFail),
                Reading(asset: "pump-1", sensor: "vib", value: .nan, timestamp: 500, quality: .good),
            ], into: &output)
        runtime.tick(now: 530, into: &output)
        #expect(runtime.steps == steps, "a step ran on stale or bad values")
        #expect(
            output.alarmUpdates.contains {
                $0.alarm.id == "pump-1/communication" && $0.transition?.to == .unacknowledged
            })
    }

    @Test("A device polled less often than staleAfter is silent only after two of its polls went without")
    func silenceIsJudgedByTheDevicesPolls() {
        var configuration = RuntimeConfiguration()
        configuration.staleAfter = 3
        let slow = configuration.polling(
            [ModbusDevice(id: "plc", transport: .tcp(host: "127.0.0.1", port: 502), pollInterval: .seconds(5))],
            on: .wall)
        func communication(_ configuration: RuntimeConfiguration) -> [String] {
            var runtime = AssetRuntime(asset: Self.asset, site: "test", configuration: configuration, now: 0)
            var states: [String] = []
            // Polled every 5 s until t = 20, then silent.
            for t in 0...35 {
                var output = RuntimeOutput()
                if t % 5 == 0, t <= 20 {
                    runtime.ingest(Self.readings(at: Double(t), temp: 40, vib: 2, speed: 1200, hours: 1), into: &output)
                }
                runtime.tick(now: Double(t), into: &output)
                states += output.alarmUpdates.filter { $0.alarm.id == "pump-1/communication" }
                    .compactMap { $0.transition.map { "\(t) \($0.to)" } }
            }
            return states
        }
        // Judged by staleAfter alone, every gap between two polls is a silence.
        #expect(communication(configuration).count > 4)
        // By the device's polls: raised once, 10 s after its last answer.
        #expect(communication(slow) == ["31 unacknowledged"])
    }

    @Test func snapshotRestoresAnIdenticalModel() throws {
        let runtime = Self.trained()
        let bytes = try #require(runtime.snapshot())
        var fresh = AssetRuntime(asset: Self.asset, site: "test", configuration: RuntimeConfiguration(), now: 0)
        try fresh.restore(model: bytes)
        #expect(fresh.model == runtime.model)
    }

    /// A restored model is not written back at once: its next snapshot comes within one interval,
    /// at a phase of the asset's own (restored together, assets do not all snapshot in one tick).
    @Test func restoredModelSnapshotsWithinAnInterval() throws {
        let bytes = try #require(Self.trained().snapshot())
        var configuration = RuntimeConfiguration()
        configuration.snapshotEvery = 300
        var snapshotTimes: [String: Double] = [:]
        for id in ["pump-1", "pump-2", "pump-3", "pump-4"] {
            var asset = Self.asset
            asset.id = id
            var runtime = AssetRuntime(asset: asset, site: "test", configuration: configuration, now: 1_000)
            try runtime.restore(model: bytes)
            for t in stride(from: 1_000.0, through: 1_300, by: 1) {
                var output = RuntimeOutput()
                runtime.tick(now: t, into: &output)
                if !output.snapshots.isEmpty, snapshotTimes[id] == nil { snapshotTimes[id] = t }
            }
        }
        #expect(snapshotTimes.count == 4)
        #expect(snapshotTimes.values.allSatisfy { $0 > 1_000 && $0 <= 1_300 })
        #expect(Set(snapshotTimes.values).count > 1)
    }
}
