import Foundation
import PrognosCore
import Simulator

/// How long each asset stood still (for maintenance or after a failure) during each life of each
/// of its modes, under one policy. The hindsight bound credits every life with up to
/// `ModeLives.Rules.bound.stopCredit` of such stops; a policy whose lives saw more is one the bound
/// is not proven against, and its outcome says so.
struct StopLedger {
    /// Per asset (plant order): seconds stopped so far.
    var stopped: [Double]
    /// Per asset and mode: the renewal in place and the asset's stopped seconds when it began.
    var renewal: [[Int]]
    var lifeStart: [[Double]]
    /// Lives that saw more stop than the credit.
    var longLives = 0
    let credit: Double

    init(plant: Plant, credit: Double) {
        stopped = plant.assets.map { _ in 0 }
        renewal = plant.assets.map { $0.failureModes.map { _ in 0 } }
        lifeStart = plant.assets.map { $0.failureModes.map { _ in 0 } }
        self.credit = credit
    }

    /// After every step of `seconds`.
    mutating func record(_ sim: PlantSimulation, plant: Plant, seconds: Double) {
        for (a, asset) in plant.assets.enumerated() {
            switch sim.status(of: asset.id) {
            case .maintenance?, .failed?: stopped[a] += seconds
            default: break
            }
            for (m, mode) in sim.failureModes(of: asset.id).enumerated() where m < renewal[a].count && mode.renewals != renewal[a][m] {
                close(a, m)
                renewal[a][m] = mode.renewals
                lifeStart[a][m] = stopped[a]
            }
        }
    }

    mutating func close(_ a: Int, _ m: Int) {
        if stopped[a] - lifeStart[a][m] > credit { longLives += 1 }
    }

    /// At the end of the run: the lives still going count too.
    mutating func finish() {
        for a in renewal.indices {
            for m in renewal[a].indices { close(a, m) }
        }
    }
}
