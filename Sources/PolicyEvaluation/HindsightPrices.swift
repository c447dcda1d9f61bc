import Foundation
import Planner
import PrognosCore
import Simulator

/// What the harness charges for what can be done to one failure mode of one asset, with the cost
/// of an action that serves several modes of the asset split evenly among them (so the modes'
/// shares add up to what the harness charges, and each mode can be planned on its own).
struct ModePrices: Sendable {
    struct Reset: Sendable {
        var action: MaintenanceAction
        /// 1 / the number of the asset's modes the action resets.
        var share: Double
        var duration: Double
        /// In a window: the action's share.
        var inWindow: Double
        /// Outside a window: its share of the action and of the asset's stop.
        var callOut: Double
    }
    /// An action that slows the mode: its share of the cost, its factor and duration.
    struct Slow: Sendable {
        var action: MaintenanceAction
        var price: Double
        var factor: Double
        var duration: Double
    }
    var resets: [Reset]
    /// The actions slowing the mode.
    var slows: [Slow]
    /// An unplanned failure: the asset's failure cost, the repair's share, the downtime from the
    /// failure to the end of the repair; and the repair's duration.
    var failure: Double
    /// The part of `failure` that is downtime (from the failure to the end of the repair).
    var failureDowntime: Double
    var repair: MaintenanceAction
    var repairDuration: Double
    /// Running derated until the next window, per second, shared among the asset's modes; and the
    /// derating action.
    var deratingPerSecond: Double?
    var derating: MaintenanceAction?

    init(
        resets: [Reset], slows: [Slow], failure: Double,
        repair: MaintenanceAction, repairDuration: Double, deratingPerSecond: Double? = nil,
        derating: MaintenanceAction? = nil
    ) {
        self.resets = resets
        self.slows = slows
        self.failure = failure
        failureDowntime = 0
        self.repair = repair
        self.repairDuration = repairDuration
        self.deratingPerSecond = deratingPerSecond
        self.derating = derating
    }

    init(plant: Plant, asset: Asset, mode: String, responseHours: Double) throws {
        let economics = plant.economics
        let actions = asset.actionIDs.isEmpty ? plant.actions : asset.actionIDs.compactMap { plant.action($0) }
        let modes = Set(asset.failureModes.map(\.id))
        func share(_ ids: [String]) -> Double { 1 / Double(max(1, Set(ids).intersection(modes).count)) }
        resets = actions.compactMap { action in
            guard case .resets(let ids) = action.effect, ids.contains(mode) else { return nil }
            let s = share(ids)
            let duration = action.duration.inSeconds
            return Reset(
                action: action, share: s, duration: duration, inWindow: s * action.cost,
                callOut: s * (action.cost + duration / 3600 * economics.downtimeCostPerHour))
        }
        slows = actions.compactMap { action in
            guard case .slows(let ids, let factor) = action.effect, ids.contains(mode), factor < 1, factor > 0 else {
                return nil
            }
            return Slow(
                action: action, price: share(ids) * action.cost, factor: factor, duration: action.duration.inSeconds)
        }
        guard let repair = PolicyEvaluation.repairAction(plant: plant, asset: asset, mode: mode),
            let repairShare = resets.first(where: { $0.action.id == repair.id })?.share
        else { throw PolicyEvaluationError("no repair for \(asset.id) \(mode)") }
        self.repair = repair
        repairDuration = repair.duration.inSeconds
        failureDowntime = (responseHours + repairDuration / 3600) * economics.downtimeCostPerHour
        failure = (asset.failureCost ?? economics.failureCost) + repairShare * repair.cost + failureDowntime
        derating = actions.filter { if case .derates = $0.effect { true } else { false } }.min { $0.cost < $1.cost }
        if let derating, case .derates(let fraction) = derating.effect {
            deratingPerSecond =
                Episode.deratingCost(fraction: fraction, from: 0, until: 1, economics: economics)
                / Double(max(1, modes.count))
        }
    }
}
