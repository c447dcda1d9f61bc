import Commissioning
import Foundation
import PlantFile
import PrognosCore
import Simulator
import TestSupport
import Testing

/// `Rehearsal`: the daemon's runtimes through a simulated scenario at their own cadence.
@Suite struct RehearsalTests {
    /// The demo plant commissioned on a simulated day (from 2025-04-01), then `events` (a
    /// scenario's event lines) for `duration` seconds, one model step per `speed` simulated seconds.
    static func demo(events: String, duration: Double, speed: Double) throws -> Rehearsal.Result {
        let plant = try PlantFileLoader.load(path: Peers.repositoryRoot.appendingPathComponent("Plants/demo.yaml").path)
        let scenario = try Scenario.parse(yaml: "name: rehearsal\nnatural_degradation: false\nevents:\n" + events)
        var options = Rehearsal.Options(scenario: scenario, start: 1_743_465_600, duration: duration)
        options.speed = speed
        options.learnSpan = 86_400
        return try Rehearsal.run(plant: plant, options: options)
    }

    /// Six hours in which motor-211's winding thermometer drifts 6 K an hour from the second hour;
    /// one model step per two simulated minutes.
    static func windingDrift() throws -> Rehearsal.Result {
        try demo(
            events:
                "  - {at: 2h, asset: motor-211, sensor: winding_temp, sensor_fault: drift, magnitude: 6, duration: 4h}",
            duration: 6 * 3600, speed: 120)
    }

    /// Pump-102 run at 70 % speed for three days from the second day (its usual speeds, and those it
    /// was commissioned on, are 80–100 %), one step per ten simulated minutes. The pump's pressures
    /// fall below anything it was fitted on; its impeller-wear mode (limit: discharge pressure below
    /// 3 bar) once read that as wear and raised RUL alarms of 6–7 hours.
    @Test func aPumpRunBelowItsFittedSpeedsIsGivenNoRemainingLifeAlarm() throws {
        let result = try Self.demo(
            events: "  - {at: 1d, asset: pump-102, duty: 0.7, duration: 3d}", duration: 4 * 86_400, speed: 600)
        let pump = try #require(result.assets.first { $0.asset == "pump-102" })
        #expect(pump.steps > 500)
        #expect(!pump.alarms.contains { $0.kind == .rul }, "\(pump.alarms)")
    }

    /// The scenario's maintenance is reported to the runtimes when each job ends, as an engineer
    /// would; not with `reportsMaintenance` off.
    @Test func theScenariosMaintenanceIsReportedWhenItEnds() throws {
        let plant = try PlantFileLoader.load(path: Peers.repositoryRoot.appendingPathComponent("Plants/demo.yaml").path)
        let scenario = try Scenario.parse(
            yaml: "name: regrease\nevents:\n  - {at: 1h, asset: pump-101, action: lubricate-bearings}")
        var options = Rehearsal.Options(scenario: scenario, start: 1_743_465_600, duration: 4 * 3600)
        options.speed = 600
        options.learnSpan = 0
        let reported = try Rehearsal.run(plant: plant, options: options)
        let jobs = reported.assets.flatMap(\.maintenance)
        #expect(jobs.map(\.asset) == ["pump-101"] && jobs.map(\.action) == ["lubricate-bearings"])
        let action = try #require(plant.action("lubricate-bearings"))
        #expect(jobs.first?.doneAt == 1_743_465_600 + 3600 + action.duration.inSeconds)
        options.reportsMaintenance = false
        #expect(try Rehearsal.run(plant: plant, options: options).assets.allSatisfy { $0.maintenance.isEmpty })
    }

    @Test func aDriftingThermometerIsAlarmedAfterItStartsAndTheRunIsTheSameEveryTime() throws {
        let result = try Self.windingDrift()
        #expect(result.commissioningSteps == 720)
        #expect(result.days == 0.25)
        let motor = try #require(result.assets.first { $0.asset == "motor-211" })
        // One step every two minutes for six hours.
        #expect(motor.steps == 180)
        let first = try #require(motor.deviations.first)
        #expect(first.time > 1_743_465_600 + 2 * 3600)
        #expect(first.message.contains("winding_temp"))
        #expect(motor.flaggedSteps > 0)
        #expect(try Self.windingDrift() == result)
    }
}
