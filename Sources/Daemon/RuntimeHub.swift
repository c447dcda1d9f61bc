import Foundation
import Logging
import Planner
import PlantRuntime
import PrognosCore
import Store
import Telemetry
import WorldModel

/// Owns every asset's runtime: routes readings to them, runs their periodic checks, and hands
/// their output to the batch writer, the alarm writer and the refit worker.
/// Public for the benchmarks (the daemon's hot path); the daemon is its only other user.
public actor RuntimeHub {
    /// In asset-id order (what the runtimes emit comes out in the same order in every run).
    private var runtimes: IndexedValues<AssetRuntime>
    private let writer: BatchWriter
    private let alarmWriter: AlarmWriter
    private let store: Store
    private let logger: Logger
    private var refitting: Set<String> = []
    private var replanner: Replanner
    private let site: String
    private let publishPlan: @Sendable (String) -> Void
    /// Fit on this actor, before the next reading, instead of beside the scoring: in turns with a
    /// simulator (`Lockstep`) a new model must arrive at the same step in every run.
    var fitsInline = false
    /// Readings taken in, by asset and quality (`ingested` is their total).
    public private(set) var tally = ReadingTally()
    public var ingested: Int { tally.total }
    /// When the last good reading arrived, on the steady clock (`/readyz`: is the daemon collecting?).
    private(set) var lastGoodReading: Double?
    private(set) var lagEstimate: Double?
    /// Told how long each asset's ingest took when its model stepped (the metrics' step time); nil:
    /// nobody asks, and the clock is not read.
    private var stepObserver: (@Sendable (Duration) -> Void)?

    public func observeSteps(_ observer: @escaping @Sendable (Duration) -> Void) { stepObserver = observer }

    public init(
        runtimes: [AssetRuntime], plant: Plant, writer: BatchWriter, alarmWriter: AlarmWriter, store: Store,
        logger: Logger,
        publishPlan: @escaping @Sendable (String) -> Void
    ) {
        self.runtimes = Self.byID(runtimes)
        replanner = Replanner(plant: plant, configuration: runtimes.first?.configuration.planning ?? .init())
        site = plant.site.id
        self.publishPlan = publishPlan
        self.writer = writer
        self.alarmWriter = alarmWriter
        self.store = store
        self.logger = logger
    }

    var assetIDs: [String] { runtimes.all.map(\.asset.id) }

    private static func byID(_ runtimes: [AssetRuntime]) -> IndexedValues<AssetRuntime> {
        IndexedValues(runtimes.sorted { $0.asset.id < $1.asset.id }, id: \.asset.id)
    }

    func fitInline() { fitsInline = true }

    /// Readings from the collectors: stored raw, then fed to their assets' runtimes.
    /// `now`: the plant's time (the ingest lag); `steady`: the same moment on the daemon's steady clock.
    public func ingest(_ readings: [Reading], now: Double, steady: Double? = nil) {
        let hubStarted = AlarmStages.now
        writer.append(readings)
        let newest = readings.lazy.map(\.timestamp).max()
        if let newest {
            let lag = max(0, now - newest)
            lagEstimate = lagEstimate.map { $0 + 0.1 * (lag - $0) } ?? lag
        }
        var output = RuntimeOutput()
        var submitted = 0
        // An alarm change leaves at once, not after the rest of the batch (a PLC's batch holds a
        // hundred pumps): the alarm writer commits it while the hub goes on.
        func submitAlarmChanges() {
            while submitted < output.alarmUpdates.count {
                alarmWriter.submit(output.alarmUpdates[submitted], polled: newest, hubStarted: hubStarted)
                submitted += 1
            }
        }
        // In asset order, so that what the runtimes emit comes out in the same order in every run.
        let groups = readings.groupedByAsset()
        // Every asset's readings and limit alarms first, the models' steps after: a limit alarm
        // waits for recording a batch, not for stepping the models of the pumps before it.
        var toAdvance: [(position: Int, readings: [Reading], recorded: AssetRuntime.Recorded?)] = []
        toAdvance.reserveCapacity(groups.count)
        for (asset, group) in groups {
            if tally.count(group, asset: asset) > 0 { lastGoodReading = steady ?? now }
            guard let i = runtimes.position(of: asset) else { continue }
            toAdvance.append((i, group, runtimes[i].record(group, receivedAt: steady, into: &output)))
        }
        submitAlarmChanges()
        for (i, group, recorded) in toAdvance {
            if let stepObserver {
                let steps = runtimes[i].steps
                let started = ContinuousClock.now
                runtimes[i].advance(after: group, recorded: recorded, receivedAt: steady, into: &output)
                if runtimes[i].steps != steps { stepObserver(ContinuousClock.now - started) }
            } else {
                runtimes[i].advance(after: group, recorded: recorded, receivedAt: steady, into: &output)
            }
            submitAlarmChanges()
        }
        output.alarmUpdates.removeAll()
        // Health changes only at an assessment: the planner is told then (copying a runtime out of
        // the dictionary after every batch cost a retain and a release of each of its fields).
        for asset in output.assessed {
            if let i = runtimes.position(of: asset) {
                replanner.observe(asset: asset, health: runtimes[i].planningHealth)
            }
        }
        dispatch(output)
    }

    /// Re-plans when health changed materially (or the last plan is old); stores and publishes the plan.
    func replanIfNeeded(now: Double) async {
        guard let schedule = replanner.replanIfNeeded(now: now) else { return }
        let (plan, proposals) = Replanner.records(schedule)
        do {
            let version = try await store.savePlan(plan, proposals: proposals)
            publishPlan(Replanner.json(schedule, site: site, version: version))
        } catch {
            logger.warning(
                "Cannot store the maintenance plan; it is made again at the next change",
                metadata: ["error": "\(error)"])
        }
    }

    /// Communication alarms, shelve expiries and snapshots: alarm times on the wall clock, silence
    /// and snapshot spacing on the steady clock.
    func tick(now: Double, steady: Double? = nil) {
        var output = RuntimeOutput()
        for i in 0..<runtimes.count { runtimes[i].tick(now: now, steady: steady, into: &output) }
        dispatch(output)
    }

    /// `rebaselined`: assets whose snapshot lacks an operator's re-baseline (`pendingRebaselines`);
    /// it is taken once the machine has settled.
    func restore(snapshots: [String: [UInt8]], alarms: [AlarmRecord], rebaselined: Set<String> = []) {
        let byAsset = Dictionary(grouping: alarms, by: \.asset)
        for i in 0..<runtimes.count {
            let id = runtimes[i].asset.id
            if let bytes = snapshots[id] {
                do {
                    try runtimes[i].restore(model: bytes)
                    logger.info("Restored the world model from its snapshot", metadata: ["asset.id": "\(id)"])
                    if rebaselined.contains(id) {
                        runtimes[i].rebaselineOnceSettled()
                        logger.info(
                            "Re-baseline recorded while stopped; adopted once the machine has settled",
                            metadata: ["asset.id": "\(id)"])
                    }
                } catch {
                    logger.warning(
                        "Cannot use the model snapshot; learning again",
                        metadata: ["asset.id": "\(id)", "error": "\(error)"])
                }
            }
            runtimes[i].restore(alarms: byAsset[id] ?? [])
        }
    }

    /// A changed plant file (SIGHUP): assets it keeps are reconfigured (alarm states and models kept),
    /// new ones start, removed ones stop; returns the asset ids added and removed.
    func adopt(plant: Plant, configuration: RuntimeConfiguration, now: Double) -> (added: [String], removed: [String]) {
        let removed = Set(assetIDs).subtracting(plant.assets.map(\.id)).sorted()
        var added: [String] = []
        var next: [AssetRuntime] = []
        for asset in plant.assets {
            if let runtime = runtimes[asset.id] {
                next.append(runtime.reconfigured(as: asset, configuration: configuration))
            } else {
                next.append(AssetRuntime(asset: asset, site: site, configuration: configuration, now: now))
                added.append(asset.id)
            }
        }
        runtimes = Self.byID(next)
        replanner = Replanner(plant: plant, configuration: configuration.planning)
        for runtime in runtimes.all { replanner.observe(runtime) }
        return (added, removed)
    }

    func adoptOperatorCommand(_ alarm: AlarmRecord, now: Double) {
        runtimes.update(alarm.asset) { $0.adoptOperatorCommand(alarm, at: now) }
    }

    /// Maintenance an engineer reported as done: the planner learns of it (it is not proposed again
    /// at once), the modes it restored start their trends again and are no longer failed, the modes
    /// it slowed keep their trends and know the slowing; with
    /// `renewModel`, the asset's world model also forgets its wear (not at start-up, when its
    /// snapshot may be newer).
    func adoptMaintenance(_ record: MaintenanceRecord, renewModel: Bool) {
        guard let action = replanner.plant.action(record.action), replanner.plant.asset(record.asset) != nil else {
            logger.warning(
                "Maintenance on an asset or with an action the plant does not have; ignored",
                metadata: ["asset.id": "\(record.asset)", "action": "\(record.action)"])
            return
        }
        replanner.renewed(asset: record.asset, action: record.action, at: record.doneAt)
        runtimes.update(record.asset) { $0.maintained(by: action, at: record.doneAt, resetModel: renewModel) }
        if let runtime = runtimes[record.asset] { replanner.observe(runtime) }
        logger.info(
            "Maintenance adopted",
            metadata: ["asset.id": "\(record.asset)", "action": "\(record.action)", "by": "\(record.recordedBy)"])
    }

    /// An operator's re-baseline (`prognos model rebaseline`): the asset's model takes its present
    /// state as the new normal and learns it again (see `AssetRuntime.rebaseline`).
    func adoptRebaseline(_ record: RebaselineRecord) {
        guard runtimes.position(of: record.asset) != nil else {
            logger.warning(
                "Re-baseline of an asset the plant does not have; ignored", metadata: ["asset.id": "\(record.asset)"])
            return
        }
        runtimes.update(record.asset) { $0.rebaseline() }
        logger.info("Re-baseline adopted", metadata: ["asset.id": "\(record.asset)", "by": "\(record.recordedBy)"])
    }

    func summaries(now: Double) -> [AssetSummary] { runtimes.all.map { $0.summary(at: now) } }

    func snapshots() -> [(String, [UInt8])] {
        runtimes.all.compactMap { runtime in runtime.snapshot().map { (runtime.asset.id, $0) } }
    }

    func activeAlarmCount() -> Int { runtimes.all.reduce(0) { $0 + $1.annunciatedAlarms.count } }

    /// The annunciated alarms (those `activeAlarmCount` counts) by state and priority.
    public func alarmCounts() -> [DaemonSample.AlarmCount] {
        var counts: [AlarmState: [AlarmPriority: Int]] = [:]
        for runtime in runtimes.all {
            for alarm in runtime.annunciatedAlarms {
                counts[alarm.state, default: [:]][alarm.priority, default: 0] += 1
            }
        }
        return counts.flatMap { state, byPriority in
            byPriority.map { DaemonSample.AlarmCount(state: state, priority: $0.key, count: $0.value) }
        }
    }

    private func adopt(_ model: AssetModel, for asset: String) {
        refitting.remove(asset)
        runtimes.update(asset) { $0.adopt(refitted: model) }
        logger.info("World model fitted", metadata: ["asset.id": "\(asset)"])
    }

    private func refitFailed(_ asset: String, _ error: any Error) {
        refitting.remove(asset)
        logger.error(
            "World model fit failed; scoring goes on with the previous model",
            metadata: ["asset.id": "\(asset)", "error": "\(error)"])
    }

    private func dispatch(_ output: RuntimeOutput) {
        if !output.batch.isEmpty { writer.append(output.batch) }
        for update in output.alarmUpdates { alarmWriter.submit(update) }
        for (asset, bytes) in output.snapshots {
            let store = self.store
            let logger = self.logger
            Task {
                do {
                    _ = try await store.saveSnapshot(
                        asset: asset, format: AssetModel.snapshotFormat, bytes: Data(bytes),
                        at: Date().timeIntervalSince1970)
                } catch {
                    logger.warning(
                        "Cannot save the model snapshot; will retry",
                        metadata: ["asset.id": "\(asset)", "error": "\(error)"])
                }
            }
        }
        for request in output.refits where !refitting.contains(request.asset) {
            refitting.insert(request.asset)
            if fitsInline {
                do {
                    adopt(try AssetRuntime.fit(request), for: request.asset)
                } catch {
                    refitFailed(request.asset, error)
                }
                continue
            }
            // Fitting is pure and may take a while: it runs off this actor, scoring goes on meanwhile.
            Task.detached(priority: .utility) { [weak self] in
                do {
                    let model = try AssetRuntime.fit(request)
                    await self?.adopt(model, for: request.asset)
                } catch {
                    await self?.refitFailed(request.asset, error)
                }
            }
        }
    }
}
