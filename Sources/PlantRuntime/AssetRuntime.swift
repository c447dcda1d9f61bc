import LinearAlgebra
import Planner
import PrognosCore
import WorldModel

/// What one asset's runtime concluded from a batch of readings: records to write in the next
/// batch, alarm changes to write at once, and model work for the daemon to do off the hot path.
public struct RuntimeOutput: Sendable {
    public var batch = StoreBatch()
    public var alarmUpdates: [AlarmUpdate] = []
    /// A model to snapshot (asset, serialized bytes).
    public var snapshots: [(asset: String, bytes: [UInt8])] = []
    /// Refits to run elsewhere: a copy of the model and the healthy history to refit it on.
    public var refits: [RefitRequest] = []
    /// Assets whose failure modes were assessed (their `planningHealth` changed, or may have).
    public var assessed: [String] = []
    public init() {}
}

public struct RefitRequest: Sendable {
    public var asset: String
    public var model: AssetModel?
    public var names: (sensors: [String], context: [String])
    /// The rows to fit on, oldest first, with their contiguous runs.
    public var history: HistoryRing
}

/// One asset's runtime: the latest value of each signal, its world model, its alarms.
///
/// Pure: it takes readings and times and returns records; the daemon does the I/O. Scoring steps
/// at most every `stepInterval` seconds of the readings' clock, from the latest good value of each
/// signal; a step is skipped (never fed to the model) while any signal has no good value fresher
/// than `staleAfter`, so missing and bad data never corrupt the model. Until a model exists, the
/// first `trainingSteps` complete rows are collected as healthy history and the model is fitted on
/// them. Steps of an active deviation alarm are never kept as healthy history for refits.
///
/// Each failure mode has one `ModeEstimator`, fed on every batch; every `assessEvery` seconds its
/// health becomes the mode's `ModeOutlook` (through the planner's gate and draws), the one estimate
/// that the health table, the RUL and failure alarms, the MQTT state and the plan share.
public struct AssetRuntime: Sendable {
    public private(set) var asset: Asset
    public let site: String
    public let configuration: RuntimeConfiguration
    private var table: SignalTable
    private let sensorCount: Int
    private(set) var alarms: AlarmBook
    /// Each signal's group of limit points in `alarms` (by its place in `table`), nil without a limit.
    private let limitGroupOfSignal: [Int?]
    public private(set) var model: AssetModel?
    /// Rows collected for the first fit (nil once it is asked for, until there is no model again).
    private var training: HistoryRing?
    /// Healthy rows kept for refits (decimated, see `HistoryRing`).
    private var healthy: HistoryRing
    /// When the model last stepped, on the cadence clock (see `ingest`).
    private var lastStep: Double?
    private var lastSnapshot: Double?
    /// Mean seconds between steps (converts RUL in steps to seconds).
    private(set) var stepSpacing: Double
    public private(set) var steps = 0
    public private(set) var skippedSteps = 0
    /// Steps not taken because the machine stood still.
    public private(set) var stoppedSteps = 0
    public private(set) var latest: StepResult?
    /// The values a step scores (sensors, context), kept to be refilled: one allocation per asset.
    private var sensorValues: [Double] = []
    private var contextValues: [Double] = []
    /// Per failure mode (in the plant file's order): its estimator, and its latest health and outlook.
    private var estimators: [ModeEstimator]
    public private(set) var latestHealth: [String: ModeHealth] = [:]
    public private(set) var latestOutlook: [String: ModeOutlook] = [:]
    /// Per failure mode (as `estimators`): the last health row stored (see `shouldStore`).
    private var storedHealth: [HealthRecord?]
    /// The unflagged deviation rows' window (the write rule, see `DeviationRows`).
    private var deviationRows: DeviationRows
    private let planner: Planner
    /// Assess at the end of this batch: a step came `assessEvery` after the last assessment, or
    /// maintenance changed a mode (then running or not).
    private var assessmentDue = false
    private var lastAssessment: Double?
    /// Alarms whose cause reported maintenance removed, to clear at the next batch.
    private var clearsDue: [String] = []
    /// Sensors (model indices) to re-baseline once the machine has run `settleStepsAfterMaintenance`
    /// steps after reported maintenance, and the running steps counted so far; `nil` sensors: an
    /// operator's re-baseline of the whole asset (`rebaselineOnceSettled`).
    private var rebaselineDue: (sensors: [Int]?, steps: Int)?
    /// An operator re-baselined the asset (`rebaseline()`): every running step is offered to this
    /// history and to the healthy one (each decimated as it is sized), until `relearnStepsInEffect`
    /// of them refit the model on the new normal; nil otherwise.
    private var relearning: HistoryRing?
    /// When this runtime started listening (readings' clock), for the communication alarm's grace.
    private let startedAt: Double
    /// Positions (in the signal table) of the context signals that say whether the machine runs —
    /// its speed or load, or a boolean (unit `bool`) running signal — and the value at or below which
    /// each says stopped: 2 % of the top of a speed's or load's normal range (standstill noise still
    /// reads as stopped), zero otherwise.
    private let runIndicators: [(index: Int, stoppedAtOrBelow: Double)]
    /// Steps since the machine last started (or since this runtime started): a stop after them is a trip.
    private var stepsRunning = 0
    /// The start-up transient since the machine last started or its data came back after a gap.
    private var transient: StartTransient

    public init(asset: Asset, site: String, configuration: RuntimeConfiguration, now: Double) {
        self.asset = asset
        self.site = site
        self.configuration = configuration
        transient = StartTransient(
            settleSteps: configuration.restartSettleSteps, window: configuration.startTransientWindow)
        let signals = asset.modelledSensors + asset.context
        table = SignalTable(
            ids: signals.map(\.id), silenceAllowed: signals.map { configuration.silenceAllowed(for: $0.source) })
        sensorCount = asset.modelledSensors.count
        alarms = AlarmBook(site: site, asset: asset, configuration: configuration, now: now)
        limitGroupOfSignal = table.ids.map(alarms.limitGroup(of:))
        // At least `trainingSteps` rows, which a refit needs (at hourly steps a week is 168).
        healthy = configuration.history(
            width: table.ids.count,
            spanning: max(configuration.steps(in: configuration.historySpan), configuration.trainingSteps, 1))
        stepSpacing = configuration.stepInterval
        startedAt = now
        runIndicators = asset.context.enumerated()
            .filter { $0.element.role == .speed || $0.element.role == .load || $0.element.unit == "bool" }
            .map {
                (
                    asset.modelledSensors.count + $0.offset,
                    $0.element.unit == "bool" ? 0 : 0.02 * max(0, $0.element.normal?.upperBound ?? 0)
                )
            }
        estimators = asset.failureModes.map { mode in
            ModeEstimator(
                mode: mode, sensor: asset.sensors.first { $0.id == mode.limit.sensor },
                failureOnDelay: configuration.limitOnDelay)
        }
        planner = Planner(configuration: configuration.planning)
        storedHealth = Array(repeating: nil, count: asset.failureModes.count)
        deviationRows = DeviationRows(every: configuration.unflaggedDeviationEvery)
    }

    // MARK: Restoring

    /// Continues from a model snapshot (persistent memory): no relearning from scratch.
    public mutating func restore(model bytes: [UInt8]) throws {
        let restored = try AssetModel(serialized: bytes)
        guard restored.sensorNames == asset.modelledSensors.map(\.id), restored.contextNames == asset.context.map(\.id)
        else {
            throw WorldModelError("the snapshot of \(asset.id) has other signals than the plant file; relearning")
        }
        model = restored
        // The snapshot just restored is the newest: the next is due a `snapshotEvery` after it, at a
        // phase of the interval of the asset's own. Restored together, a thousand assets serialized
        // their models in one tick and queued a thousand FULL-sync writes, and an alarm raised then
        // waited behind them (docs/performance.md).
        let phase = Double(StableHash.fnv1a(asset.id.utf8) % 1024) / 1024
        lastSnapshot = startedAt - phase * configuration.snapshotEvery
    }

    /// Takes the alarm states of an earlier run; a failure alarm still active means its mode is still
    /// failed (nothing has restored it since).
    public mutating func restore(alarms stored: [AlarmRecord]) {
        alarms.restore(stored)
        for k in estimators.indices {
            let id = AlarmBook.failureID(asset.id, estimators[k].mode.id)
            if let alarm = alarms.alarms[id], alarm.active {
                estimators[k].restoreFailure(
                    ModeFailure(time: alarm.raisedAt ?? alarm.updatedAt, reason: alarm.message))
            }
        }
    }

    /// An operator changed an alarm in another process (`prognos alarms`, the dashboard).
    public mutating func adoptOperatorCommand(_ alarm: AlarmRecord, at time: Double) {
        alarms.adoptOperatorCommand(alarm, at: time)
    }

    /// Maintenance `action` done at `time`, as an engineer reports it: the modes it restores are
    /// renewed (`renew`), those it slows know the slowing (`slowed`); a derating changes nothing here.
    public mutating func maintained(by action: MaintenanceAction, at time: Double, resetModel: Bool) {
        switch action.effect {
        case .resets(let modes): renew(modes: modes, at: time, resetModel: resetModel)
        case .slows(let modes, let factor): slowed(modes: modes, by: factor)
        case .derates: break
        }
    }

    /// A slowing action of `factor` was done on `modes` (regreasing, an oil change): their
    /// estimators keep their history and know the slowing, so the planner does not propose one that
    /// would do nothing more (`MaintenanceAction.slowed`).
    public mutating func slowed(modes: [String], by factor: Double) {
        for k in estimators.indices where modes.contains(estimators[k].mode.id) {
            estimators[k].slowed(by: factor)
            assessmentDue = true
        }
    }

    /// Maintenance done at `time` restored `modes`: their estimators forget the wear they followed and
    /// a failure before `time`; with `resetModel` (not at start-up, when the model's snapshot may be
    /// newer), the model forgets what it followed of the restored modes' sensors, keeps the rest, and
    /// takes their new normal once the machine has run `settleStepsAfterMaintenance` steps.
    public mutating func renew(modes: [String], at time: Double, resetModel: Bool) {
        for k in estimators.indices where modes.contains(estimators[k].mode.id) {
            if let failure = estimators[k].failure, failure.time > time { continue }
            estimators[k].reset(at: time)
            latestHealth[estimators[k].mode.id] = nil
            latestOutlook[estimators[k].mode.id] = nil
            assessmentDue = true
        }
        if resetModel, !modes.isEmpty {
            let restored = asset.failureModes.filter { modes.contains($0.id) }.flatMap(\.sensors)
            let sensors = (model?.sensorNames.indices ?? 0..<0).filter { restored.contains(model!.sensorNames[$0]) }
            model?.renew(sensors: sensors)
            rebaselineDue = (sensors, 0)
            // A deviation driven only by the restored modes' sensors is over with the repair.
            let deviation = AlarmBook.deviationID(asset.id)
            if let alarm = alarms.alarms[deviation], alarm.active, !alarm.sensors.isEmpty,
                alarm.sensors.allSatisfy(restored.contains)
            {
                clearsDue.append(deviation)
            }
        }
    }

    /// An operator confirmed the machine's present state as its new normal (`prognos model
    /// rebaseline`): the model takes where the sensors have been lately as its baseline at once (an
    /// active deviation alarm clears at the next batch), the healthy history of the old normal is
    /// forgotten, and the model is refitted — reference and thresholds — on the running steps of the
    /// next `relearnSpan` (see `RuntimeConfiguration.relearnStepsInEffect`), flagged or not (the
    /// operator vouched for them); the periodic refits wait for it. The failure modes' estimators
    /// keep their health. Without a model yet, the rows collected for the first fit start again.
    public mutating func rebaseline() {
        guard model != nil else {
            training = nil
            return
        }
        model?.rebaseline()
        relearnNormal()
    }

    /// The same re-baseline, once the machine has settled after a start and run
    /// `settleStepsAfterMaintenance` steps: for one recorded while the daemon was stopped, when
    /// what the model remembers of "lately" is from before the stop, not the present state.
    public mutating func rebaselineOnceSettled() {
        // Without a model there is no "lately" to wait out: the rows collected start again now.
        guard model != nil else { return rebaseline() }
        rebaselineDue = (nil, 0)
    }

    /// The runtime's side of an operator's re-baseline, after the model's.
    private mutating func relearnNormal() {
        rebaselineDue = nil
        healthy.removeAll()
        relearning = configuration.history(width: table.ids.count, spanning: configuration.relearnStepsInEffect)
        if alarms.alarms[alarms.deviationID]?.active == true { clearsDue.append(alarms.deviationID) }
    }

    /// The same asset as a changed plant file describes it (SIGHUP): new limits, names, failure
    /// modes or signals. Every alarm the new description still has keeps its state; the model, its
    /// history and the latest values are kept when the modelled and context signals are the same
    /// (otherwise the model cannot read the new rows: it is learnt again).
    /// `configuration` (default: this one's) brings the new file's poll intervals.
    public func reconfigured(as changed: Asset, configuration: RuntimeConfiguration? = nil) -> AssetRuntime {
        var fresh = AssetRuntime(
            asset: changed, site: site, configuration: configuration ?? self.configuration, now: startedAt)
        fresh.alarms.restore(Array(alarms.alarms.all))
        fresh.alarms.diagnoses = alarms.diagnoses
        guard fresh.table.ids == table.ids, fresh.sensorCount == sensorCount else { return fresh }
        let silenceAllowed = fresh.table.silenceAllowed
        fresh.table = table
        fresh.table.silenceAllowed = silenceAllowed
        fresh.model = model
        fresh.training = training
        fresh.healthy = healthy
        fresh.relearning = relearning
        fresh.lastStep = lastStep
        fresh.lastSnapshot = lastSnapshot
        fresh.stepSpacing = stepSpacing
        fresh.steps = steps
        fresh.skippedSteps = skippedSteps
        fresh.latest = latest
        for k in fresh.estimators.indices {
            if let kept = estimators.first(where: { $0.mode == fresh.estimators[k].mode }) {
                fresh.estimators[k] = kept
            }
        }
        fresh.latestHealth = latestHealth.filter { id, _ in changed.failureModes.contains { $0.id == id } }
        fresh.latestOutlook = latestOutlook.filter { id, _ in changed.failureModes.contains { $0.id == id } }
        return fresh
    }

    /// Takes a model refitted elsewhere (see `RuntimeOutput.refits`).
    public mutating func adopt(refitted: AssetModel) { model = refitted }

    // MARK: Ingesting

    /// Takes readings of this asset; limit alarms are evaluated on every good value, the model
    /// steps when `stepInterval` has passed and a modelled sensor's reading came. The same as
    /// `record` and then `advance`.
    ///
    /// - Parameter receivedAt: when the readings arrived on the daemon's steady clock (wall time at
    ///   start plus monotonic time since; see `SteadyClock`). Step cadence and silence are measured
    ///   on it, so a step of the wall clock neither stops the model for an hour (backwards) nor
    ///   reads as an hour of silence (forwards). Nil: the readings' own clock (tests, replays).
    public mutating func ingest(_ readings: [Reading], receivedAt: Double? = nil, into output: inout RuntimeOutput) {
        let recorded = record(readings, receivedAt: receivedAt, into: &output)
        advance(after: readings, recorded: recorded, receivedAt: receivedAt, into: &output)
    }

    /// What `record` took from a batch of readings.
    public struct Recorded: Sendable, Equatable {
        /// The time of the newest reading recorded.
        public var newest: Double
        /// Whether a modelled sensor's reading was among them. A batch of context alone (an ambient
        /// temperature that one MQTT message brings to every pump of a site) gives the model
        /// nothing new to step on: stepping on it scored the sensors' last values a second time,
        /// and made the hub step every asset of the site in one call.
        public var sensors: Bool
    }

    /// The first half of `ingest`: records the readings and evaluates limit alarms on every good
    /// value. Nil: no reading of this asset's signals was recorded. The daemon's hub records a
    /// PLC's whole batch before any model steps, so that a limit alarm does not wait for the models
    /// of the hundred pumps beside it.
    public mutating func record(
        _ readings: [Reading], receivedAt: Double? = nil, into output: inout RuntimeOutput
    ) -> Recorded? {
        var newest = -Double.infinity
        // An asset without modelled sensors steps on whatever comes, as before.
        var sensors = sensorCount == 0
        // Each reading's limit group, found with its place in the table (one lookup by name per
        // reading), kept on the stack until the machine's state after the whole batch is known.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: readings.count) { groups in
            for (n, reading) in readings.enumerated() {
                guard let i = table.record(reading, receivedAt: receivedAt) else {
                    groups[n] = alarms.limitGroup(of: reading.sensor) ?? -1
                    continue
                }
                groups[n] = limitGroupOfSignal[i] ?? -1
                newest = max(newest, reading.timestamp)
                if i < sensorCount { sensors = true }
            }
            // State-based suppression (ISA-18.2 designed suppression): a stopped machine's low flow or
            // pressure is its normal state, not an abnormal one.
            let stopped = isStopped
            for (n, reading) in readings.enumerated() where groups[n] >= 0 && reading.quality == .good {
                guard let value = reading.value, value.isFinite else { continue }
                alarms.evaluateLimits(
                    group: groups[n], value: value, at: reading.timestamp, machineStopped: stopped,
                    into: &output.alarmUpdates)
            }
            return newest.isFinite ? Recorded(newest: newest, sensors: sensors) : nil
        }
    }

    /// The second half of `ingest`, for the readings `record` took: the model steps when
    /// `stepInterval` has passed and a modelled sensor's reading came, and the failure modes
    /// observe the readings.
    public mutating func advance(
        after readings: [Reading], recorded: Recorded?, receivedAt: Double? = nil, into output: inout RuntimeOutput
    ) {
        guard let recorded else { return }
        let cadence = receivedAt ?? recorded.newest
        if recorded.sensors, lastStep.map({ cadence - $0 >= configuration.stepInterval }) ?? true {
            step(at: recorded.newest, cadence: cadence, into: &output)
        }
        // Context alone brings the failure modes nothing new either (their limit sensors' values and
        // the model's deviations are unchanged): observing it fed the trackers the last deviation
        // again, and the hub took every pump of a site through its modes in one call.
        guard recorded.sensors || readings.contains(where: { isLimitSensor($0.sensor) }) else { return }
        observeModes(readings, at: readings.lazy.map(\.timestamp).max() ?? recorded.newest, into: &output)
    }

    private func isLimitSensor(_ sensor: String) -> Bool {
        estimators.contains { $0.mode.limit.sensor == sensor }
    }

    /// Feeds every failure mode's estimator with this batch: the limit sensor's good values and the
    /// model's filtered deviation of it. A mode that has just failed is assessed at once.
    private mutating func observeModes(_ readings: [Reading], at time: Double, into output: inout RuntimeOutput) {
        var newlyFailed = false
        let stopped = isStopped
        let runningKnownUntil = self.runningKnownUntil
        for k in estimators.indices {
            let sensor = estimators[k].mode.limit.sensor
            var values: [Double] = []
            for reading in readings where reading.quality == .good && reading.sensor == sensor {
                if let value = reading.value, value.isFinite { values.append(value) }
            }
            var deviation: Double?
            var spread: Double?
            var gain: Double?
            // Through optional chains: binding `model` and `latest` copied them (a retain of each of
            // their buffers) for every mode of every batch.
            if let j = model?.sensorNames.firstIndex(of: sensor), let levels = latest?.health.sensorLevels,
                j < levels.count
            {
                deviation = levels[j]
                spread = model?.healthySpread[j]
                if let gains = latest?.referenceGains, j < gains.count { gain = gains[j] }
            }
            let wasFailed = estimators[k].failure != nil
            estimators[k].observe(
                time: time, values: values, deviation: deviation, spread: spread, referenceGain: gain,
                machineStopped: stopped, runningKnownUntil: runningKnownUntil)
            newlyFailed = newlyFailed || (!wasFailed && estimators[k].failure != nil)
        }
        for id in clearsDue { alarms.clearAtOnce(id, at: time, into: &output.alarmUpdates) }
        clearsDue.removeAll()
        guard newlyFailed || assessmentDue else { return }
        let degrading = assess(at: time, into: &output)
        // The normal model follows a healthy machine, never a failing one: while a failure mode
        // degrades, or its limit sensor's filtered deviation is measurable (beyond 2 spreads, and
        // not put down to the instrument), its baseline stops adapting (it would learn the wear as
        // normal, before the trackers have the hours they need to call it degradation).
        if let levels = latest?.health.sensorLevels, let names = model?.sensorNames {
            let measurable = estimators.contains { e in
                guard let j = names.firstIndex(of: e.mode.limit.sensor), j < levels.count else { return false }
                return abs(levels[j]) >= 2 && diagnosis != .sensorFault(e.mode.limit.sensor)
            }
            model?.adaptationHeld = degrading || measurable
        }
    }

    /// Until when the machine is known to have run: the oldest of its run indicators' latest good
    /// readings (nil without a run indicator). A low reading newer than it may be a spin-down.
    var runningKnownUntil: Double? {
        guard !runIndicators.isEmpty else { return nil }
        return runIndicators.map { table.lastGood[$0.index] ?? -.infinity }.min()
    }

    /// Whether the deviation alarm's debounced condition is active (raised and not yet returned).
    private var deviationAlarmActive: Bool { alarms.alarms[alarms.deviationID]?.active == true }

    /// Whether a run indicator (speed, or a boolean running signal) says stopped now.
    public var isStopped: Bool {
        runIndicators.contains {
            table.values[$0.index].isFinite && abs(table.values[$0.index]) <= $0.stoppedAtOrBelow + 1e-9
        }
    }

    /// Periodic checks: the communication alarm and shelve expiries at wall time `now`, silence and
    /// snapshots on the steady clock (`steady`, as for `ingest`; nil: `now`).
    public mutating func tick(now: Double, steady: Double? = nil, into output: inout RuntimeOutput) {
        let stale = table.stale(at: steady ?? now, since: startedAt)
        let names = stale.map { table.ids[$0] }
        // The message is only taken when the alarm activates: built only when something is stale.
        let message =
            stale.isEmpty
            ? nil
            : "\(asset.id): no good data for \(format(stale.map { table.silenceAllowed[$0] }.min() ?? 0)) s from \(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? " and \(names.count - 5) more" : "")"
        alarms.evaluate(
            alarms.communicationID, active: !stale.isEmpty, at: now, value: Double(stale.count),
            message: message, sensors: names, into: &output.alarmUpdates)
        let clock = steady ?? now
        // The model is bound (a retain of each of its buffers) only when a snapshot is due.
        if lastSnapshot.map({ clock - $0 >= configuration.snapshotEvery }) ?? true, let model {
            lastSnapshot = clock
            output.snapshots.append((asset.id, model.serialized()))
        }
    }

    /// A snapshot of the model now (on shutdown).
    public func snapshot() -> [UInt8]? { model?.serialized() }

    // MARK: Stepping

    /// One model step on the latest values, stamped `time` (the readings' clock); `cadence` is the
    /// same moment on the clock steps are spaced by (see `ingest`).
    private mutating func step(at time: Double, cadence: Double, into output: inout RuntimeOutput) {
        if let last = lastStep, cadence > last {
            stepSpacing += 0.05 * (min(cadence - last, 10 * configuration.stepInterval) - stepSpacing)
        }
        lastStep = cadence
        guard table.allFresh(at: cadence, maxAge: configuration.staleAfter) else {
            skippedSteps += 1
            interruptHistories()
            // The model's state is as old as the gap: its first steps after it are a transient
            // (a meter back after hours, its first reading far from its last).
            transient.dataResumed()
            return
        }
        let row = table.values
        if isStopped {
            // A stopped machine is not a failing one: nothing to score, learn or project; an active
            // deviation alarm returns to normal. Unless it stopped with a mode past its alarm level:
            // then the stop was that mode's trip.
            let justStopped = stepsRunning > 0
            stoppedSteps += 1
            interruptHistories()
            stepsRunning = 0
            transient.machineStarted()
            // Through the off-delay: a machine stopped for less than it and still deviating when it
            // runs again is in the same excursion, not a new alarm.
            alarms.evaluate(alarms.deviationID, active: false, at: time, into: &output.alarmUpdates)
            if justStopped {
                let failedBefore = estimators.filter { $0.failure != nil }.count
                for k in estimators.indices { estimators[k].tripped(at: time) }
                if estimators.filter({ $0.failure != nil }).count > failedBefore { assess(at: time, into: &output) }
            }
            return
        }
        guard var model else {
            learn(row, into: &output)
            return
        }
        // The local copy is the model's only owner while it steps (put back below): with
        // `self.model` still holding its buffers, every buffer the step writes was copied first.
        self.model = nil
        // The baseline adapts at the same pace in time whatever the cadence (a restored or refitted
        // model does not know it): an hourly daemon follows a slowly moving machine as one stepping
        // every ten minutes does.
        model.stepSeconds = configuration.stepInterval
        // Scored into the last step's result, whose arrays (shares, levels, trends) have one owner
        // while the model writes them: no allocation per step.
        var result = latest ?? StepResult()
        latest = nil
        sensorValues.removeAll(keepingCapacity: true)
        sensorValues.append(contentsOf: row[..<sensorCount])
        contextValues.removeAll(keepingCapacity: true)
        contextValues.append(contentsOf: row[sensorCount...])
        model.update(y: sensorValues, u: contextValues, time: time, into: &result)
        steps += 1
        stepsRunning += 1
        latest = result
        let settling = transient.observe(score: result.score, at: time)
        if let due = rebaselineDue, !settling {
            if due.steps + 1 >= configuration.settleStepsAfterMaintenance {
                model.rebaseline(sensors: due.sensors)
                if due.sensors == nil { relearnNormal() } else { rebaselineDue = nil }
            } else {
                rebaselineDue = (due.sensors, due.steps + 1)
            }
        }
        // While relearning a normal the operator vouched for, every running step is offered to the
        // histories, flagged or not. Otherwise a refit learns neither the steps of an active deviation alarm nor those taken
        // while a failure mode degrades (the baseline's adaptation stops then too: a weekly refit
        // would learn wear). It does learn the healthy steps that were flagged without an alarm:
        // leaving out every flagged step cut the tail that the thresholds are calibrated on, so each
        // refit flagged more than the last (at one step a second, refitted weekly on the drift
        // scenario: 17.8 % of steps flagged by the fourth week; docs/world-model.md).
        if (deviationAlarmActive || model.adaptationHeld) && relearning == nil {
            healthy.interrupt()
        } else {
            healthy.append(row)
        }
        relearning?.append(row)
        // Taken out while it calls back into `self` for the record (exclusive access).
        var rows = deviationRows
        rows.add(
            time: time, score: result.score, flagged: result.flagged, record: { deviationRecord(result, at: time) },
            into: &output.batch.deviations)
        deviationRows = rows
        evaluateDeviationAlarm(result, at: time, into: &output)
        self.model = model
        // Assessed once this batch has reached the modes' estimators (see `observeModes`).
        if lastAssessment.map({ time - $0 >= configuration.assessEvery }) ?? true { assessmentDue = true }
        if steps % max(1, configuration.forecastEvery) == 0 { forecast(model, at: time, into: &output) }
        if let rows = relearning, rows.offered >= configuration.relearnStepsInEffect {
            relearning = nil
            output.refits.append(RefitRequest(asset: asset.id, model: model, names: names, history: rows))
        } else if relearning == nil, configuration.refitEverySteps > 0, steps % configuration.refitEverySteps == 0,
            healthy.count >= configuration.trainingSteps
        {
            output.refits.append(RefitRequest(asset: asset.id, model: model, names: names, history: healthy))
        }
        self.model = model
    }

    private var names: (sensors: [String], context: [String]) {
        (asset.modelledSensors.map(\.id), asset.context.map(\.id))
    }

    /// A step not taken: the next row of each history starts a segment.
    private mutating func interruptHistories() {
        healthy.interrupt()
        training?.interrupt()
        relearning?.interrupt()
    }

    private mutating func learn(_ row: [Double], into output: inout RuntimeOutput) {
        // Taken out while appending, so that the buffer has one owner and is not copied.
        let needed = configuration.trainingStepsInEffect
        var rows = training ?? configuration.history(width: table.ids.count, spanning: needed)
        training = nil
        rows.append(row)
        guard rows.offered >= needed else {
            training = rows
            return
        }
        output.refits.append(RefitRequest(asset: asset.id, model: nil, names: names, history: rows))
    }

    /// Commissioning ends with what was collected: the fit of the healthy rows gathered so far when
    /// there are at least `minimumRows` and no model yet (an asset that stood still part of the
    /// time gathers fewer rows than `trainingSteps`); nil otherwise.
    public mutating func finishLearning(minimumRows: Int) -> RefitRequest? {
        guard model == nil, let rows = training, rows.count >= max(1, minimumRows) else { return nil }
        training = nil
        return RefitRequest(asset: asset.id, model: nil, names: names, history: rows)
    }

    /// Fits (no model yet) or refits a model; runs wherever the daemon chooses (it is pure).
    public static func fit(_ request: RefitRequest) throws -> AssetModel {
        let rows = request.history
        let matrix = Matrix(rows: rows.count, cols: rows.width, elements: rows.elements)
        if let model = request.model { return try model.refitted(history: matrix, segments: rows.segments) }
        return try AssetModel(
            sensorNames: request.names.sensors, contextNames: request.names.context, history: matrix,
            segments: rows.segments)
    }

    /// The step's deviation, with every sensor's share when flagged and the largest
    /// `sharesStoredWhenHealthy` otherwise (what the dashboard's drivers show).
    private func deviationRecord(_ result: StepResult, at time: Double) -> DeviationRecord {
        // The modelled sensors' ids lead the signal table (`asset.modelledSensors` filters the sensors).
        var shares = zip(table.ids[..<sensorCount], result.sensorShares).map { SensorShare(sensor: $0, share: $1) }
        if !result.flagged, shares.count > configuration.sharesStoredWhenHealthy {
            shares = Array(
                shares.sorted { ($0.share ?? 0) > ($1.share ?? 0) }.prefix(
                    max(0, configuration.sharesStoredWhenHealthy)))
        }
        return DeviationRecord(
            asset: asset.id, time: time, score: result.score, threshold: result.threshold, flagged: result.flagged,
            drift: result.drift, driftThreshold: 1, driftFlagged: result.drift > 1, shares: shares)
    }

    /// The sensors that drive a deviation, largest share first (those with at least 15 %, at most three).
    func drivers(_ result: StepResult) -> [(sensor: String, share: Double)] {
        zip(asset.modelledSensors.map(\.id), result.sensorShares).filter { $0.1 >= 0.15 }.sorted { $0.1 > $1.1 }.prefix(
            3
        ).map { ($0.0, $0.1) }
    }

    /// The likely cause of the current deviation (see `DeviationDiagnosis`).
    public var diagnosis: DeviationDiagnosis? {
        guard let latest, latest.flagged else { return nil }
        return DeviationDiagnosis.diagnose(
            sensors: asset.modelledSensors.map(\.id), shares: latest.sensorShares, levels: latest.health.sensorLevels,
            modes: asset.failureModes)
    }

    private mutating func evaluateDeviationAlarm(
        _ result: StepResult, at time: Double, into output: inout RuntimeOutput
    ) {
        let diagnosis = self.diagnosis
        alarms.diagnoses[alarms.deviationID] = diagnosis?.code
        // The message and the driving sensors are taken only when the alarm activates, which takes a
        // flagged step: the unflagged steps (nearly all of them) build neither.
        var message: String?
        var sensors: [String]?
        if result.flagged {
            let drivers = drivers(result)
            let named = drivers.map { "\($0.sensor) \(Int(($0.share * 100).rounded())) %" }.joined(separator: ", ")
            var text =
                "\(asset.id) deviates from its learned behaviour (score \(format(result.score)) × threshold)\(named.isEmpty ? "" : ": \(named)")"
            switch diagnosis {
            case .failureMode(let mode)?: text += "; consistent with \(mode)"
            case .sensorFault(let sensor)?:
                text +=
                    "; only \(sensor) deviates while its physical neighbours stay normal: suspected sensor fault, check the instrument"
            default: break
            }
            message = text
            sensors = drivers.map(\.sensor)
        }
        // Stopped, or just restarted (the start-up transient): the deviation is expected, not abnormal.
        let suppressed = transient.settling
        alarms.evaluate(
            alarms.deviationID, active: result.flagged && !suppressed, at: time, value: result.score,
            threshold: result.threshold, message: message, sensors: sensors, into: &output.alarmUpdates)
    }

    /// Every failure mode's outlook now (see `ModeOutlook`): a health row each, the RUL alarm when a
    /// degrading mode's median life falls within `rulAlarmHorizon`, the failure alarm while a mode is
    /// failed. Says whether any mode degrades or has failed.
    @discardableResult
    private mutating func assess(at time: Double, into output: inout RuntimeOutput) -> Bool {
        assessmentDue = false
        lastAssessment = time
        output.assessed.append(asset.id)
        var anyDegrading = false
        for (k, estimator) in estimators.enumerated() {
            let mode = estimator.mode
            // A deviation put down to the limit sensor's instrument is a job for the instrument
            // technician: the mode is not taken as degrading on its word.
            let suspect = diagnosis == .sensorFault(mode.limit.sensor)
            let health =
                suspect && estimator.failure == nil ? nil : estimator.health(at: time, evidence: evidence(mode))
            let outlook = planner.outlook(health, asset: asset, mode: mode)
            latestHealth[mode.id] = health
            latestOutlook[mode.id] = outlook
            anyDegrading = anyDegrading || outlook.state != .healthy
            let record = HealthRecord(
                asset: asset.id, failureMode: mode.id, time: time, health: outlook.health,
                healthSD: outlook.healthSD, trend: outlook.trend, rulMedian: outlook.life?.median,
                rulP10: outlook.life?.p10, rulP90: outlook.life?.p90, state: outlook.state,
                horizon: outlook.horizon)
            if shouldStore(record, after: storedHealth[k]) {
                output.batch.health.append(record)
                storedHealth[k] = record
            }
            let short =
                outlook.state == .degrading && (outlook.life?.median ?? .infinity) < configuration.rulAlarmHorizon
            alarms.evaluate(
                AlarmBook.rulID(asset.id, mode.id), active: short, at: time, value: outlook.life?.median,
                threshold: configuration.rulAlarmHorizon,
                message: "\(asset.id) \(mode.name): remaining useful life \(outlook.lifeText)",
                sensors: mode.sensors, into: &output.alarmUpdates)
            alarms.evaluate(
                AlarmBook.failureID(asset.id, mode.id), active: outlook.state == .failed, at: time,
                message: "\(asset.id) \(mode.name) failed: \(outlook.failure?.reason ?? "")", sensors: mode.sensors,
                into: &output.alarmUpdates)
        }
        return anyDegrading
    }

    /// Whether a mode's health row differs enough from the last one stored, or is old enough, to be
    /// stored (see `RuntimeConfiguration.healthStoredEvery`).
    func shouldStore(_ record: HealthRecord, after last: HealthRecord?) -> Bool {
        guard let last else { return true }
        if record.time - last.time >= configuration.healthStoredEvery || record.state != last.state { return true }
        func moved(_ a: Double?, _ b: Double?, by limit: (Double, Double) -> Double) -> Bool {
            switch (a, b) {
            case (nil, nil): false
            case (let a?, let b?): a.isNaN != b.isNaN || abs(a - b) >= limit(a, b)
            default: true
            }
        }
        return moved(record.health, last.health) { _, _ in configuration.healthStoredChange }
            || moved(record.rulMedian, last.rulMedian) { a, b in configuration.rulStoredChange * max(abs(a), abs(b)) }
    }

    /// The health of every mode for the planner (a failed mode included; a mode put down to its
    /// instrument, or one the estimator knows too little of, left out).
    public var planningHealth: [ModeHealth] { asset.failureModes.compactMap { latestHealth[$0.id] } }

    /// How far each of the mode's sensors is from normal, for the proposal's reasoning.
    private func evidence(_ mode: FailureMode) -> [SensorEvidence] {
        guard let model, let latest else { return [] }
        let names = [mode.limit.sensor] + mode.sensors.filter { $0 != mode.limit.sensor }
        return names.compactMap { name in
            guard let j = model.sensorNames.firstIndex(of: name), j < latest.health.sensorLevels.count,
                let k = table.ids.firstIndex(of: name)
            else { return nil }
            let value = table.values[k].isFinite ? table.values[k] : nil
            let unit = asset.sensors.first { $0.id == name }?.unit ?? ""
            let perDay =
                j < latest.health.sensorTrends.count
                ? latest.health.sensorTrends[j] / max(stepSpacing, 1e-9) * 86_400 : 0
            return SensorEvidence(
                sensor: name, unit: unit, value: value, deviation: latest.health.sensorLevels[j], trendPerDay: perDay)
        }
    }

    private func forecast(_ model: AssetModel, at time: Double, into output: inout RuntimeOutput) {
        let every = max(1, configuration.forecastStoredEvery)
        let stored = model.forecast(horizon: configuration.forecastHorizon).filter {
            $0.horizon % every == 0 || $0.horizon == configuration.forecastHorizon
        }
        // Sensor by sensor: the store replaces a sensor's previous run at the first record of its new one.
        for (j, sensor) in asset.modelledSensors.enumerated() {
            for step in stored {
                let target = time + Double(step.horizon) * stepSpacing
                output.batch.forecasts.append(
                    ForecastRecord(
                        asset: asset.id, sensor: sensor.id, madeAt: time, targetTime: target, mean: step.median[j],
                        lower50: step.lower[0][j], upper50: step.upper[0][j], lower80: step.lower[1][j],
                        upper80: step.upper[1][j],
                        lower90: step.lower[2][j], upper90: step.upper[2][j]))
            }
        }
    }

    /// Alarms this asset annunciates now.
    public var annunciatedAlarms: [AlarmRecord] { alarms.annunciated }
    public var allAlarms: [AlarmRecord] { Array(alarms.alarms.all) }
}
