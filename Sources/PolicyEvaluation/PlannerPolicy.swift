import Foundation
import LinearAlgebra
import Planner
import PrognosCore
import Simulator
import WorldModel

/// Prognos' view of one asset: its world model (fitted on the first days of readings) and the
/// one estimator per failure mode that the daemon keeps in each asset's runtime (`ModeEstimator`),
/// fed as the daemon feeds it: the limit sensor's readings and the model's filtered deviation.
struct AssetView {
    let asset: Asset
    let sensors: [Sensor]
    var handles: [SignalHandle] = []
    var training: [[Double]] = []
    var model: AssetModel?
    /// Per failure mode (the plant file's order): its estimator, the index of its limit sensor
    /// among `sensors` (nil: not modelled), and the limit sensor's readings since the estimator's
    /// last batch (every step the machine ran: a machine trips at its worst moment).
    var estimators: [ModeEstimator]
    let limitIndex: [Int?]
    var limitReadings: [[Double]]
    var latest: StepResult?
    var latestValues: [Double] = []
    /// Recent rows the model did not flag, for refits (oldest first), and when it was last fitted.
    var healthyRows: [[Double]] = []
    var fittedAt = 0.0
    /// Whether the machine ran at the last step (a stop after running may be a mode's trip).
    var wasRunning = false

    init(asset: Asset) {
        self.asset = asset
        let sensors = asset.modelledSensors
        self.sensors = sensors
        limitIndex = asset.failureModes.map { mode in sensors.firstIndex { $0.id == mode.limit.sensor } }
        estimators = asset.failureModes.map { mode in
            // The run starts with new parts.
            ModeEstimator(mode: mode, sensor: asset.sensors.first { $0.id == mode.limit.sensor }, renewedAt: 0)
        }
        limitReadings = asset.failureModes.map { _ in [] }
    }

    /// What the planner needs about this asset at simulated second `elapsed`.
    func health(at elapsed: Double) -> AssetHealth? {
        guard model != nil, let latest else { return nil }
        var modes: [ModeHealth] = []
        for (k, mode) in asset.failureModes.enumerated() where limitIndex[k] != nil {
            let evidence = mode.sensors.compactMap { id -> SensorEvidence? in
                guard let j = sensors.firstIndex(where: { $0.id == id }) else { return nil }
                return SensorEvidence(
                    sensor: id, unit: sensors[j].unit, value: latestValues[j], deviation: latest.health.sensorLevels[j],
                    trendPerDay: 0)
            }
            if let health = estimators[k].health(at: elapsed, evidence: evidence) { modes.append(health) }
        }
        return AssetHealth(asset: asset.id, modes: modes)
    }
}

/// Prognos' planner, seeing the plant only through its sensors: readings → world models → the
/// daemon's estimator per failure mode (`ModeEstimator`) → `Planner`.
struct PlannerPolicy: MaintenancePolicy {
    let plant: Plant
    let options: PolicyEvaluationOptions
    let planner: Planner
    var views: [AssetView]
    var steps = 0
    var fitted = false
    /// Assets derated until this epoch time.
    var deratedUntil: [String: Double] = [:]
    var recent: [RecentAction] = []

    init(plant: Plant, options: PolicyEvaluationOptions) {
        self.plant = plant
        self.options = options
        planner = Planner(configuration: options.planner)
        views = plant.assets.map { AssetView(asset: $0) }
    }

    var decidesBetweenWindows: Bool { true }

    mutating func observe(_ sim: PlantSimulation) {
        steps += 1
        for i in views.indices {
            let running = sim.status(of: views[i].asset.id) == .running
            // The machine stopped: as in the daemon, a mode past its alarm level may have tripped it.
            if views[i].wasRunning, !running {
                for k in views[i].estimators.indices { views[i].estimators[k].tripped(at: sim.time) }
            }
            views[i].wasRunning = running
            guard running else { continue }
            // The limit sensors' readings at every step: a machine trips at its worst moment.
            for (k, mode) in views[i].asset.failureModes.enumerated() {
                guard let h = sim.handle(asset: views[i].asset.id, signal: mode.limit.sensor),
                    let v = sim.measuredValue(h), v.isFinite
                else { continue }
                views[i].limitReadings[k].append(v)
            }
        }
        guard steps % max(1, options.observeEvery) == 0 else { return }
        let training = sim.elapsed <= options.trainingDays * 86400
        for i in views.indices {
            let asset = views[i].asset
            if views[i].handles.isEmpty {
                views[i].handles = (views[i].sensors.map(\.id) + asset.context.map(\.id)).compactMap {
                    sim.handle(asset: asset.id, signal: $0)
                }
            }
            // A stopped machine tells nothing about its wear.
            guard sim.status(of: asset.id) == .running else { continue }
            var row: [Double] = []
            row.reserveCapacity(views[i].handles.count)
            for h in views[i].handles {
                guard let v = sim.measuredValue(h) else { break }
                row.append(v)
            }
            guard row.count == views[i].handles.count else { continue }
            let m = views[i].sensors.count
            if training {
                views[i].training.append(row)
                continue
            }
            if views[i].model == nil && !views[i].training.isEmpty {
                views[i].model = try? AssetModel(
                    sensorNames: views[i].sensors.map(\.id), contextNames: asset.context.map(\.id),
                    history: Matrix(views[i].training))
                views[i].training = []
                views[i].fittedAt = sim.elapsed
            }
            // As the daemon does: refit on recent unflagged history, keeping the filter's memory, so
            // the healthy baseline follows the seasons.
            if options.refitDays > 0, sim.elapsed - views[i].fittedAt >= options.refitDays * 86400,
                views[i].healthyRows.count
                    >= Int(options.trainingDays * 86400 / (options.step * Double(max(1, options.observeEvery))))
            {
                views[i].fittedAt = sim.elapsed
                if let refitted = try? views[i].model?.refitted(history: Matrix(views[i].healthyRows)) {
                    views[i].model = refitted
                }
            }
            guard var model = views[i].model else { continue }
            let result = model.update(y: Array(row[..<m]), u: Array(row[m...]))
            views[i].model = model
            views[i].latest = result
            views[i].latestValues = Array(row[..<m])
            if !result.flagged {
                views[i].healthyRows.append(row)
                let capacity = Int(
                    options.refitHistoryDays * 86400 / (options.step * Double(max(1, options.observeEvery))))
                if views[i].healthyRows.count > capacity {
                    views[i].healthyRows.removeFirst(views[i].healthyRows.count - capacity)
                }
            }
            for k in views[i].estimators.indices {
                guard let j = views[i].limitIndex[k] else { continue }
                views[i].estimators[k].observe(
                    time: sim.time, values: views[i].limitReadings[k], deviation: result.health.sensorLevels[j],
                    spread: model.healthySpread[j], referenceGain: result.referenceGains[j])
                views[i].limitReadings[k] = []
            }
        }
    }

    mutating func decide(_ sim: PlantSimulation, window: WindowSlot?) -> [Order] {
        guard sim.elapsed > options.trainingDays * 86400 + 86400 else { return [] }
        let assets = views.compactMap { $0.health(at: sim.elapsed) }
        let derated = Set(deratedUntil.filter { $0.value > sim.time }.map(\.key))
        recent.removeAll { sim.time - $0.time > options.planner.repeatGap }
        let input = PlanningInput(plant: plant, now: sim.time, assets: assets, derated: derated, recentActions: recent)
        let schedule = planner.plan(input)
        var orders: [Order] = []
        for proposal in schedule.proposals {
            if let fraction = proposal.derate, !derated.contains(proposal.asset),
                let action = plant.actions.first(where: { $0.effect == .derates(fraction: fraction) })
            {
                orders.append(Order(asset: proposal.asset, action: action))
            }
            guard let action = plant.action(proposal.action), action.failureModes.count > 0 else { continue }
            var take = false
            switch proposal.timing {
            case .now: take = true
            case .window(let slot): take = slot.start <= sim.time && sim.time < slot.end
            }
            if take {
                orders.append(Order(asset: proposal.asset, action: action, urgent: proposal.timing == .now))
            }
        }
        return orders
    }

    mutating func performed(_ order: Order, at time: Double) {
        if case .derates = order.action.effect {
            let next = WindowCalendar.nextWindowStart(after: time, economics: plant.economics) ?? time + 7 * 86400
            deratedUntil[order.asset] = next
        } else {
            recent.append(RecentAction(asset: order.asset, action: order.action.id, time: time))
        }
        // As the daemon tells the runtime of a reported slowing: the estimators know it.
        if case .slows(let modes, let factor) = order.action.effect,
            let i = views.firstIndex(where: { $0.asset.id == order.asset })
        {
            for k in views[i].estimators.indices where modes.contains(views[i].estimators[k].mode.id) {
                views[i].estimators[k].slowed(by: factor)
            }
        }
    }

    mutating func renewed(asset: String, modes: [String], at elapsed: Double) {
        guard let i = views.firstIndex(where: { $0.asset.id == asset }) else { return }
        // Maintenance restored these modes: their estimators forget the old wear and any failure,
        // and the world model's filter starts again from healthy (as after a new unit).
        for k in views[i].estimators.indices where modes.contains(views[i].estimators[k].mode.id) {
            views[i].estimators[k].reset(at: elapsed)
            views[i].limitReadings[k] = []
        }
        views[i].model?.resetState()
    }
}
