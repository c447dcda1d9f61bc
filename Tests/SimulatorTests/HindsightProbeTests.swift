import Foundation
import PrognosCore
import Testing

@testable import Simulator

@Suite("Hindsight probes")
struct HindsightProbeTests {
    /// The critical damage searched from a hint (the answer a step ago, or a wrong one far off)
    /// is the one the bisection of the whole range finds, for every mode of every asset of the
    /// demo plant over two weeks (all its limit sensors grow with the damage).
    @Test func criticalDamageFromAHintIsTheBisectionsAnswer() {
        var options = SimulationOptions(seed: 5, step: 3600)
        options.naturalDegradation = false
        var sim = PlantSimulation(plant: demoPlant, options: options)
        var previous: [String: Double] = [:]
        var compared = 0
        for _ in 0..<(14 * 24) {
            sim.step()
            for asset in demoPlant.assets {
                for mode in sim.failureModes(of: asset.id) {
                    let key = asset.id + "/" + mode.modeID
                    let whole = sim.criticalDamage(asset: asset.id, mode: mode.modeID)
                    let hinted = sim.criticalDamage(asset: asset.id, mode: mode.modeID, near: previous[key])
                    let far = sim.criticalDamage(asset: asset.id, mode: mode.modeID, near: 3.9)
                    #expect(hinted == whole, "\(key) at \(sim.elapsed)")
                    #expect(far == whole, "\(key) at \(sim.elapsed)")
                    if let whole, whole.isFinite {
                        previous[key] = whole
                        compared += 1
                    }
                }
            }
        }
        #expect(compared > 1000)
    }
}
