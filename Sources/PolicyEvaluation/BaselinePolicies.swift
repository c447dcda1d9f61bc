import Foundation
import Planner
import PrognosCore
import Simulator

/// Repairs failures and does nothing else.
struct RunToFailurePolicy: MaintenancePolicy {
    func decide(_ sim: PlantSimulation, window: WindowSlot?) -> [Order] { [] }
}

/// Renews each failure mode when its age reaches the interval tuned for its kind of failure mode.
struct FixedIntervalPolicy: MaintenancePolicy {
    let plant: Plant
    /// Interval per failure-mode id (seconds); absent: never renewed preventively.
    let intervals: [String: Double]
    var lastRenewal: [String: Double] = [:]

    init(plant: Plant, intervals: [String: Double]) {
        self.plant = plant
        self.intervals = intervals
    }

    func decide(_ sim: PlantSimulation, window: WindowSlot?) -> [Order] {
        guard window != nil else { return [] }
        var orders: [Order] = []
        for asset in plant.assets {
            for mode in asset.failureModes {
                guard let interval = intervals[mode.id] else { continue }
                let age = sim.elapsed - lastRenewal[asset.id + "/" + mode.id, default: 0]
                if age >= interval,
                    let action = PolicyEvaluation.repairAction(plant: plant, asset: asset, mode: mode.id)
                {
                    orders.append(Order(asset: asset.id, action: action))
                }
            }
        }
        return orders
    }

    mutating func renewed(asset: String, modes: [String], at elapsed: Double) {
        for mode in modes { lastRenewal[asset + "/" + mode] = elapsed }
    }

    /// Age-replacement intervals from a run-to-failure history of the same plant (another seed):
    /// for each failure-mode id, the interval T minimising the empirical cost rate
    /// (preventive cost × renewals before T + failure cost × failures before T) / Σ min(life, T),
    /// or none if running to failure is cheaper.
    static func tune(plant: Plant, options: PolicyEvaluationOptions) throws -> [String: Double] {
        var tuning = options
        tuning.seed = options.seed &+ 0x5EED_0F_7A11
        var policy = LifeRecorder()
        var episode = Episode(plant: plant, options: tuning, name: "tuning")
        _ = try episode.run(&policy)
        let end = episode.sim.elapsed
        var lives: [String: [(life: Double, failed: Bool, preventive: Double, failure: Double)]] = [:]
        for asset in plant.assets {
            for mode in asset.failureModes {
                guard let repair = PolicyEvaluation.repairAction(plant: plant, asset: asset, mode: mode.id) else {
                    continue
                }
                let failure =
                    (asset.failureCost ?? plant.economics.failureCost) + repair.cost
                    + (options.responseHours + repair.duration.inSeconds / 3600) * plant.economics.downtimeCostPerHour
                let key = asset.id + "/" + mode.id
                var start = 0.0
                for t in policy.failures[key] ?? [] {
                    lives[mode.id, default: []].append((t - start, true, repair.cost, failure))
                    start = t
                }
                lives[mode.id, default: []].append((end - start, false, repair.cost, failure))
            }
        }
        var intervals: [String: Double] = [:]
        for (mode, list) in lives {
            func rate(_ T: Double) -> Double {
                var cost = 0.0, time = 0.0
                for life in list {
                    if life.failed && life.life <= T {
                        cost += life.failure
                        time += life.life
                    } else if life.life > T {
                        cost += life.preventive
                        time += T
                    } else {
                        time += life.life
                    }
                }
                return time > 0 ? cost / time : .infinity
            }
            var best = (T: Double.infinity, rate: rate(.infinity))
            var T = 7 * 86400.0
            while T <= 3 * 365 * 86400 {
                let r = rate(T)
                if r < best.rate { best = (T, r) }
                T += 7 * 86400
            }
            if best.T.isFinite { intervals[mode] = best.T }
        }
        return intervals
    }
}

/// Records when each mode failed (for tuning the fixed intervals).
struct LifeRecorder: MaintenancePolicy {
    var failures: [String: [Double]] = [:]
    var seen = 0
    mutating func observe(_ sim: PlantSimulation) {
        while seen < sim.events.count {
            let e = sim.events[seen]
            seen += 1
            if e.kind == .failure, let a = e.asset, let m = e.target {
                failures[a + "/" + m, default: []].append(e.elapsed)
            }
        }
    }
    func decide(_ sim: PlantSimulation, window: WindowSlot?) -> [Order] { [] }
}

/// Watches each failure mode's limit sensor, raw, against its alarm level (or halfway from the
/// normal range to the limit when the alarm is missing or no earlier than the limit); three
/// readings beyond it in a row while the asset runs call for the mode's renewal in the next window.
struct ThresholdPolicy: MaintenancePolicy {
    struct Watch {
        var asset: String
        var mode: String
        var handle: SignalHandle?
        var threshold: Double
        var above: Bool
        var count = 0
        var flagged = false
    }
    let plant: Plant
    var watches: [Watch] = []

    init(plant: Plant) {
        self.plant = plant
        for asset in plant.assets {
            for mode in asset.failureModes {
                guard let sensor = asset.sensors.first(where: { $0.id == mode.limit.sensor }) else { continue }
                let above = mode.limit.direction == .above
                let limit = mode.limit.value
                let alarm = above ? sensor.limits.alarmHigh : sensor.limits.alarmLow
                let normal = above ? sensor.normal?.upperBound : sensor.normal?.lowerBound
                var threshold: Double
                if let alarm, above ? alarm < limit : alarm > limit {
                    threshold = alarm
                } else if let normal {
                    threshold = (normal + limit) / 2
                } else {
                    threshold = limit
                }
                watches.append(Watch(asset: asset.id, mode: mode.id, handle: nil, threshold: threshold, above: above))
            }
        }
    }

    mutating func observe(_ sim: PlantSimulation) {
        for i in watches.indices {
            if watches[i].handle == nil {
                let mode = plant.asset(watches[i].asset)?.failureModes.first { $0.id == watches[i].mode }
                watches[i].handle = mode.flatMap { sim.handle(asset: watches[i].asset, signal: $0.limit.sensor) }
            }
            guard let h = watches[i].handle, sim.status(of: watches[i].asset) == .running, let v = sim.measuredValue(h)
            else { continue }
            let beyond = watches[i].above ? v >= watches[i].threshold : v <= watches[i].threshold
            watches[i].count = beyond ? watches[i].count + 1 : 0
            if watches[i].count >= 3 { watches[i].flagged = true }
        }
    }

    func decide(_ sim: PlantSimulation, window: WindowSlot?) -> [Order] {
        guard window != nil else { return [] }
        return watches.filter(\.flagged).compactMap { w in
            guard let asset = plant.asset(w.asset),
                let action = PolicyEvaluation.repairAction(plant: plant, asset: asset, mode: w.mode)
            else { return nil }
            return Order(asset: w.asset, action: action)
        }
    }

    mutating func renewed(asset: String, modes: [String], at elapsed: Double) {
        for i in watches.indices where watches[i].asset == asset && modes.contains(watches[i].mode) {
            watches[i].flagged = false
            watches[i].count = 0
        }
    }
}

/// Knows the future: it looks two weeks ahead in a copy of the simulation, and gives each coming
/// failure the latest window before it that its repair fits, with the crews of the windows shared
/// (the most urgent first); it orders the renewals that land in the open window. Only when no
/// window can take a renewal in time is it done at once outside a window.
struct JustInTimePolicy: MaintenancePolicy {
    let plant: Plant

    func decide(_ sim: PlantSimulation, window: WindowSlot?) -> [Order] {
        guard let window else { return [] }
        var future = sim
        let seen = future.events.count
        let lookahead = 15 * 86400.0
        future.advance(by: lookahead)
        let slots = WindowCalendar.slots(plant.economics, from: window.start, horizon: lookahead)
        var failures: [(asset: String, action: MaintenanceAction, time: Double)] = []
        for event in future.events[seen...] where event.kind == .failure {
            guard let a = event.asset, let m = event.target, let asset = plant.asset(a),
                let action = PolicyEvaluation.repairAction(plant: plant, asset: asset, mode: m),
                !failures.contains(where: { $0.asset == a && $0.action.id == action.id })
            else { continue }
            failures.append((a, action, event.time))
        }
        var booked: [Int: [(crew: Int, duration: Double)]] = [:]
        var orders: [Order] = []
        for failure in failures.sorted(by: { $0.time < $1.time }) {
            let job = (crew: failure.action.crew, duration: failure.action.duration.inSeconds)
            let candidates = slots.indices.filter { k in
                let slot = slots[k]
                return slot.start < failure.time - sim.options.step && slot.start >= window.start
                    && job.crew <= slot.crew
                    && job.duration <= slot.end - max(slot.start, sim.time)
            }
            var chosen: Int?
            for k in candidates.reversed() {
                let length = slots[k].end - max(slots[k].start, sim.time)
                if CrewLayout.starts((booked[k] ?? []) + [job], crew: slots[k].crew, length: length) != nil {
                    chosen = k
                    break
                }
            }
            if let k = chosen {
                booked[k, default: []].append(job)
                if slots[k].start == window.start { orders.append(Order(asset: failure.asset, action: failure.action)) }
            } else {
                orders.append(Order(asset: failure.asset, action: failure.action, urgent: true))
            }
        }
        return orders
    }
}
