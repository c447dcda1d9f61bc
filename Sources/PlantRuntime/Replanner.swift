import Planner
import PrognosCore
import WorldModel

/// What the daemon calls to re-plan: it follows every failure mode's health from the runtimes
/// (a `DegradationTracker` per mode, fed with the world model's deviation of the limit sensor and
/// the raw readings of that sensor), and re-plans with the `Planner` when the health has changed
/// materially since the last plan, or when the last plan is old. Pure: the daemon stores and
/// publishes what it returns.
///
/// ```swift
/// // RuntimeHub.ingest, after the runtimes took a batch:
/// for (asset, group) in Dictionary(grouping: readings, by: \.asset) {
///     if let runtime = runtimes[asset] { replanner.observe(runtime, readings: group) }
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
    /// A change of a mode's peak (fraction of the way to its limit) or of its deviation (healthy
    /// spreads, divided by 10) larger than this is material.
    public var materialChange: Double
    public private(set) var lastPlan: MaintenanceSchedule?
    /// Actions done lately (tell the planner after an engineer did one).
    public var recentActions: [RecentAction] = []
    /// Assets derated until this epoch time.
    public var deratedUntil: [String: Double] = [:]

    private var trackers: [String: DegradationTracker] = [:]
    /// The same in quarter-hour bins, for faults that run to failure within hours or days, before the
    /// daily bins have two days to show (planned from only while the daily tracker has no estimate).
    private var fastTrackers: [String: DegradationTracker] = [:]
    /// The world model's latest view of each mode (asset/mode): its RUL projection and evidence.
    private var views: [String: ModelView] = [:]
    private var fingerprintAtPlan: [String: (Double, Double)] = [:]
    private var lastPlanTime: Double?

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

    /// Takes an asset's latest health from its runtime and the readings it has just ingested.
    public mutating func observe(_ runtime: AssetRuntime, readings: [Reading]) {
        guard let model = runtime.model, let latest = runtime.latest else { return }
        let asset = runtime.asset
        for mode in asset.failureModes {
            guard let j = model.sensorNames.firstIndex(of: mode.limit.sensor), j < latest.health.sensorLevels.count
            else { continue }
            let sign: Double = mode.limit.direction == .above ? 1 : -1
            let values = readings.filter { $0.sensor == mode.limit.sensor && $0.quality == .good }.compactMap(\.value)
                .filter(\.isFinite)
            guard let time = readings.map(\.timestamp).max() else { continue }
            let spread = model.healthySpread[j]
            let deviation = sign * latest.health.sensorLevels[j]
            var gap: Double?
            var fraction: Double?
            if let worst = values.map({ sign * $0 }).max() {
                if spread > 0 { gap = deviation + (sign * mode.limit.value - worst) / spread }
                let limit = sign * mode.limit.value
                let sensor = asset.sensors.first { $0.id == mode.limit.sensor }
                let reference = sensor?.normal.map { sign > 0 ? $0.upperBound : -$0.lowerBound } ?? (limit - 1)
                if limit > reference { fraction = (worst - reference) / (limit - reference) }
            }
            trackers[key(asset.id, mode.id), default: DegradationTracker()].observe(
                time: time, deviation: deviation, gap: gap, fraction: fraction)
            fastTrackers[key(asset.id, mode.id), default: Self.fastTracker()].observe(
                time: time, deviation: deviation, gap: gap, fraction: fraction)
            views[key(asset.id, mode.id)] = ModelView(
                rul: runtime.latestRUL[mode.id], suspectSensor: runtime.diagnosis == .sensorFault(mode.limit.sensor),
                evidence: evidence(runtime, model: model, latest: latest, mode: mode, readings: readings))
        }
    }

    /// How far each of the mode's sensors is from normal, for the proposal's reasoning.
    private func evidence(
        _ runtime: AssetRuntime, model: AssetModel, latest: StepResult, mode: FailureMode, readings: [Reading]
    ) -> [SensorEvidence] {
        let names = [mode.limit.sensor] + mode.sensors.filter { $0 != mode.limit.sensor }
        return names.compactMap { name in
            guard let j = model.sensorNames.firstIndex(of: name), j < latest.health.sensorLevels.count else {
                return nil
            }
            let value = readings.last { $0.sensor == name && $0.quality == .good }?.value
            let unit = runtime.asset.sensors.first { $0.id == name }?.unit ?? ""
            let perDay =
                j < latest.health.sensorTrends.count
                ? latest.health.sensorTrends[j] / max(runtime.stepSpacing, 1e-9) * 86_400 : 0
            return SensorEvidence(
                sensor: name, unit: unit, value: value, deviation: latest.health.sensorLevels[j], trendPerDay: perDay)
        }
    }

    /// A maintenance action restored these modes (an engineer reported it): their history is forgotten.
    public mutating func renewed(asset: String, modes: [String], action: String, at time: Double) {
        for mode in modes {
            trackers[key(asset, mode)]?.reset()
            fastTrackers[key(asset, mode)]?.reset()
            views[key(asset, mode)] = nil
        }
        recentActions.append(RecentAction(asset: asset, action: action, time: time))
    }

    /// The health of every asset that the planner plans from now.
    public func planningInput(now: Double) -> PlanningInput {
        var assets: [AssetHealth] = []
        for asset in plant.assets {
            var modes: [ModeHealth] = []
            for mode in asset.failureModes {
                let key = key(asset.id, mode.id)
                let view = views[key]
                // A deviation put down to the instrument is a job for the instrument technician,
                // not a maintenance action on the machine.
                if view?.suspectSensor == true { continue }
                guard let estimate = trackers[key]?.estimate() ?? fastTrackers[key]?.estimate() else { continue }
                modes.append(
                    ModeHealth(
                        failureMode: mode.id, level: estimate.level, levelSD: estimate.levelSD, trend: estimate.trend,
                        trendSD: estimate.trendSD, limit: estimate.limit, deviation: estimate.deviation,
                        deviationLimit: estimate.deviationLimit,
                        peakFraction: estimate.peak, growthOffset: estimate.offset, rul: view?.rul,
                        evidence: view?.evidence ?? []))
            }
            if !modes.isEmpty { assets.append(AssetHealth(asset: asset.id, modes: modes)) }
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
            guard now - last >= minimumInterval else { return nil }
            let old = now - last >= maximumAge
            let moved = fingerprint.contains { key, value in
                guard let before = fingerprintAtPlan[key] else { return true }
                return abs(value.0 - before.0) > materialChange || abs(value.1 - before.1) / 10 > materialChange
            }
            guard old || moved else { return nil }
        }
        let schedule = planner.plan(planningInput(now: now))
        lastPlan = schedule
        lastPlanTime = now
        fingerprintAtPlan = fingerprint
        recentActions.removeAll { now - $0.time >= planner.configuration.repeatGap }
        return schedule
    }

    private func currentFingerprint() -> [String: (Double, Double)] {
        var result: [String: (Double, Double)] = [:]
        for (key, tracker) in trackers {
            if let e = tracker.estimate() ?? fastTrackers[key]?.estimate() {
                result[key] = (e.level / max(e.limit, 1e-9), e.deviation)
            }
        }
        return result
    }

    static func fastTracker() -> DegradationTracker {
        DegradationTracker(binSeconds: 900, memory: 2 * 86_400, fitWindow: 12 * 3600)
    }

    private func key(_ asset: String, _ mode: String) -> String { asset + "/" + mode }

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
