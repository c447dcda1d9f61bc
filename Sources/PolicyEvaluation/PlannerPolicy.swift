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
    /// Per failure mode: the index of its limit sensor among `sensors`.
    let limitIndex: [String: Int]

    init(asset: Asset) {
        self.asset = asset
        sensors = asset.modelledSensors
        var index: [String: Int] = [:]
        for mode in asset.failureModes {
            if let j = sensors.firstIndex(where: { $0.id == mode.limit.sensor }) { index[mode.id] = j }
        }
        limitIndex = index
        for mode in asset.failureModes { trackers[mode.id] = DegradationTracker() }
    }

    /// What the planner needs about this asset now.
    func health() -> AssetHealth? {
        guard let model, let latest else { return nil }
        var modes: [ModeHealth] = []
        for mode in asset.failureModes {
            guard let j = limitIndex[mode.id], let estimate = trackers[mode.id]?.estimate() else { continue }
            let spread = model.healthySpread[j]
            guard spread > 0 else { continue }
            let above = mode.limit.direction == .above
            let fallback = (above ? 1 : -1) * (mode.limit.value - latestValues[j]) / spread + estimate.level
            let evidence = mode.sensors.compactMap { id -> SensorEvidence? in
                guard let k = sensors.firstIndex(where: { $0.id == id }) else { return nil }
                return SensorEvidence(
                    sensor: id, unit: sensors[k].unit, value: latestValues[k], deviation: latest.health.sensorLevels[k],
                    trendPerDay: 0)
            }
            modes.append(ModeHealth(
                failureMode: mode.id, level: estimate.level, levelSD: estimate.levelSD, trend: estimate.trend, trendSD: estimate.trendSD,
                limit: estimate.limit ?? fallback, growthOffset: estimate.offset, evidence: evidence))
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
    /// Assets derated until this elapsed time.
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
        guard steps % max(1, options.observeEvery) == 0 else { return }
        let training = sim.elapsed <= options.trainingDays * 86400
        for i in views.indices {
            let asset = views[i].asset
            if views[i].handles.isEmpty {
                views[i].handles = (views[i].sensors.map(\.id) + asset.context.map(\.id)).compactMap { sim.handle(asset: asset.id, signal: $0) }
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
                    sensorNames: views[i].sensors.map(\.id), contextNames: asset.context.map(\.id), history: Matrix(views[i].training))
                views[i].training = []
            }
            guard var model = views[i].model else { continue }
            let result = model.update(y: Array(row[..<m]), u: Array(row[m...]))
            views[i].model = model
            views[i].latest = result
            views[i].latestValues = Array(row[..<m])
            for mode in asset.failureModes {
                guard let j = views[i].limitIndex[mode.id] else { continue }
                let spread = model.healthySpread[j]
                guard spread > 0 else { continue }
                let sign: Double = mode.limit.direction == .above ? 1 : -1
                let level = sign * result.health.sensorLevels[j]
                let gap = level + sign * (mode.limit.value - row[j]) / spread
                let trend = sign * result.health.sensorTrends[j] / (options.step * Double(max(1, options.observeEvery)))
                views[i].trackers[mode.id]?.observe(time: sim.time, level: level, gap: gap, trend: trend)
            }
        }
    }

    mutating func decide(_ sim: PlantSimulation, window: WindowSlot?) -> [Order] {
        guard sim.elapsed > options.trainingDays * 86400 + 86400 else { return [] }
        let assets = views.compactMap { $0.health() }
        let derated = Set(deratedUntil.filter { $0.value > sim.elapsed }.map(\.key))
        recent.removeAll { sim.time - $0.time > options.planner.repeatGap }
        let input = PlanningInput(plant: plant, now: sim.time, assets: assets, derated: derated, recentActions: recent)
        let schedule = planner.plan(input)
        var orders: [Order] = []
        for proposal in schedule.proposals {
            if let fraction = proposal.derate, !derated.contains(proposal.asset),
                let action = plant.actions.first(where: { $0.effect == .derates(fraction: fraction) })
            {
                orders.append(Order(asset: proposal.asset, action: action))
                let next = WindowCalendar.nextWindowStart(after: sim.time, economics: plant.economics) ?? sim.time + 7 * 86400
                deratedUntil[proposal.asset] = next - sim.options.start
            }
            guard let action = plant.action(proposal.action), action.failureModes.count > 0 else { continue }
            var take = false
            switch proposal.timing {
            case .now: take = true
            case .window(let slot): take = slot.start <= sim.time && sim.time < slot.end
            }
            if take {
                orders.append(Order(asset: proposal.asset, action: action))
                recent.append(RecentAction(asset: proposal.asset, action: action.id, time: sim.time))
                if debugPlanner {
                    let truth = sim.failureModes(of: proposal.asset).first { $0.modeID == proposal.failureMode }
                    print(String(format: "DEBUG day %.1f %@ %@ %@ dmg %.3f onset %@ | ", sim.elapsed / 86400, proposal.asset, proposal.action, proposal.when, truth?.damage ?? -1, truth?.onset.map { String(format: "%.1f", $0 / 86400) } ?? "-") + proposal.reasoning)
                }
            }
        }
        return orders
    }

    mutating func renewed(asset: String, modes: [String], at elapsed: Double) {
        guard let i = views.firstIndex(where: { $0.asset.id == asset }) else { return }
        // Maintenance restored the asset: the filter forgets the old wear, the trackers their history.
        views[i].model?.resetState()
        for key in views[i].trackers.keys { views[i].trackers[key]?.reset() }
    }
}

let debugPlanner = ProcessInfo.processInfo.environment["PLAN_DEBUG"] != nil
