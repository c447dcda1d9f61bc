import Foundation
import PlantFile
import PolicyEvaluation
import PrognosCore
import Testing

@Suite("Policy evaluation")
struct PolicyEvaluationTests {
    /// A quarter of a year of two demo assets (a compressor, whose filter clogs within weeks, and a
    /// pump): the harness runs every policy and the bounds are loose.
    @Test func everyPolicyRunsOnASmallPlant() throws {
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Plants/demo.yaml").path
        var plant = try PlantFileLoader.load(path: demo)
        for a in plant.areas.indices {
            for l in plant.areas[a].lines.indices {
                plant.areas[a].lines[l].assets.removeAll { !["compressor-201", "pump-101"].contains($0.id) }
            }
        }
        #expect(plant.assets.count == 2)
        var options = PolicyEvaluationOptions()
        options.years = 0.3
        options.seed = 3
        options.trainingDays = 10
        let outcomes = try PolicyEvaluation.run(plant: plant, options: options)
        #expect(
            outcomes.map(\.name)
                == [
                    "run-to-failure", "fixed-interval", "threshold", "just-in-time", "planner", "hindsight-plan",
                    "hindsight-bound",
                ])
        let byName = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.name, $0) })
        let rtf = try #require(byName["run-to-failure"]), planner = try #require(byName["planner"]),
            oracle = try #require(byName["just-in-time"])
        #expect(rtf.failures > 0, "the compressor's filter clogs within the run")
        #expect(rtf.actions == 0)
        #expect(oracle.failures == 0)
        #expect(planner.cost <= rtf.cost)
        for o in outcomes {
            #expect(o.failures == o.failedModes.count)
        }
        for o in outcomes where o.name != "hindsight-bound" {
            #expect(abs(o.cost - (o.actionCost + o.failureCost + o.downtimeCost + o.deratingCost)) < 1e-6)
        }
    }
}
