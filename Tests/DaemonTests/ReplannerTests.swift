import Foundation
import Planner
import PlantFile
import PrognosCore
import TestSupport
import Testing

@testable import PlantRuntime

@Suite("Re-planning in the daemon")
struct ReplannerTests {
    static let plant = try! PlantFileLoader.load(
        path: Peers.repositoryRoot.appendingPathComponent("Plants/demo.yaml").path)

    @Test("Reported maintenance reaches the planner as a recent action until the repeat gap has passed")
    func renewedActionsAreRecent() {
        var replanner = Replanner(plant: Self.plant)
        let done = 1_800_000_000.0
        replanner.renewed(asset: "pump-101", action: "replace-bearings", at: done)
        let soon = replanner.planningInput(now: done + 3600)
        #expect(soon.recentActions == [RecentAction(asset: "pump-101", action: "replace-bearings", time: done)])
        let gap = replanner.planner.configuration.repeatGap
        #expect(replanner.planningInput(now: done + gap + 1).recentActions.isEmpty)
        // Healthy (nothing observed): no mode reaches the planner, so nothing is proposed.
        #expect(soon.assets.isEmpty)
        #expect(replanner.replanIfNeeded(now: done + 3600)?.proposals.isEmpty == true)
    }
}
