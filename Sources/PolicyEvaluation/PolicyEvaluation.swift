import Foundation
import Planner
import PrognosCore
import Simulator

/// The maintenance policies that `prognos eval policies` compares, and the hindsight bound.
public enum PolicyKind: String, Sendable, CaseIterable, Codable {
    case runToFailure = "run-to-failure"
    case fixedInterval = "fixed-interval"
    case threshold
    /// Knows when each mode would fail and renews it in the last window before (it was called
    /// "oracle"; it never slows, derates or renews early, so a planner can beat it).
    case justInTime = "just-in-time"
    case planner
    /// The feasible hindsight plan: the best plan with perfect knowledge, made to fit the crews.
    case hindsightPlan = "hindsight-plan"
    /// A lower bound on what any policy can cost on this seed (not a policy).
    case hindsightBound = "hindsight-bound"

    /// The kind named `name`, also by its old names.
    public init?(name: String) {
        if name == "oracle" {
            self = .justInTime
        } else {
            self.init(rawValue: name)
        }
    }

    var needsHindsight: Bool { self == .hindsightPlan || self == .hindsightBound }

    /// Rough relative computing time of the policy's run (the replay and the planner's world models
    /// dominate), to start the longest first.
    var work: Int {
        switch self {
        case .planner, .hindsightPlan: 4
        case .hindsightBound: 3
        case .justInTime: 2
        case .runToFailure, .fixedInterval, .threshold: 1
        }
    }
}

/// Settings of a policy comparison.
public struct PolicyEvaluationOptions: Sendable, Equatable {
    /// Simulated years, and the seed of the plant (every policy sees the same plant, units and weather).
    public var years: Double = 5
    public var seed: UInt64 = 1
    /// Simulation step, seconds (the planner's world models see every `observeEvery`-th step).
    public var step: Double = 3600
    public var observeEvery = 3
    /// Days of data the world models are fitted on before the planner starts planning.
    public var trainingDays: Double = 14
    /// Days between refits of the world models on their recent unflagged history (0: never), and
    /// how many days of it they keep.
    public var refitDays: Double = 90
    public var refitHistoryDays: Double = 30
    /// Hours from an unplanned failure to the start of its repair.
    public var responseHours = 4.0
    /// Hours between the planner's re-plans outside windows.
    public var replanHours = 12.0
    public var planner = PlannerConfiguration()
    public var policies: [PolicyKind] = PolicyKind.allCases

    public init() {}
}

/// What one policy cost over the run.
public struct PolicyOutcome: Sendable, Equatable, Codable {
    public var name: String
    /// Total: planned actions, failures (their cost with secondary damage and the repair), downtime,
    /// derating.
    public var cost: Double
    public var failures: Int
    /// Unplanned downtime: from each failure until its repair is done.
    public var downtimeHours: Double
    /// Planned maintenance actions taken (corrective repairs and deratings not counted).
    public var actions: Int
    public var actionCost: Double
    public var failureCost: Double
    public var downtimeCost: Double
    /// Output given up by running derated: (1 − fraction) × the downtime cost per hour, for every
    /// hour derated (a derating lasts until the next window opens).
    public var deratingCost: Double
    /// Hours assets stopped for actions taken outside maintenance windows.
    public var plannedDowntimeHours: Double
    public var deratings: Int
    /// Failures by failure mode, "asset/mode".
    public var failedModes: [String]
    /// Planned actions taken, and what they cost, by action id (for the bound: each mode's share).
    public var actionCounts: [String: Int]
    public var actionCosts: [String: Double]
    /// A caveat about the figures, if any.
    public var note: String?

    public init(name: String) {
        self.name = name
        cost = 0
        failures = 0
        downtimeHours = 0
        actions = 0
        actionCost = 0
        failureCost = 0
        downtimeCost = 0
        deratingCost = 0
        plannedDowntimeHours = 0
        deratings = 0
        failedModes = []
        actionCounts = [:]
        actionCosts = [:]
    }
}

/// Why an evaluation could not run.
public struct PolicyEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Runs the simulated plant under each policy with the same seed, and prices what happened.
///
/// Every policy gets the same plant, units, weather and demand (the seed), the same corrective
/// repair after a failure (the cheapest action that resets the failed mode, after `responseHours`),
/// the same windows and crews (work that does not fit a window waits for the next), and the same
/// prices. They differ only in what they know:
/// - run-to-failure: nothing; it only repairs.
/// - fixed-interval: the age of each part; it renews each failure mode at an interval tuned on a
///   run-to-failure history of the same plant with another seed (age replacement).
/// - threshold: the raw limit sensor of each failure mode against its alarm level.
/// - planner: what Prognos sees — sensor readings → a world model per asset (fitted on the first
///   `trainingDays`) → degradation trackers → the planner, re-planning every `replanHours` and at
///   each window.
/// - just-in-time: the simulator's truth; it renews a mode in the last window before it would fail.
/// - hindsight plan: the whole future of every mode (a replay), planned with a dynamic program
///   per mode and fitted to the crews; see `Hindsight`, `ModeLives`, `HindsightPolicy`.
/// And a lower bound on what any policy can cost with this seed, `Hindsight.bound()`; see
/// docs/planner-evaluation.md for why it is one.
public enum PolicyEvaluation {
    public static func run(plant: Plant, options: PolicyEvaluationOptions) throws -> [PolicyOutcome] {
        try validate(plant)
        // The policies are independent runs of a pure, seeded simulation, so they run on all cores
        // at once and give the same figures as one after another. The replay behind the bound and
        // the hindsight plan is made once for both, in one job with them; the longest jobs start first.
        let hindsightKinds = options.policies.filter(\.needsHindsight)
        var jobs = options.policies.filter { !$0.needsHindsight }.map { [$0] }
        if !hindsightKinds.isEmpty { jobs.append(hindsightKinds) }
        jobs.sort { $0.map(\.work).reduce(0, +) > $1.map(\.work).reduce(0, +) }
        let done = try concurrentMap(jobs) { kinds in
            let hindsight =
                try kinds.contains(where: \.needsHindsight) ? Hindsight(plant: plant, options: options) : nil
            return try kinds.map { try run($0, plant: plant, options: options, hindsight: hindsight) }
        }
        var byKind: [PolicyKind: PolicyOutcome] = [:]
        for (kinds, outcomes) in zip(jobs, done) {
            for (kind, outcome) in zip(kinds, outcomes) { byKind[kind] = outcome }
        }
        return options.policies.compactMap { byKind[$0] }
    }

    /// Runs one policy.
    public static func run(_ kind: PolicyKind, plant: Plant, options: PolicyEvaluationOptions) throws -> PolicyOutcome {
        try run(
            kind, plant: plant, options: options,
            hindsight: kind.needsHindsight ? Hindsight(plant: plant, options: options) : nil)
    }

    static func run(
        _ kind: PolicyKind, plant: Plant, options: PolicyEvaluationOptions, hindsight: Hindsight?
    ) throws -> PolicyOutcome {
        switch kind {
        case .runToFailure:
            var policy = RunToFailurePolicy()
            var episode = Episode(plant: plant, options: options, name: kind.rawValue)
            return try episode.run(&policy)
        case .fixedInterval:
            let intervals = try FixedIntervalPolicy.tune(plant: plant, options: options)
            var policy = FixedIntervalPolicy(plant: plant, intervals: intervals)
            var episode = Episode(plant: plant, options: options, name: kind.rawValue)
            return try episode.run(&policy)
        case .threshold:
            var policy = ThresholdPolicy(plant: plant)
            var episode = Episode(plant: plant, options: options, name: kind.rawValue)
            return try episode.run(&policy)
        case .planner:
            var policy = PlannerPolicy(plant: plant, options: options)
            var episode = Episode(plant: plant, options: options, name: kind.rawValue)
            return try episode.run(&policy)
        case .justInTime:
            var policy = JustInTimePolicy(plant: plant)
            var episode = Episode(plant: plant, options: options, name: kind.rawValue)
            return try episode.run(&policy)
        case .hindsightPlan:
            guard let hindsight else { throw PolicyEvaluationError("the hindsight plan needs the replay") }
            var policy = HindsightPolicy(plant: plant, hindsight: hindsight, options: options)
            var episode = Episode(plant: plant, options: options, name: kind.rawValue)
            return try episode.run(&policy)
        case .hindsightBound:
            guard let hindsight else { throw PolicyEvaluationError("the hindsight bound needs the replay") }
            return hindsight.bound()
        }
    }

    /// Every failure mode needs an action that resets it (the corrective repair).
    static func validate(_ plant: Plant) throws {
        for asset in plant.assets {
            for mode in asset.failureModes where repairAction(plant: plant, asset: asset, mode: mode.id) == nil {
                throw PolicyEvaluationError(
                    "\(asset.id) \(mode.id): no action of the asset resets this failure mode, so a failure could never be repaired"
                )
            }
        }
        guard !plant.economics.windows.isEmpty else {
            throw PolicyEvaluationError("the plant has no maintenance windows")
        }
    }

    /// The cheapest of the asset's actions that resets `mode`.
    static func repairAction(plant: Plant, asset: Asset, mode: String) -> MaintenanceAction? {
        let actions = asset.actionIDs.isEmpty ? plant.actions : asset.actionIDs.compactMap { plant.action($0) }
        return actions.filter { if case .resets(let ids) = $0.effect { ids.contains(mode) } else { false } }
            .min { ($0.cost, $0.id) < ($1.cost, $1.id) }
    }
}
