import Foundation
import PrognosCore
import TestSupport
import Testing

@testable import Simulator

@Suite("Scenario export in C-MAPSS layout")
struct ScenarioExportTests {
    static let driftPath = Peers.repositoryRoot.appendingPathComponent("Plants/scenarios/drift.yaml").path

    @Test("The drift scenario is healthy and has warm-ups, load steps and ageing instruments")
    func driftScenarioHasWhatItPromises() throws {
        let scenario = try Scenario.load(path: Self.driftPath)
        try scenario.validate(against: demoPlant)
        #expect(scenario.naturalDegradation == false)
        let changes = scenario.events.map(\.event.change)
        #expect(!changes.contains { if case .fault = $0 { true } else { false } }, "nothing wears")
        #expect(changes.contains { if case .maintenance = $0 { true } else { false } }, "stops and warm-ups")
        #expect(changes.contains { if case .duty = $0 { true } else { false } }, "load steps")
        #expect(changes.contains { if case .sensorFault(_, _, .drift, _, _) = $0 { true } else { false } }, "ageing")
    }

    @Test("Two days of it: one unit per asset, 27 numbers a row, cycles counted from the start, every label 0")
    func exportHasTheCMAPSSLayoutWithLabels() throws {
        let scenario = try Scenario.load(path: Self.driftPath)
        let export = try ScenarioExport.run(
            plant: demoPlant, scenario: scenario,
            options: ScenarioExport.Options(seed: 3, start: 1_743_465_600, duration: 2 * 86400, cycle: 1800, step: 300))
        #expect(export.units == demoPlant.assets.map(\.id) && export.leftOut.isEmpty)
        let rows = export.text.split(separator: "\n").map { $0.split(separator: " ").compactMap { Double($0) } }
        #expect(rows.count == export.rows)
        #expect(rows.allSatisfy { $0.count == 27 })
        #expect(rows.allSatisfy { $0[26] == 0 }, "a healthy scenario is labelled 0")
        #expect(Set(rows.map { Int($0[0]) }) == Set(1...demoPlant.assets.count))
        var unitsThatStopped = 0
        for unit in 1...demoPlant.assets.count {
            let cycles = rows.filter { Int($0[0]) == unit }.map { Int($0[1]) }
            #expect(
                zip(cycles, cycles.dropFirst()).allSatisfy { $0 < $1 } && cycles.allSatisfy { (1...96).contains($0) },
                "unit \(unit)'s cycles count the half-hours from the start")
            // 96 half-hours in two days; fewer only while the machine stood (pump-101's regrease at 2 d is after).
            #expect(cycles.count > 60 && cycles.count <= 96, "unit \(unit): \(cycles.count) rows")
            if zip(cycles, cycles.dropFirst()).contains(where: { $1 > $0 + 1 }) { unitsThatStopped += 1 }
        }
        // The fans stop at night: the cycles they stood still are missing between two rows.
        #expect(unitsThatStopped >= 2)
        // pump-101: speed and ambient as settings, its ten sensors, zeros after them.
        let pump = try #require(rows.first)
        #expect(pump[2] > 0 && pump[3] != 0 && pump[4] == 0)
        #expect(pump[5..<15].filter { $0 != 0 }.count >= 9 && pump[15..<26].allSatisfy { $0 == 0 })
    }
}
