import Foundation
import Planner
import PrognosCore
import Simulator

/// The five maintenance policies that `prognos eval policies` compares.
public enum PolicyKind: String, Sendable, CaseIterable, Codable {
    case runToFailure = "run-to-failure"
    case fixedInterval = "fixed-interval"
    case threshold
    case planner
    case oracle
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
    /// Total: planned actions, failures (their cost with secondary damage and the repair), downtime.
    public var cost: Double
    public var failures: Int
    /// Unplanned downtime: from each failure until its repair is done.
    public var downtimeHours: Double
    /// Planned maintenance actions taken (corrective repairs and deratings not counted).
    public var actions: Int
    public var actionCost: Double
    public var failureCost: Double
    public var downtimeCost: Double
    /// Hours assets stopped for actions taken outside maintenance windows.
    public var plannedDowntimeHours: Double
    public var deratings: Int
    /// Failures by failure mode, "asset/mode".
    public var failedModes: [String]
    /// Planned actions taken, by action id.
    public var actionCounts: [String: Int]

    public init(name: String) {
        self.name = name
        cost = 0
        failures = 0
        downtimeHours = 0
        actions = 0
        actionCost = 0
        failureCost = 0
        downtimeCost = 0
        plannedDowntimeHours = 0
        deratings = 0
        failedModes = []
        actionCounts = [:]
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
/// - oracle: the simulator's truth; it renews a mode in the last window before it would fail.
public enum PolicyEvaluation {
    public static func run(plant: Plant, options: PolicyEvaluationOptions) throws -> [PolicyOutcome] {
        try validate(plant)
        var outcomes: [PolicyOutcome] = []
        for kind in options.policies {
            outcomes.append(try run(kind, plant: plant, options: options))
        }
        return outcomes
    }

    /// Runs one policy.
    public static func run(_ kind: PolicyKind, plant: Plant, options: PolicyEvaluationOptions) throws -> PolicyOutcome {
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
        case .oracle:
            var policy = OraclePolicy(plant: plant)
            var episode = Episode(plant: plant, options: options, name: kind.rawValue)
            return try episode.run(&policy)
        }
    }

    /// Every failure mode needs an action that resets it (the corrective repair).
    static func validate(_ plant: Plant) throws {
        for asset in plant.assets {
            for mode in asset.failureModes where repairAction(plant: plant, asset: asset, mode: mode.id) == nil {
                throw PolicyEvaluationError("\(asset.id) \(mode.id): no action of the asset resets this failure mode, so a failure could never be repaired")
            }
        }
        guard !plant.economics.windows.isEmpty else { throw PolicyEvaluationError("the plant has no maintenance windows") }
    }

    /// The cheapest of the asset's actions that resets `mode`.
    static func repairAction(plant: Plant, asset: Asset, mode: String) -> MaintenanceAction? {
        let actions = asset.actionIDs.isEmpty ? plant.actions : asset.actionIDs.compactMap { plant.action($0) }
        return actions.filter { if case .resets(let ids) = $0.effect { ids.contains(mode) } else { false } }
            .min { ($0.cost, $0.id) < ($1.cost, $1.id) }
    }
}
