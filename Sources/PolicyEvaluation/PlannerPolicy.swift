import Foundation
import LinearAlgebra
import Planner
import PrognosCore
import Simulator
import WorldModel

/// Prognos' view of one asset: its world model (fitted on the first days of readings) and a
/// degradation tracker per failure mode fed from the model's filtered health.
struct AssetView {
    let asset: Asset
    let sensors: [Sensor]
    var handles: [SignalHandle] = []
    var training: [[Double]] = []
    var model: AssetModel?
    var trackers: [String: DegradationTracker] = [:]
    var latest: StepResult?
    var latestValues: [Double] = []
    /// Recent rows the model did not flag, for refits (oldest first), and when it was last fitted.
    var healthyRows: [[Double]] = []
    var fittedAt = 0.0
    /// Per failure mode: the index of its limit sensor among `sensors`.
    let limitIndex: [String: Int]
    /// Per failure mode: the worst raw reading of the limit sensor (oriented toward the limit) since
    /// the last observation, and its healthy reference (the edge of the normal range).
    var worst: [String: Double] = [:]
    var reference: [String: Double] = [:]

    init(asset: Asset) {
        self.asset = asset
        sensors = asset.modelledSensors
        var index: [String: Int] = [:]
        for mode in asset.failureModes {
            if let j = sensors.firstIndex(where: { $0.id == mode.limit.sensor }) { index[mode.id] = j }
        }
        limitIndex = index
        for mode in asset.failureModes {
            trackers[mode.id] = DegradationTracker()
            let sensor = asset.sensors.first { $0.id == mode.limit.sensor }
            if let normal = sensor?.normal {
                reference[mode.id] = mode.limit.direction == .above ? normal.upperBound : -normal.lowerBound
            }
        }
    }

    /// What the planner needs about this asset now.
    func health() -> AssetHealth? {
        guard model != nil, let latest else { return nil }
        var modes: [ModeHealth] = []
        for mode in asset.failureModes {
            guard limitIndex[mode.id] != nil, let estimate = trackers[mode.id]?.estimate() else { continue }
            let evidence = mode.sensors.compactMap { id -> SensorEvidence? in
                guard let k = sensors.firstIndex(where: { $0.id == id }) else { return nil }
                return SensorEvidence(
                    sensor: id, unit: sensors[k].unit, value: latestValues[k], deviation: latest.health.sensorLevels[k],
                    trendPerDay: 0)
            }
            modes.append(
                ModeHealth(
                    failureMode: mode.id, level: estimate.level, levelSD: estimate.levelSD, trend: estimate.trend,
                    trendSD: estimate.trendSD,
                    limit: estimate.limit, deviation: estimate.deviation, deviationLimit: estimate.deviationLimit,
                    peakFraction: estimate.peak,
                    growthOffset: estimate.offset, evidence: evidence))
        }
        return AssetHealth(asset: asset.id, modes: modes)
    }
}

/// Prognos' planner, seeing the plant only through its sensors: readings → world models →
/// degradation trackers → `Planner`.
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
        // The limit sensors' raw readings at every step: a machine trips at its worst moment.
        for i in views.indices where sim.status(of: views[i].asset.id) == .running {
            for mode in views[i].asset.failureModes {
                guard let h = sim.handle(asset: views[i].asset.id, signal: mode.limit.sensor),
                    let v = sim.measuredValue(h)
                else { continue }
                let oriented = mode.limit.direction == .above ? v : -v
                views[i].worst[mode.id] = max(views[i].worst[mode.id] ?? -.infinity, oriented)
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
            for mode in asset.failureModes {
                guard let j = views[i].limitIndex[mode.id] else { continue }
                let spread = model.healthySpread[j]
                guard spread > 0 else { continue }
                let sign: Double = mode.limit.direction == .above ? 1 : -1
                let level = sign * result.health.sensorLevels[j]
                let gap = level + sign * (mode.limit.value - row[j]) / spread
                var fraction: Double?
                if let worst = views[i].worst[mode.id] {
                    let limit = sign * mode.limit.value
                    let reference = views[i].reference[mode.id] ?? (limit - 1)
                    if limit > reference { fraction = (worst - reference) / (limit - reference) }
                }
                views[i].worst[mode.id] = nil
                views[i].trackers[mode.id]?.observe(time: sim.time, deviation: level, gap: gap, fraction: fraction)
            }
        }
    }

    mutating func decide(_ sim: PlantSimulation, window: WindowSlot?) -> [Order] {
        guard sim.elapsed > options.trainingDays * 86400 + 86400 else { return [] }
        let assets = views.compactMap { $0.health() }
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
    }

    mutating func renewed(asset: String, modes: [String], at elapsed: Double) {
        guard let i = views.firstIndex(where: { $0.asset.id == asset }) else { return }
        // Maintenance restored these modes: their trackers forget the old wear, and the world
        // model's filter starts again from healthy (as after a new unit).
        for mode in modes { views[i].trackers[mode]?.reset() }
        views[i].model?.resetState()
    }
}
