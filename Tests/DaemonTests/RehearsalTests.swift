import Commissioning
import Foundation
import PlantFile
import PrognosCore
import Simulator
import TestSupport
import Testing

/// `Rehearsal`: the daemon's runtimes through a simulated scenario at their own cadence.
@Suite struct RehearsalTests {
    /// The demo plant, commissioned on a simulated day, then six hours in which motor-211's
    /// winding thermometer drifts 6 K an hour from the second hour; one model step per two simulated
    /// minutes (`speed` 120).
    static func windingDrift() throws -> Rehearsal.Result {
        let plant = try PlantFileLoader.load(path: Peers.repositoryRoot.appendingPathComponent("Plants/demo.yaml").path)
        let scenario = try Scenario.parse(
            yaml: """
                name: winding-drift
                natural_degradation: false
                events:
                  - {at: 2h, asset: motor-211, sensor: winding_temp, sensor_fault: drift, magnitude: 6, duration: 4h}
                """)
        var options = Rehearsal.Options(scenario: scenario, start: 1_743_465_600, duration: 6 * 3600)
        options.speed = 120
        options.learnSpan = 86_400
        return try Rehearsal.run(plant: plant, options: options)
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
