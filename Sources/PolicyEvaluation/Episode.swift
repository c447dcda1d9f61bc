import Foundation
import Planner
import PrognosCore
import Simulator

/// An action a policy asks for.
struct Order: Equatable {
    var asset: String
    var action: MaintenanceAction
    /// Done now even if the open window cannot take it (a call-out: the plant stops for it).
    var urgent = false
}

/// A maintenance policy as the harness drives it.
protocol MaintenancePolicy {
    /// Whether the policy also decides between windows (every `replanHours`).
    var decidesBetweenWindows: Bool { get }
    /// After every step.
    mutating func observe(_ sim: PlantSimulation)
    /// At the opening of a window (`window` set) or at a re-plan time.
    mutating func decide(_ sim: PlantSimulation, window: WindowSlot?) -> [Order]
    /// Failure modes of an asset were restored (by a repair or an action), at simulated `elapsed`.
    mutating func renewed(asset: String, modes: [String], at elapsed: Double)
    /// One of the policy's orders was carried out (orders that do not fit a window are not).
    mutating func performed(_ order: Order, at time: Double)
}

extension MaintenancePolicy {
    var decidesBetweenWindows: Bool { false }
    mutating func observe(_ sim: PlantSimulation) {}
    mutating func renewed(asset: String, modes: [String], at elapsed: Double) {}
    mutating func performed(_ order: Order, at time: Double) {}
}

/// One run of the simulated plant under one policy, with the ledger of what it cost.
struct Episode {
    let plant: Plant
    let options: PolicyEvaluationOptions
    var outcome: PolicyOutcome
    var sim: PlantSimulation
    /// Every planned action carried out: when, and whether in a window (`window`: its start) or
    /// outside one, the asset stopping for it.
    var performed: [(time: Double, asset: String, action: MaintenanceAction, window: Double?)] = []

    init(plant: Plant, options: PolicyEvaluationOptions, name: String) {
        self.plant = plant
        self.options = options
        outcome = PolicyOutcome(name: name)
        sim = PlantSimulation(plant: plant, options: Self.simulation(options))
    }

    /// The simulation every policy runs in: the evaluation's seed and step, and each renewed part
    /// with its own life, so that no policy's maintenance reshuffles the plant's other random
    /// draws (the hindsight bound relies on the future being a fixed function of the seed).
    static func simulation(_ options: PolicyEvaluationOptions) -> SimulationOptions {
        var simulation = SimulationOptions(seed: options.seed, step: options.step)
        simulation.partLives = true
        return simulation
    }

    /// What running derated to `fraction` from `time` until `until` (epoch seconds) gives up: the
    /// same share of the output an hour stopped loses.
    static func deratingCost(fraction: Double, from time: Double, until: Double, economics: Economics) -> Double {
        (1 - fraction) * economics.downtimeCostPerHour * max(0, until - time) / 3600
    }

    struct Repair {
        var due: Double
        var asset: String
        var mode: String
    }

    mutating func run<P: MaintenancePolicy>(_ policy: inout P) throws -> PolicyOutcome {
        let end = options.years * 365.25 * 86400
        let economics = plant.economics
        var seen = sim.events.count
        var repairs: [Repair] = []
        var failed: Set<String> = []
        var windowStart = -Double.infinity
        var windowJobs: [(crew: Int, duration: Double)] = []
        var nextReplan = options.replanHours * 3600
        var stops = StopLedger(plant: plant, credit: ModeLives.Rules.bound.stopCredit)
        while sim.elapsed < end {
            sim.step()
            stops.record(sim, seconds: options.step)
            while seen < sim.events.count {
                let event = sim.events[seen]
                seen += 1
                guard event.kind == .failure, let asset = event.asset, let mode = event.target else { continue }
                outcome.failures += 1
                outcome.failedModes.append(asset + "/" + mode)
                repairs.append(Repair(due: event.elapsed + options.responseHours * 3600, asset: asset, mode: mode))
                failed.insert(asset)
            }
            if !repairs.isEmpty { try repairDue(&repairs, failed: &failed, policy: &policy) }
            policy.observe(sim)
            let open = WindowCalendar.openWindow(at: sim.time, economics: economics)
            var orders: [Order] = []
            var window: WindowSlot?
            if let open, open.start != windowStart {
                windowStart = open.start
                windowJobs = []
                window = open
                orders = policy.decide(sim, window: open)
            } else if policy.decidesBetweenWindows, sim.elapsed >= nextReplan {
                nextReplan += options.replanHours * 3600
                // Inside a window its work was decided at its opening; re-plans add work outside windows.
                if open == nil { orders = policy.decide(sim, window: nil) }
            }
            var done: Set<String> = []
            for order in orders
            where !failed.contains(order.asset) && !done.contains(order.asset + "|" + order.action.id) {
                done.insert(order.asset + "|" + order.action.id)
                try execute(order, window: window, jobs: &windowJobs, policy: &policy)
            }
        }
        outcome.cost = outcome.actionCost + outcome.failureCost + outcome.downtimeCost + outcome.deratingCost
        stops.finish()
        outcome.note = Self.boundCaveat(longLives: stops.longLives, deratings: outcome.deratings)
        return outcome
    }

    /// What this run did that the hindsight bound does not cover (see docs/planner-evaluation.md).
    static func boundCaveat(longLives: Int, deratings: Int) -> String? {
        var caveats: [String] = []
        if longLives > 0 {
            let hours = Int(ModeLives.Rules.bound.stopCredit / 3600)
            caveats.append("\(longLives) lives of a mode saw more than \(hours) h of stops")
        }
        if deratings > 0 {
            caveats.append("derated \(deratings) times (the bound grants derating only up to a window)")
        }
        return caveats.isEmpty
            ? nil : caveats.joined(separator: "; ") + ": the hindsight bound is not proven against this run"
    }

    mutating func repairDue<P: MaintenancePolicy>(
        _ repairs: inout [Repair], failed: inout Set<String>, policy: inout P
    ) throws {
        let due = repairs.filter { $0.due <= sim.elapsed + 1e-9 }
        guard !due.isEmpty else { return }
        repairs.removeAll { $0.due <= sim.elapsed + 1e-9 }
        for repair in due {
            guard let asset = plant.asset(repair.asset),
                let action = PolicyEvaluation.repairAction(plant: plant, asset: asset, mode: repair.mode)
            else { throw PolicyEvaluationError("no repair for \(repair.asset) \(repair.mode)") }
            try apply(action, to: asset.id)
            let hours = options.responseHours + action.duration.inSeconds / 3600
            outcome.failureCost += (asset.failureCost ?? plant.economics.failureCost) + action.cost
            outcome.downtimeCost += hours * plant.economics.downtimeCostPerHour
            outcome.downtimeHours += hours
            policy.renewed(asset: asset.id, modes: action.failureModes, at: sim.elapsed)
            if !repairs.contains(where: { $0.asset == asset.id }) { failed.remove(asset.id) }
        }
    }

    mutating func execute<P: MaintenancePolicy>(
        _ order: Order, window: WindowSlot?, jobs: inout [(crew: Int, duration: Double)], policy: inout P
    ) throws {
        let action = order.action
        if case .derates(let fraction) = action.effect {
            try apply(action, to: order.asset)
            policy.performed(order, at: sim.time)
            outcome.deratings += 1
            outcome.actionCost += action.cost
            // The simulator derates until the next window opens.
            let until =
                WindowCalendar.nextWindowStart(after: sim.time, economics: plant.economics) ?? sim.time + 7 * 86400
            outcome.deratingCost += Self.deratingCost(
                fraction: fraction, from: sim.time, until: until, economics: plant.economics)
            return
        }
        let duration = action.duration.inSeconds
        // Work in a window must fit its crew and what is left of it; urgent work that does not is
        // done at once outside it.
        let trial = jobs + [(action.crew, duration)]
        if let window, CrewLayout.starts(trial, crew: window.crew, length: window.end - sim.time) != nil {
            jobs = trial
            performed.append((sim.time, order.asset, action, window.start))
        } else {
            guard window == nil || order.urgent else { return }
            guard action.crew <= plant.economics.crewCapacity else { return }
            outcome.plannedDowntimeHours += duration / 3600
            outcome.downtimeCost += duration / 3600 * plant.economics.downtimeCostPerHour
            performed.append((sim.time, order.asset, action, nil))
        }
        try apply(action, to: order.asset)
        policy.performed(order, at: sim.time)
        outcome.actions += 1
        outcome.actionCounts[action.id, default: 0] += 1
        outcome.actionCosts[action.id, default: 0] += action.cost
        outcome.actionCost += action.cost
        if case .resets(let modes) = action.effect {
            policy.renewed(asset: order.asset, modes: modes, at: sim.elapsed)
        }
    }

    mutating func apply(_ action: MaintenanceAction, to asset: String) throws {
        do {
            try sim.apply(action: action, to: asset)
        } catch {
            throw PolicyEvaluationError("cannot apply \(action.id) to \(asset): \(error.message)")
        }
    }
}
