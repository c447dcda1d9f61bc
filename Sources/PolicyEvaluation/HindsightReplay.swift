import Foundation
import Planner
import PrognosCore
import Simulator

/// How one failure mode of one asset would wear and when it would trip, step by step over the
/// whole run, whatever is done to it: read from a replay of the asset with the seed fixed.
///
/// With `partLives` on, nothing a policy does changes the asset's duty, stops, weather or the life
/// of any part, so a mode whose part started at step `j0` and was slowed by `slow` has consumed
/// `slow × (wear[n] − wear[j0 − 1])` at step n (less while maintenance stopped the machine), and
/// trips at the first step where that reaches `critical[n]`.
struct WearProfile: Sendable {
    let mode: String
    let kind: DegradationKind
    /// Life a started mode consumes up to the end of step n at no slowing (`wear[0]` = 0); it
    /// grows only while the asset runs.
    let wear: [Double]
    /// Life consumed at which the mode trips at step n (infinity while stopped or never).
    let critical: [Double]
    /// The least `critical` of each block of `block` steps.
    let blockMinimum: [Double]
    /// The most life one step consumes.
    let maxStepWear: Double
    /// When the first part's mode starts (simulated seconds), nil never.
    let firstOnset: Double?
    static let block = 64

    init(mode: String, kind: DegradationKind, wear: [Double], critical: [Double], firstOnset: Double?) {
        self.mode = mode
        self.kind = kind
        self.wear = wear
        self.critical = critical
        self.firstOnset = firstOnset
        var minimum: [Double] = []
        var start = 0
        while start < critical.count {
            minimum.append(critical[start..<min(start + Self.block, critical.count)].min() ?? .infinity)
            start += Self.block
        }
        blockMinimum = minimum
        maxStepWear = zip(wear.dropFirst(), wear).map { $0 - $1 }.max() ?? 0
    }

    /// The last step of the run.
    var lastStep: Int { wear.count - 1 }

    /// The first step n ≥ `from` at which `slow × wear[n] − critical[n] ≥ slow × base`, i.e. at
    /// which a mode whose consumed life is `slow × (wear[n] − base)` trips; nil if none in the run.
    func tripStep(from: Int, base: Double, slow: Double) -> Int? {
        guard slow > 0 else { return nil }
        var n = max(from, 1)
        while n <= lastStep {
            let b = n / Self.block
            let blockEnd = min((b + 1) * Self.block - 1, lastStep)
            if wear[blockEnd] - blockMinimum[b] / slow < base {
                n = blockEnd + 1
                continue
            }
            while n <= blockEnd {
                if slow * (wear[n] - base) >= critical[n] { return n }
                n += 1
            }
        }
        return nil
    }
}

/// Replays one asset on its own and reads its wear profiles.
enum HindsightReplay {
    /// The plant with only `asset` left in it: every area and line stays (the lines' demand and the
    /// weather draw from one stream, in line order), and the asset's own stream is keyed by its id,
    /// so it runs exactly as it does in the whole plant.
    static func plant(_ plant: Plant, keeping asset: String) -> Plant {
        var single = plant
        for a in single.areas.indices {
            for l in single.areas[a].lines.indices {
                single.areas[a].lines[l].assets.removeAll { $0.id != asset }
            }
        }
        return single
    }

    /// One profile per failure mode of `asset`, over the evaluation's run.
    static func profiles(plant: Plant, asset: Asset, options: PolicyEvaluationOptions) -> [WearProfile] {
        let single = Self.plant(plant, keeping: asset.id)
        let fresh = PlantSimulation(plant: single, options: Episode.simulation(options))
        var simulation = Episode.simulation(options)
        // No mode ever starts: the asset runs as it would, and the probes ask what a given damage would do.
        simulation.naturalDegradation = false
        var sim = PlantSimulation(plant: single, options: simulation)
        let modes = fresh.failureModes(of: asset.id)
        var wear = modes.map { _ in [0.0] }
        var critical = modes.map { _ in [Double.infinity] }
        // The critical damage of the last running step, per mode: it moves little from step to step.
        var lastDamage = modes.map { _ in Double?.none }
        let end = options.years * 365.25 * 86400
        let step = options.step
        while sim.elapsed < end {
            sim.step()
            for (m, mode) in modes.enumerated() {
                wear[m].append(wear[m][wear[m].count - 1] + sim.wearRate(asset: asset.id, mode: mode.modeID) * step)
                let damage = sim.criticalDamage(asset: asset.id, mode: mode.modeID, near: lastDamage[m])
                if let damage { lastDamage[m] = damage }
                critical[m].append(damage.map { $0.isFinite ? mode.kind.consumed(damage: $0) : .infinity } ?? .infinity)
            }
        }
        return modes.enumerated().map { m, mode in
            WearProfile(
                mode: mode.modeID, kind: mode.kind, wear: wear[m], critical: critical[m], firstOnset: mode.naturalOnset)
        }
    }
}
