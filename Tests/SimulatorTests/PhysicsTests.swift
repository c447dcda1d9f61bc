import Foundation
import PrognosCore
import Testing

@testable import Simulator

@Suite("Physics sanity")
struct PhysicsTests {
    @Test("A healthy plant stays inside every normal range for a simulated month")
    func healthyMonth() {
        // Start in mid-summer and mid-winter: the hall and outdoor temperatures move every range.
        for start in [1_751_328_000.0, 1_735_689_600.0] {
            var sim = PlantSimulation(
                plant: demoPlant, options: SimulationOptions(seed: 11, start: start, step: 300, naturalDegradation: false))
            var violations: [String] = []
            var running = 0
            while sim.elapsed < 30 * 86400 {
                sim.step()
                if sim.stepCount % 4 == 0 {
                    violations += normalRangeViolations(sim, measured: true)
                    running += sim.assetIDs.filter { sim.status(of: $0) == .running }.count
                }
            }
            #expect(violations.isEmpty, "\(violations.count) violations, first: \(violations.prefix(10))")
            #expect(running > 15 * 2160 * 9 / 10, "assets were running most of the time")
            #expect(sim.events.allSatisfy { $0.kind == .operatingChange }, "nothing but operating changes: \(sim.events.prefix(3))")
        }
    }
}
