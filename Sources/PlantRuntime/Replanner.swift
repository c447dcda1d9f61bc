import Planner
import PrognosCore
import WorldModel

/// What the daemon calls to re-plan: it takes every asset's failure-mode health from its runtime
/// (each runtime's `ModeEstimator`s, the one estimate the health table and alarms show too), and
/// re-plans with the `Planner` when the health has changed materially since the last plan, a mode
/// has failed, or the last plan is old. Pure: the daemon stores and publishes what it returns.
///
/// ```swift
/// // RuntimeHub.ingest, after the runtimes took a batch: the assets assessed in it.
/// for asset in output.assessed {
///     if let health = runtimes[asset]?.planningHealth { replanner.observe(asset: asset, health: health) }
/// }
/// // RuntimeHub.tick(now:):
/// if let schedule = replanner.replanIfNeeded(now: now) {
///     let (plan, proposals) = Replanner.records(schedule)
///     let version = try await store.savePlan(plan, proposals: proposals)
///     publisher?.publishRetained("prognos/\(site)/plan", Replanner.json(schedule, site: site, version: version))
/// }
/// ```
public struct Replanner: Sendable {
    public let plant: Plant
    public var planner: Planner
    /// Seconds between plans at most (windows move on even when health does not).
    public var maximumAge: Double
    /// Seconds between plans at least, however fast the health moves.
    public var minimumInterval: Double
    /// A change of a mode's level (fraction of the way to its limit) or of its deviation (healthy
    /// spreads, divided by 10) larger than this is material.
    public var materialChange: Double
    public private(set) var lastPlan: MaintenanceSchedule?
    /// Actions done lately (tell the planner after an engineer did one).
    public var recentActions: [RecentAction] = []
    /// Assets derated until this epoch time.
    public var deratedUntil: [String: Double] = [:]

    /// Each asset's modes as its runtime last assessed them.
    private var health: [String: [ModeHealth]] = [:]
    private var fingerprintAtPlan: [String: Fingerprint] = [:]
    private var lastPlanTime: Double?

    private struct Fingerprint: Equatable {
        var level: Double
        var deviation: Double
        var failed: Bool
    }

    public init(
        plant: Plant, configuration: PlannerConfiguration = PlannerConfiguration(), maximumAge: Double = 6 * 3600,
        minimumInterval: Double = 60, materialChange: Double = 0.05
    ) {
        self.plant = plant
        planner = Planner(configuration: configuration)
        self.maximumAge = maximumAge
        self.minimumInterval = minimumInterval
        self.materialChange = materialChange
    }

    /// Takes an asset's latest failure-mode health from its runtime.
    public mutating func observe(_ runtime: AssetRuntime) {
        observe(asset: runtime.asset.id, health: runtime.planningHealth)
    }

    /// Takes an asset's latest failure-mode health (`AssetRuntime.planningHealth`).
    public mutating func observe(asset: String, health modes: [ModeHealth]) {
        health[asset] = modes
    }

    /// An engineer reported maintenance done: the planner does not propose it again at once (the
    /// runtime's estimators forget the modes it restored, see `AssetRuntime.renew`).
    public mutating func renewed(asset: String, action: String, at time: Double) {
        recentActions.append(RecentAction(asset: asset, action: action, time: time))
    }

    /// The health of every asset that the planner plans from now.
    public func planningInput(now: Double) -> PlanningInput {
        let assets = plant.assets.compactMap { asset in
            health[asset.id].flatMap { $0.isEmpty ? nil : AssetHealth(asset: asset.id, modes: $0) }
        }
        let derated = Set(deratedUntil.filter { $0.value > now }.map(\.key))
        let recent = recentActions.filter { now - $0.time < planner.configuration.repeatGap }
        return PlanningInput(plant: plant, now: now, assets: assets, derated: derated, recentActions: recent)
    }

    /// A new plan when the health changed materially since the last one, or the last one is older
    /// than `maximumAge`, or there is none (`force`: always); nil otherwise.
    public mutating func replanIfNeeded(now: Double, force: Bool = false) -> MaintenanceSchedule? {
        let fingerprint = currentFingerprint()
        if !force, let last = lastPlanTime {
            let old = now - last >= maximumAge
            let moved = fingerprint.contains { key, value in
                guard let before = fingerprintAtPlan[key] else { return true }
                return value.failed != before.failed || abs(value.level - before.level) > materialChange
                    || abs(value.deviation - before.deviation) / 10 > materialChange
            }
            // A failure is planned for at once, however recent the last plan.
            let failed = fingerprint.contains { key, value in value.failed && fingerprintAtPlan[key]?.failed != true }
            guard failed || (now - last >= minimumInterval && (old || moved)) else { return nil }
        }
        let schedule = planner.plan(planningInput(now: now))
        lastPlan = schedule
        lastPlanTime = now
        fingerprintAtPlan = fingerprint
        recentActions.removeAll { now - $0.time >= planner.configuration.repeatGap }
        return schedule
    }

    private func currentFingerprint() -> [String: Fingerprint] {
        var result: [String: Fingerprint] = [:]
        for (asset, modes) in health {
            for m in modes {
                result[asset + "/" + m.failureMode] = Fingerprint(
                    level: m.level / max(m.limit, 1e-9), deviation: m.deviation, failed: m.failure != nil)
            }
        }
        return result
    }

    /// The plan as store records (`Store.savePlan`); the window of each proposal and its probability
    /// of failure before the window after it are in its reasoning.
    public static func records(_ schedule: MaintenanceSchedule) -> (PlanRecord, [ProposalRecord]) {
        let plan = PlanRecord(
            createdAt: schedule.createdAt, horizonEnd: schedule.horizonEnd, expectedCost: schedule.expectedCost,
            baselineCost: schedule.baselineCost, summary: schedule.summary)
        let proposals = schedule.proposals.map { p in
            ProposalRecord(
                asset: p.asset, failureMode: p.failureMode, action: p.action, windowStart: p.start, windowEnd: p.end,
                crew: "\(p.crew) (\(p.when))", expectedCost: p.expectedCost, expectedCostIgnored: p.expectedCostIgnored,
                failureProbability: p.failureProbabilityBefore, failureProbabilityIgnored: p.failureProbabilityIgnored,
                reasoning: p.reasoning)
        }
        return (plan, proposals)
    }

    /// The retained plan document for `prognos/<site>/plan` (see `MaintenanceSchedule.json`).
    public static func json(_ schedule: MaintenanceSchedule, site: String, version: Int64?) -> String {
        schedule.json(site: site, version: version)
    }
}
