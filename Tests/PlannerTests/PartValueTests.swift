import Foundation
import PrognosCore
import Testing

@testable import Planner

/// What the planner counts as the old part's value used by the end of its horizon when the part
/// does not fail within it: the share of the part's life gone, in time, as it counts the new part's.
@Suite("Part value")
struct PartValueTests {
    @Test(
        "A part that outlasts the horizon has used its age and the horizon of its life; a slowing earns the life it adds"
    )
    func usedLifeIsCountedInTime() throws {
        let plant = try fixturePlant(
            actions:
                "- {id: renew, name: Renew the part, cost: 1000, duration: 4h, crew: 1, resets: [wear]}\n- {id: regrease, name: Regrease, cost: 100, duration: 1h, crew: 1, slows: [wear], factor: 0.5}",
            actionIDs: "[renew, regrease]")
        let asset = try #require(plant.asset("pump-1"))
        let mode = try #require(asset.failureModes.first)
        let day = 86_400.0
        var health = ModeHealth(failureMode: "wear", level: 3, trend: 0.05 / day, limit: 10, deviation: 60)
        health.ageSinceRenewal = 300 * day
        let context = PlanningContext(
            input: PlanningInput(plant: plant, now: sunday, assets: []), configuration: PlannerConfiguration())
        // One future: the part fails 90 days from now if nothing is done (its life: 390 days).
        let draw = PlanningContext.Future(x0: 3, c: 10, g: 1e-7, limit: 10, clock: 90 * day)
        let candidate = context.evaluate(asset: asset, mode: mode, health: health, draws: [draw], constraints: [])
        let horizon = context.horizon
        let nothing = candidate.options[candidate.nothing]
        #expect(abs(nothing.cost - 1000 * (300 * day + horizon) / (390 * day)) < 1e-6)
        // Regreased in Monday's window (32 h from now) it wears at half the rate from then on.
        let regrease = try #require(
            candidate.options.first { $0.action?.id == "regrease" && $0.slot == .window(0) && $0.derate == nil })
        let monday = 32 * 3600.0
        let failsAt = monday + 2 * (90 * day - monday)
        #expect(abs(regrease.cost - (100 + 1000 * (1 - (failsAt - horizon) / (390 * day)))) < 1e-6)
        // The regreasing adds 90 days less 16 h of life, worth 1000 × that ÷ 390 days.
        #expect(abs((nothing.cost - regrease.cost + 100) - 1000 * (failsAt - 90 * day) / (390 * day)) < 1e-6)
    }
}
