import Foundation
import GRDB
import PrognosCore

// Plain records the daemon maps its runtime results to, one per table. Times are unix seconds (UTC),
// durations seconds. Numbers a model computes are optional: NaN is stored as NULL and reads back nil.

/// A one-minute summary of one signal, what raw readings become after `Retention.rawDays`.
/// Only `good` readings enter min/mean/max/count; the others are counted in `badCount`.
public struct MinuteSummary: Codable, Sendable, Equatable, FetchableRecord {
    public var asset: String
    public var sensor: String
    /// Start of the minute, a multiple of 60.
    public var minute: Double
    public var min: Double?
    public var mean: Double?
    public var max: Double?
    public var count: Int
    public var badCount: Int

    public init(
        asset: String, sensor: String, minute: Double, min: Double?, mean: Double?, max: Double?, count: Int,
        badCount: Int
    ) {
        self.asset = asset
        self.sensor = sensor
        self.minute = minute
        self.min = min
        self.mean = mean
        self.max = max
        self.count = count
        self.badCount = badCount
    }

    enum CodingKeys: String, CodingKey {
        case asset, sensor, minute, min, mean, max, count
        case badCount = "bad_count"
    }
}

/// A sensor's history over a time range: raw readings where they are still kept, one-minute
/// summaries where they were downsampled (both ascending in time).
public struct SensorHistory: Sendable, Equatable {
    public var raw: [Reading]
    public var minutes: [MinuteSummary]
    public init(raw: [Reading], minutes: [MinuteSummary]) {
        self.raw = raw
        self.minutes = minutes
    }
}

/// One k-step-ahead forecast of one sensor with its prediction intervals.
public struct ForecastRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "forecasts"
    public var id: Int64?
    public var asset: String
    public var sensor: String
    /// When the forecast was made.
    public var madeAt: Double
    /// The time it predicts.
    public var targetTime: Double
    public var mean: Double?
    public var lower50: Double?
    public var upper50: Double?
    public var lower80: Double?
    public var upper80: Double?
    public var lower90: Double?
    public var upper90: Double?

    /// Seconds between `madeAt` and `targetTime`.
    public var horizon: Double { targetTime - madeAt }

    public init(
        id: Int64? = nil, asset: String, sensor: String, madeAt: Double, targetTime: Double, mean: Double?,
        lower50: Double? = nil, upper50: Double? = nil, lower80: Double? = nil, upper80: Double? = nil,
        lower90: Double? = nil, upper90: Double? = nil
    ) {
        self.id = id
        self.asset = asset
        self.sensor = sensor
        self.madeAt = madeAt
        self.targetTime = targetTime
        self.mean = mean
        self.lower50 = lower50
        self.upper50 = upper50
        self.lower80 = lower80
        self.upper80 = upper80
        self.lower90 = lower90
        self.upper90 = upper90
    }

    enum CodingKeys: String, CodingKey {
        case id, asset, sensor, mean, lower50, upper50, lower80, upper80, lower90, upper90
        case madeAt = "made_at"
        case targetTime = "target_time"
    }

    public enum Columns {
        public static let asset = Column(CodingKeys.asset)
        public static let sensor = Column(CodingKeys.sensor)
        public static let madeAt = Column(CodingKeys.madeAt)
        public static let targetTime = Column(CodingKeys.targetTime)
    }
}

/// One sensor's share of a deviation score (shares of one score sum to about 1).
public struct SensorShare: Codable, Sendable, Equatable, FetchableRecord {
    public var sensor: String
    public var share: Double?
    public init(sensor: String, share: Double?) {
        self.sensor = sensor
        self.share = share
    }
}

/// One deviation score of an asset: the whitened residual statistic, its threshold, the drift
/// detector's statistic, and which sensors it comes from.
public struct DeviationRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "deviations"
    public var id: Int64?
    public var asset: String
    public var time: Double
    public var score: Double?
    public var threshold: Double?
    public var flagged: Bool
    /// Drift statistic (CUSUM or similar).
    public var drift: Double?
    public var driftThreshold: Double?
    public var driftFlagged: Bool
    /// Per-sensor shares, largest first when read back; stored in `deviation_shares`.
    public var shares: [SensorShare]

    public init(
        id: Int64? = nil, asset: String, time: Double, score: Double?, threshold: Double?, flagged: Bool,
        drift: Double? = nil, driftThreshold: Double? = nil, driftFlagged: Bool = false, shares: [SensorShare] = []
    ) {
        self.id = id
        self.asset = asset
        self.time = time
        self.score = score
        self.threshold = threshold
        self.flagged = flagged
        self.drift = drift
        self.driftThreshold = driftThreshold
        self.driftFlagged = driftFlagged
        self.shares = shares
    }

    enum CodingKeys: String, CodingKey {
        case id, asset, time, score, threshold, flagged, drift
        case driftThreshold = "drift_threshold"
        case driftFlagged = "drift_flagged"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(Int64.self, forKey: .id)
        asset = try c.decode(String.self, forKey: .asset)
        time = try c.decode(Double.self, forKey: .time)
        score = try c.decodeIfPresent(Double.self, forKey: .score)
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold)
        flagged = try c.decode(Bool.self, forKey: .flagged)
        drift = try c.decodeIfPresent(Double.self, forKey: .drift)
        driftThreshold = try c.decodeIfPresent(Double.self, forKey: .driftThreshold)
        driftFlagged = try c.decode(Bool.self, forKey: .driftFlagged)
        shares = []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(asset, forKey: .asset)
        try c.encode(time, forKey: .time)
        try c.encode(score, forKey: .score)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(flagged, forKey: .flagged)
        try c.encode(drift, forKey: .drift)
        try c.encode(driftThreshold, forKey: .driftThreshold)
        try c.encode(driftFlagged, forKey: .driftFlagged)
    }

    public enum Columns {
        public static let asset = Column(CodingKeys.asset)
        public static let time = Column(CodingKeys.time)
    }
}

/// One health estimate of one failure mode of an asset, with the remaining-useful-life distribution.
public struct HealthRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "health"
    public var id: Int64?
    public var asset: String
    public var failureMode: String
    public var time: Double
    /// Health index as the world model defines it (1 healthy, 0 at the failure limit).
    public var health: Double?
    /// Standard deviation of the health index.
    public var healthSD: Double?
    /// Change of the health index per second.
    public var trend: Double?
    /// Remaining useful life in seconds: median and 10th/90th percentiles.
    public var rulMedian: Double?
    public var rulP10: Double?
    public var rulP90: Double?

    public init(
        id: Int64? = nil, asset: String, failureMode: String, time: Double, health: Double?, healthSD: Double? = nil,
        trend: Double? = nil, rulMedian: Double? = nil, rulP10: Double? = nil, rulP90: Double? = nil
    ) {
        self.id = id
        self.asset = asset
        self.failureMode = failureMode
        self.time = time
        self.health = health
        self.healthSD = healthSD
        self.trend = trend
        self.rulMedian = rulMedian
        self.rulP10 = rulP10
        self.rulP90 = rulP90
    }

    enum CodingKeys: String, CodingKey {
        case id, asset, time, health, trend
        case failureMode = "failure_mode"
        case healthSD = "health_sd"
        case rulMedian = "rul_median"
        case rulP10 = "rul_p10"
        case rulP90 = "rul_p90"
    }

    public enum Columns {
        public static let asset = Column(CodingKeys.asset)
        public static let failureMode = Column(CodingKeys.failureMode)
        public static let time = Column(CodingKeys.time)
    }
}

// MARK: - Alarms

/// The current state of one alarm point (one row per alarm id; its past is in `alarm_history`).
///
/// The point's ISA-18.2 state machine (`PrognosCore.AlarmStateMachine`) is stored with it, so that an
/// operator's command in another process (`prognos alarms`, the dashboard) runs the same state
/// machine the daemon runs. `state`, `active` and `shelvedUntil` are plain copies of the machine's,
/// kept in their own columns for SQL readers.
public struct AlarmRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "alarms"
    /// Stable id of the alarm point, chosen by the daemon (e.g. `pump-1/limit/bearing-temp/high`).
    public var id: String
    public var asset: String
    public var kind: AlarmKind
    public var sensors: [String]
    public var priority: AlarmPriority
    public var machine: AlarmStateMachine
    public var message: String
    /// The value that raised it (score, reading, RUL) and the threshold it crossed.
    public var value: Double?
    public var threshold: Double?
    /// When the condition last became active, and when it last returned to normal.
    public var raisedAt: Double?
    public var clearedAt: Double?
    public var acknowledgedBy: String?
    public var acknowledgedAt: Double?
    public var shelvedBy: String?
    public var updatedAt: Double

    public var state: AlarmState { machine.state }
    /// Whether the (debounced) alarm condition is active, whatever the acknowledgement or suppression.
    public var active: Bool { machine.isConditionActive }
    public var shelvedUntil: Double? { machine.shelvedUntil }

    public init(
        id: String, asset: String, kind: AlarmKind, sensors: [String], priority: AlarmPriority,
        machine: AlarmStateMachine, message: String, value: Double? = nil, threshold: Double? = nil,
        raisedAt: Double? = nil, clearedAt: Double? = nil, acknowledgedBy: String? = nil,
        acknowledgedAt: Double? = nil, shelvedBy: String? = nil, updatedAt: Double
    ) {
        self.id = id
        self.asset = asset
        self.kind = kind
        self.sensors = sensors
        self.priority = priority
        self.machine = machine
        self.message = message
        self.value = value
        self.threshold = threshold
        self.raisedAt = raisedAt
        self.clearedAt = clearedAt
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
        self.shelvedBy = shelvedBy
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, asset, kind, sensors, priority, machine, message, value, threshold
        case state, active
        case raisedAt = "raised_at"
        case clearedAt = "cleared_at"
        case acknowledgedBy = "acknowledged_by"
        case acknowledgedAt = "acknowledged_at"
        case shelvedBy = "shelved_by"
        case shelvedUntil = "shelved_until"
        case updatedAt = "updated_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        asset = try c.decode(String.self, forKey: .asset)
        kind = try c.decode(AlarmKind.self, forKey: .kind)
        sensors = try c.decode([String].self, forKey: .sensors)
        priority = try c.decode(AlarmPriority.self, forKey: .priority)
        machine = try c.decode(AlarmStateMachine.self, forKey: .machine)
        message = try c.decode(String.self, forKey: .message)
        value = try c.decodeIfPresent(Double.self, forKey: .value)
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold)
        raisedAt = try c.decodeIfPresent(Double.self, forKey: .raisedAt)
        clearedAt = try c.decodeIfPresent(Double.self, forKey: .clearedAt)
        acknowledgedBy = try c.decodeIfPresent(String.self, forKey: .acknowledgedBy)
        acknowledgedAt = try c.decodeIfPresent(Double.self, forKey: .acknowledgedAt)
        shelvedBy = try c.decodeIfPresent(String.self, forKey: .shelvedBy)
        updatedAt = try c.decode(Double.self, forKey: .updatedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(asset, forKey: .asset)
        try c.encode(kind, forKey: .kind)
        try c.encode(sensors, forKey: .sensors)
        try c.encode(priority, forKey: .priority)
        try c.encode(machine, forKey: .machine)
        try c.encode(state, forKey: .state)
        try c.encode(active, forKey: .active)
        try c.encode(message, forKey: .message)
        try c.encode(value.storable, forKey: .value)
        try c.encode(threshold.storable, forKey: .threshold)
        try c.encode(raisedAt, forKey: .raisedAt)
        try c.encode(clearedAt, forKey: .clearedAt)
        try c.encode(acknowledgedBy, forKey: .acknowledgedBy)
        try c.encode(acknowledgedAt, forKey: .acknowledgedAt)
        try c.encode(shelvedBy, forKey: .shelvedBy)
        try c.encode(shelvedUntil, forKey: .shelvedUntil)
        try c.encode(updatedAt, forKey: .updatedAt)
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let asset = Column(CodingKeys.asset)
        public static let state = Column(CodingKeys.state)
        public static let raisedAt = Column(CodingKeys.raisedAt)
        public static let shelvedUntil = Column(CodingKeys.shelvedUntil)
    }
}

/// One transition of one alarm: who caused what, when, from which state to which.
public struct AlarmHistoryRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "alarm_history"
    public var id: Int64?
    public var alarmID: String
    public var asset: String
    public var time: Double
    public var cause: AlarmCause
    /// nil for the first row of a new alarm point.
    public var fromState: AlarmState?
    public var toState: AlarmState
    public var active: Bool
    public var priority: AlarmPriority
    /// `prognos` for the daemon, the operator's name for commands.
    public var actor: String
    public var note: String?

    public init(
        id: Int64? = nil, alarmID: String, asset: String, time: Double, cause: AlarmCause, fromState: AlarmState?,
        toState: AlarmState, active: Bool, priority: AlarmPriority, actor: String, note: String? = nil
    ) {
        self.id = id
        self.alarmID = alarmID
        self.asset = asset
        self.time = time
        self.cause = cause
        self.fromState = fromState
        self.toState = toState
        self.active = active
        self.priority = priority
        self.actor = actor
        self.note = note
    }

    /// The transition as PrognosCore describes it.
    public var transition: AlarmTransition {
        AlarmTransition(from: fromState ?? .normal, to: toState, cause: cause, time: time)
    }

    enum CodingKeys: String, CodingKey {
        case id, asset, time, cause, active, priority, actor, note
        case alarmID = "alarm_id"
        case fromState = "from_state"
        case toState = "to_state"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let alarmID = Column(CodingKeys.alarmID)
        public static let time = Column(CodingKeys.time)
        public static let actor = Column(CodingKeys.actor)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// An operator's command on an alarm (from `prognos alarms` or the dashboard).
public enum AlarmCommand: Sendable, Equatable {
    case acknowledge
    case shelve(until: Double)
    case unshelve
    case removeFromService
    case returnToService

    var name: String {
        switch self {
        case .acknowledge: "acknowledge"
        case .shelve: "shelve"
        case .unshelve: "unshelve"
        case .removeFromService: "remove from service"
        case .returnToService: "return to service"
        }
    }

    /// The alarm after this command by `actor` at `time`, run through the alarm's own state machine,
    /// and the transition it made (nil when it only moved a shelve's end). Throws
    /// `StoreError(.invalidCommand)` when the alarm's state does not allow the command.
    public func applied(to alarm: AlarmRecord, by actor: String, at time: Double) throws
        -> (AlarmRecord, AlarmTransition?)
    {
        var next = alarm
        next.updatedAt = time
        let transition: AlarmTransition?
        switch self {
        case .acknowledge:
            transition = next.machine.acknowledge(at: time)
            if transition != nil {
                next.acknowledgedBy = actor
                next.acknowledgedAt = time
            }
        case .shelve(let until):
            transition = next.machine.shelve(until: until, at: time)
            if next.state == .shelved && next.shelvedUntil == until {
                next.shelvedBy = actor
                return (next, transition)
            }
        case .unshelve: transition = next.machine.unshelve(at: time)
        case .removeFromService: transition = next.machine.removeFromService(at: time)
        case .returnToService: transition = next.machine.returnToService(at: time)
        }
        guard let transition else {
            var why = "it is \(alarm.state.rawValue)"
            if case .shelve(let until) = self, until <= time { why = "the shelve end \(until) is not after now (\(time))" }
            throw StoreError(.invalidCommand, "cannot \(name) alarm \(alarm.id): \(why)")
        }
        return (next, transition)
    }
}

// MARK: - Outbox

/// Alerts are never dropped to make room; telemetry (readings, state summaries) is shed first.
public enum OutboxKind: String, Codable, Sendable, CaseIterable {
    case alert, telemetry
}

/// A message waiting to be published to MQTT; deleted when the broker acknowledges it.
public struct OutboxMessage: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "outbox"
    /// Assigned on insert, increasing: publish in id order.
    public var id: Int64?
    public var kind: OutboxKind
    public var topic: String
    public var payload: String
    public var qos: Int
    public var retain: Bool
    public var createdAt: Double
    /// How many times publishing was attempted (see `Store.recordAttempt`).
    public var attempts: Int
    public var lastAttemptAt: Double?

    public init(
        id: Int64? = nil, kind: OutboxKind, topic: String, payload: String, qos: Int = 1, retain: Bool = false,
        createdAt: Double, attempts: Int = 0, lastAttemptAt: Double? = nil
    ) {
        self.id = id
        self.kind = kind
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.createdAt = createdAt
        self.attempts = attempts
        self.lastAttemptAt = lastAttemptAt
    }

    /// An alert (QoS 1, not retained unless asked).
    public static func alert(topic: String, payload: String, createdAt: Double, retain: Bool = false) -> Self {
        OutboxMessage(kind: .alert, topic: topic, payload: payload, qos: 1, retain: retain, createdAt: createdAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, topic, payload, qos, retain, attempts
        case createdAt = "created_at"
        case lastAttemptAt = "last_attempt_at"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let kind = Column(CodingKeys.kind)
        public static let topic = Column(CodingKeys.topic)
        public static let retain = Column(CodingKeys.retain)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// Undelivered messages by kind.
public struct OutboxCount: Sendable, Equatable {
    public var alerts: Int
    public var telemetry: Int
    public var total: Int { alerts + telemetry }
    public init(alerts: Int, telemetry: Int) {
        self.alerts = alerts
        self.telemetry = telemetry
    }
}

/// What `enqueue` did with a message.
public enum OutboxEnqueueResult: Sendable, Equatable {
    /// Queued; `shed` older telemetry messages were deleted to make room.
    case queued(id: Int64, shed: Int)
    /// A telemetry message refused because the outbox is full of alerts.
    case dropped
}

// MARK: - Plans, snapshots, events, status

/// One version of the maintenance plan (the planner writes a new version each time it plans).
public struct PlanRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "plans"
    /// Assigned on save, increasing.
    public var version: Int64?
    public var createdAt: Double
    /// End of the period the plan covers.
    public var horizonEnd: Double?
    /// Expected cost of the plan and of doing nothing over the horizon.
    public var expectedCost: Double?
    public var baselineCost: Double?
    public var summary: String

    public init(
        version: Int64? = nil, createdAt: Double, horizonEnd: Double? = nil, expectedCost: Double? = nil,
        baselineCost: Double? = nil, summary: String = ""
    ) {
        self.version = version
        self.createdAt = createdAt
        self.horizonEnd = horizonEnd
        self.expectedCost = expectedCost
        self.baselineCost = baselineCost
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case version, summary
        case createdAt = "created_at"
        case horizonEnd = "horizon_end"
        case expectedCost = "expected_cost"
        case baselineCost = "baseline_cost"
    }

    public enum Columns {
        public static let version = Column(CodingKeys.version)
        public static let createdAt = Column(CodingKeys.createdAt)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        version = inserted.rowID
    }
}

/// One proposed maintenance action of a plan, with its reasoning.
public struct ProposalRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "proposals"
    public var id: Int64?
    public var planVersion: Int64?
    public var asset: String
    public var failureMode: String?
    /// Action id from the plant's catalogue.
    public var action: String
    public var windowStart: Double?
    public var windowEnd: Double?
    public var crew: String?
    /// Expected cost with the action, and if it is ignored.
    public var expectedCost: Double?
    public var expectedCostIgnored: Double?
    /// Probability of failure before the horizon with the action, and if it is ignored.
    public var failureProbability: Double?
    public var failureProbabilityIgnored: Double?
    public var reasoning: String

    public init(
        id: Int64? = nil, planVersion: Int64? = nil, asset: String, failureMode: String?, action: String,
        windowStart: Double?, windowEnd: Double? = nil, crew: String? = nil, expectedCost: Double? = nil,
        expectedCostIgnored: Double? = nil, failureProbability: Double? = nil,
        failureProbabilityIgnored: Double? = nil, reasoning: String = ""
    ) {
        self.id = id
        self.planVersion = planVersion
        self.asset = asset
        self.failureMode = failureMode
        self.action = action
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.crew = crew
        self.expectedCost = expectedCost
        self.expectedCostIgnored = expectedCostIgnored
        self.failureProbability = failureProbability
        self.failureProbabilityIgnored = failureProbabilityIgnored
        self.reasoning = reasoning
    }

    enum CodingKeys: String, CodingKey {
        case id, asset, action, crew, reasoning
        case planVersion = "plan_version"
        case failureMode = "failure_mode"
        case windowStart = "window_start"
        case windowEnd = "window_end"
        case expectedCost = "expected_cost"
        case expectedCostIgnored = "expected_cost_ignored"
        case failureProbability = "failure_probability"
        case failureProbabilityIgnored = "failure_probability_ignored"
    }

    public enum Columns {
        public static let planVersion = Column(CodingKeys.planVersion)
        public static let windowStart = Column(CodingKeys.windowStart)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A plan with its proposals (ordered by window start).
public struct MaintenancePlan: Sendable, Equatable {
    public var plan: PlanRecord
    public var proposals: [ProposalRecord]
    public init(plan: PlanRecord, proposals: [ProposalRecord]) {
        self.plan = plan
        self.proposals = proposals
    }
}

/// A versioned snapshot of one asset's world model (parameters, filter state, calibration).
public struct ModelSnapshot: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "model_snapshots"
    public var asset: String
    /// Assigned on save: 1, 2, 3… per asset.
    public var version: Int64
    public var createdAt: Double
    /// What `bytes` holds, for the loader (e.g. `worldmodel/1`).
    public var format: String
    public var bytes: Data

    public init(asset: String, version: Int64 = 0, createdAt: Double, format: String, bytes: Data) {
        self.asset = asset
        self.version = version
        self.createdAt = createdAt
        self.format = format
        self.bytes = bytes
    }

    enum CodingKeys: String, CodingKey {
        case asset, version, format, bytes
        case createdAt = "created_at"
    }

    public enum Columns {
        public static let asset = Column(CodingKeys.asset)
        public static let version = Column(CodingKeys.version)
    }

}

/// The daemon's own log of what it did and what went wrong (device lost, model refit, disk full…).
public struct EventRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "events"
    public var id: Int64?
    public var time: Double
    /// swift-log level names: trace, debug, info, notice, warning, error, critical.
    public var level: String
    /// A short machine-readable kind (`collector.down`, `model.refit`, `store.full`…).
    public var kind: String
    public var asset: String?
    public var message: String

    public init(id: Int64? = nil, time: Double, level: String, kind: String, asset: String? = nil, message: String) {
        self.id = id
        self.time = time
        self.level = level
        self.kind = kind
        self.asset = asset
        self.message = message
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let time = Column(CodingKeys.time)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// The daemon's heartbeat row, read by the dashboard and `prognos status`.
public struct DaemonStatus: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "daemon_status"
    public var pid: Int
    public var version: String
    /// Path of the plant file the daemon runs.
    public var plant: String
    public var startedAt: Double
    public var heartbeatAt: Double
    /// Seconds between a reading's timestamp and its arrival in the store (recent mean).
    public var ingestLag: Double?
    public var readingsIngested: Int
    public var readingsDropped: Int
    public var assets: Int
    public var alarmsActive: Int
    public var outboxPending: Int
    /// Anything else as JSON text.
    public var details: String?

    public init(
        pid: Int, version: String, plant: String, startedAt: Double, heartbeatAt: Double, ingestLag: Double? = nil,
        readingsIngested: Int = 0, readingsDropped: Int = 0, assets: Int = 0, alarmsActive: Int = 0,
        outboxPending: Int = 0, details: String? = nil
    ) {
        self.pid = pid
        self.version = version
        self.plant = plant
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.ingestLag = ingestLag
        self.readingsIngested = readingsIngested
        self.readingsDropped = readingsDropped
        self.assets = assets
        self.alarmsActive = alarmsActive
        self.outboxPending = outboxPending
        self.details = details
    }

    enum CodingKeys: String, CodingKey {
        case pid, version, plant, assets, details
        case startedAt = "started_at"
        case heartbeatAt = "heartbeat_at"
        case ingestLag = "ingest_lag"
        case readingsIngested = "readings_ingested"
        case readingsDropped = "readings_dropped"
        case alarmsActive = "alarms_active"
        case outboxPending = "outbox_pending"
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = 1
        container[CodingKeys.pid.rawValue] = pid
        container[CodingKeys.version.rawValue] = version
        container[CodingKeys.plant.rawValue] = plant
        container[CodingKeys.startedAt.rawValue] = startedAt
        container[CodingKeys.heartbeatAt.rawValue] = heartbeatAt
        container[CodingKeys.ingestLag.rawValue] = ingestLag
        container[CodingKeys.readingsIngested.rawValue] = readingsIngested
        container[CodingKeys.readingsDropped.rawValue] = readingsDropped
        container[CodingKeys.assets.rawValue] = assets
        container[CodingKeys.alarmsActive.rawValue] = alarmsActive
        container[CodingKeys.outboxPending.rawValue] = outboxPending
        container[CodingKeys.details.rawValue] = details
    }
}

/// The counts `prognos status` shows.
public struct StoreStatus: Sendable, Equatable {
    /// Raw readings kept and signals known.
    public var readings: Int
    public var series: Int
    /// Timestamp of the newest reading of any signal.
    public var lastDataTime: Double?
    /// Alarm points by state (states with no alarm are absent).
    public var alarmsByState: [AlarmState: Int]
    public var outbox: OutboxCount
    public var daemon: DaemonStatus?
    /// Database file size in bytes (page count × page size).
    public var databaseBytes: Int

    public init(
        readings: Int, series: Int, lastDataTime: Double?, alarmsByState: [AlarmState: Int],
        outbox: OutboxCount, daemon: DaemonStatus?, databaseBytes: Int
    ) {
        self.readings = readings
        self.series = series
        self.lastDataTime = lastDataTime
        self.alarmsByState = alarmsByState
        self.outbox = outbox
        self.daemon = daemon
        self.databaseBytes = databaseBytes
    }
}

/// Records written together in one transaction by `Store.write(_:)` or the `BatchWriter`.
public struct StoreBatch: Sendable, Equatable {
    public var readings: [Reading]
    public var forecasts: [ForecastRecord]
    public var deviations: [DeviationRecord]
    public var health: [HealthRecord]
    public var events: [EventRecord]

    public init(
        readings: [Reading] = [], forecasts: [ForecastRecord] = [], deviations: [DeviationRecord] = [],
        health: [HealthRecord] = [], events: [EventRecord] = []
    ) {
        self.readings = readings
        self.forecasts = forecasts
        self.deviations = deviations
        self.health = health
        self.events = events
    }

    public var isEmpty: Bool {
        readings.isEmpty && forecasts.isEmpty && deviations.isEmpty && health.isEmpty && events.isEmpty
    }

    /// Number of records of every kind.
    public var count: Int { readings.count + forecasts.count + deviations.count + health.count + events.count }

    public mutating func append(contentsOf other: StoreBatch) {
        readings += other.readings
        forecasts += other.forecasts
        deviations += other.deviations
        health += other.health
        events += other.events
    }
}
