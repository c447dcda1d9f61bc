import Foundation
import PrognosCore
import Simulator

/// How long each asset stood still (for maintenance or after a failure) while each of its modes
/// was wearing (from the mode's onset to the part's renewal), under one policy. The hindsight
/// bound credits every life with up to `ModeLives.Rules.bound.stopCredit` of such stops; a policy
/// whose lives saw more is one the bound is not proven against, and its outcome says so.
struct StopLedger {
    /// Per asset (plant order): seconds stopped so far.
    var stopped: [Double]
    /// Per asset and mode: the renewal in place, and the asset's stopped seconds when its mode
    /// started (nil while it has not).
    var renewal: [[Int]]
    var lifeStart: [[Double?]]
    /// Lives that saw more stop than the credit.
    var longLives = 0
    let credit: Double
    /// The plant's asset ids in plant order (`Plant.assets` gathers them anew at every call).
    let assets: [String]

    init(plant: Plant, credit: Double) {
        assets = plant.assets.map(\.id)
        stopped = plant.assets.map { _ in 0 }
        renewal = plant.assets.map { $0.failureModes.map { _ in 0 } }
        lifeStart = plant.assets.map { $0.failureModes.map { _ in nil } }
        self.credit = credit
    }

    /// After every step of `seconds`.
    mutating func record(_ sim: PlantSimulation, seconds: Double) {
        for (a, asset) in assets.enumerated() {
            switch sim.status(of: asset) {
            case .maintenance?, .failed?: stopped[a] += seconds
            default: break
            }
            for (m, mode) in sim.failureModes(of: asset).enumerated() where m < renewal[a].count {
                if mode.renewals != renewal[a][m] {
                    close(a, m)
                    renewal[a][m] = mode.renewals
                }
                if mode.onset != nil, lifeStart[a][m] == nil { lifeStart[a][m] = stopped[a] }
            }
        }
    }

    mutating func close(_ a: Int, _ m: Int) {
        if let start = lifeStart[a][m], stopped[a] - start > credit { longLives += 1 }
        lifeStart[a][m] = nil
    }

    /// At the end of the run: the lives still going count too.
    mutating func finish() {
        for a in renewal.indices {
            for m in renewal[a].indices { close(a, m) }
        }
    }
}
