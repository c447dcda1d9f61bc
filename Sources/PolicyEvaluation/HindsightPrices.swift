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
    var resets: [Reset]
    /// The cheapest action slowing the mode, if any: its share of the cost, factor and duration.
    var slow: (action: MaintenanceAction, price: Double, factor: Double, duration: Double)?
    /// An unplanned failure: the asset's failure cost, the repair's share, the downtime from the
    /// failure to the end of the repair; and the repair's duration.
    var failure: Double
    var repair: MaintenanceAction
    var repairDuration: Double
    /// Running derated until the next window, per second, shared among the asset's modes; and the
    /// derating action.
    var deratingPerSecond: Double?
    var derating: MaintenanceAction?

    init(
        resets: [Reset], slow: (action: MaintenanceAction, price: Double, factor: Double, duration: Double)?,
        failure: Double,
        repair: MaintenanceAction, repairDuration: Double, deratingPerSecond: Double? = nil,
        derating: MaintenanceAction? = nil
    ) {
        self.resets = resets
        self.slow = slow
        self.failure = failure
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
            let duration = seconds(action.duration)
            return Reset(
                action: action, share: s, duration: duration, inWindow: s * action.cost,
                callOut: s * (action.cost + duration / 3600 * economics.downtimeCostPerHour))
        }
        slow = actions.compactMap { action -> (MaintenanceAction, Double, Double, Double)? in
            guard case .slows(let ids, let factor) = action.effect, ids.contains(mode), factor < 1, factor > 0 else {
                return nil
            }
            return (action, share(ids) * action.cost, factor, seconds(action.duration))
        }.min { $0.1 / -log($0.2) < $1.1 / -log($1.2) }
        guard let repair = PolicyEvaluation.repairAction(plant: plant, asset: asset, mode: mode),
            let repairShare = resets.first(where: { $0.action.id == repair.id })?.share
        else { throw PolicyEvaluationError("no repair for \(asset.id) \(mode)") }
        self.repair = repair
        repairDuration = seconds(repair.duration)
        failure =
            (asset.failureCost ?? economics.failureCost) + repairShare * repair.cost
            + (responseHours + repairDuration / 3600) * economics.downtimeCostPerHour
        derating = actions.filter { if case .derates = $0.effect { true } else { false } }.min { $0.cost < $1.cost }
        if let derating, case .derates(let fraction) = derating.effect {
            deratingPerSecond =
                Episode.deratingCost(fraction: fraction, from: 0, until: 1, economics: economics)
                / Double(max(1, modes.count))
        }
    }
}
