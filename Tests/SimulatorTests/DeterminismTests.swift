import Foundation
import PrognosCore
import Testing

@testable import Simulator

@Suite("Determinism")
struct DeterminismTests {
    func run(seed: UInt64) -> (events: String, readings: [Double?]) {
        var sim = PlantSimulation(
            plant: demoPlant, options: SimulationOptions(seed: seed, step: 3600, onsetTimeScale: 0.1))
        sim.advance(by: 120 * 86400)
        return (TruthLog.csv(sim.events), sim.readings().map(\.value))
    }

    @Test("The same seed gives the same four months of the plant; another seed gives another")
    func sameSeedSameRun() {
        let a = run(seed: 21)
        let b = run(seed: 21)
        let c = run(seed: 22)
        #expect(a.events == b.events)
        #expect(a.readings == b.readings)
        #expect(a.events != c.events)
        #expect(a.readings != c.readings)
        #expect(a.events.contains("failure"), "four months with onsets brought forward have failures")
    }

    @Test("Fleet export: same seed, identical CSV; different seeds, different units")
    func exportIsDeterministic() throws {
        let template = try #require(demoPlant.asset("compressor-201"))
        let options = FleetExport.Options(units: 2, seed: 4, step: 1800, onsetTimeScale: 0.02)
        func csv(_ options: FleetExport.Options) -> String {
            let histories = (1...options.units).map {
                FleetExport.history(of: template, unit: $0, plant: demoPlant, options: options)
            }
            return FleetExport.csv(histories, template: template, cycle: options.cycle)
        }
        let first = csv(options)
        #expect(first == csv(options))
        var other = options
        other.seed = 5
        let second = csv(other)
        #expect(first != second)
        let lines = first.split(separator: "\n")
        #expect(
            lines[0]
                == "unit,hour,pressure_setpoint,load,ambient,discharge_pressure,discharge_temp,inlet_temp,filter_dp,oil_temp,oil_pressure,vibration,motor_current,run_hours,power,failure_hour,failure_mode"
        )
        // Two units, each run to failure, rows one hour apart, failure after the last row.
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(Set(rows.map { $0[0] }) == ["1", "2"])
        for unit in ["1", "2"] {
            let mine = rows.filter { $0[0] == Substring(unit) }
            let hours = mine.compactMap { Double($0[1]) }
            #expect(hours == (1...hours.count).map(Double.init))
            let last = try #require(mine.last)
            let failure = try #require(Double(last[last.count - 2]), "unit \(unit) failed")
            let lastHour = try #require(hours.last)
            #expect(
                failure >= lastHour && failure <= lastHour + 1, "failure at \(failure) h, last row at \(lastHour) h")
            let mode = String(last[last.count - 1])
            #expect(["filter-clogging", "bearing-wear"].contains(mode), "failure mode named: \(mode)")
        }
    }
}
