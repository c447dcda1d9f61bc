import Foundation
import PrognosCore

/// An alarm's new state to be written (with its transition, in one transaction with its alert).
public struct AlarmUpdate: Sendable {
    public var alarm: AlarmRecord
    public var transition: AlarmTransition?
    public var actor: String
    /// The likely cause the runtime found for it (a failure mode, a suspected sensor), if any.
    public var diagnosis: String?

    public init(alarm: AlarmRecord, transition: AlarmTransition?, actor: String, diagnosis: String? = nil) {
        self.alarm = alarm
        self.transition = transition
        self.actor = actor
        self.diagnosis = diagnosis
    }
}

/// The alarm points of one asset and their ISA-18.2 state machines.
///
/// Points: one deviation alarm (the world model's score), one communication alarm, a limit alarm per
/// configured alarm or trip limit of each sensor, and an RUL alarm and a failure alarm per failure mode. Ids are stable
/// (`pump-101/limit/bearing_temp_de/high`), so a restarted daemon finds its alarms again.
struct AlarmBook: Sendable {
    struct LimitPoint: Sendable {
        /// Where its record is in `alarms`.
        var slot: Int
        var condition: LimitCondition
        var rawActive = false
    }

    let site: String
    let asset: String
    /// This asset's deviation and communication alarm ids, made once: they are looked up at every
    /// model step and every tick.
    let deviationID: String
    let communicationID: String
    private(set) var alarms = IndexedValues<AlarmRecord>([], id: \.id)
    /// The limit points of each sensor that has any, found by `limitGroup(of:)`: the runtime looks a
    /// sensor's group up once, not by its name at every reading.
    private var limitPoints: [[LimitPoint]] = []
    private var limitGroups: [String: Int] = [:]
    /// The likely cause of an alarm, where the runtime has one (published as `diagnosis`).
    var diagnoses: [String: String] = [:]

    init(site: String, asset: Asset, configuration: RuntimeConfiguration, now: Double) {
        self.site = site
        self.asset = asset.id
        deviationID = Self.deviationID(asset.id)
        communicationID = Self.communicationID(asset.id)
        func add(
            _ id: String, _ kind: AlarmKind, _ sensors: [String], _ priority: AlarmPriority, onDelay: Double,
            offDelay: Double, _ message: String
        ) {
            alarms.insert(
                AlarmRecord(
                    id: id, asset: asset.id, kind: kind, sensors: sensors, priority: priority,
                    machine: AlarmStateMachine(onDelay: onDelay, offDelay: offDelay), message: message, updatedAt: now),
                id: id)
        }
        add(
            Self.deviationID(asset.id), .deviation, [], .high, onDelay: configuration.deviationOnDelayInEffect,
            offDelay: configuration.deviationOffDelayInEffect,
            "\(asset.id) behaves as its model expects")
        add(
            Self.communicationID(asset.id), .communication, [], .medium, onDelay: 0, offDelay: 0,
            "\(asset.id) delivers data")
        for sensor in asset.signals {
            let span = sensor.normal.map { $0.upperBound - $0.lowerBound } ?? 0
            let sides: [(String, LimitCondition.Side, Double?, AlarmPriority)] = [
                ("high", .high, sensor.limits.alarmHigh, .high), ("low", .low, sensor.limits.alarmLow, .high),
                ("trip-high", .high, sensor.limits.tripHigh, .urgent),
                ("trip-low", .low, sensor.limits.tripLow, .urgent),
            ]
            for (suffix, side, limit, priority) in sides {
                guard let limit else { continue }
                let id = "\(asset.id)/limit/\(sensor.id)/\(suffix)"
                let deadband = max(span, abs(limit) * 0.05) * configuration.limitDeadbandFraction
                add(
                    id, .limit, [sensor.id], priority, onDelay: configuration.limitOnDelay,
                    offDelay: configuration.limitOffDelay,
                    "\(sensor.name) \(side == .high ? "above" : "below") \(suffix.hasPrefix("trip") ? "trip" : "alarm") limit \(format(limit)) \(sensor.unit)"
                )
                if limitGroups[sensor.id] == nil {
                    limitGroups[sensor.id] = limitPoints.count
                    limitPoints.append([])
                }
                limitPoints[limitGroups[sensor.id]!].append(
                    LimitPoint(
                        slot: alarms.position(of: id)!,
                        condition: LimitCondition(side: side, limit: limit, deadband: deadband)))
            }
        }
        for mode in asset.failureModes {
            add(
                Self.rulID(asset.id, mode.id), .rul, mode.sensors, .medium, onDelay: 0, offDelay: 0,
                "\(mode.name): remaining useful life above the alarm horizon")
            add(
                Self.failureID(asset.id, mode.id), .failure, mode.sensors, .urgent, onDelay: 0, offDelay: 0,
                "\(mode.name): not failed")
        }
    }

    static func deviationID(_ asset: String) -> String { "\(asset)/deviation" }
    static func communicationID(_ asset: String) -> String { "\(asset)/communication" }
    static func rulID(_ asset: String, _ mode: String) -> String { "\(asset)/rul/\(mode)" }
    static func failureID(_ asset: String, _ mode: String) -> String { "\(asset)/failure/\(mode)" }

    /// Takes the states stored by an earlier run, so alarms survive a restart.
    mutating func restore(_ stored: [AlarmRecord]) {
        for record in stored {
            // Keep this run's priority and delays (its configuration); keep the stored state.
            alarms.update(record.id) { mine in
                let (priority, configured) = (mine.priority, mine.machine)
                mine = record
                mine.priority = priority
                mine.machine = record.machine.withDelays(onDelay: configured.onDelay, offDelay: configured.offDelay)
            }
        }
    }

    /// The group of `sensor`'s limit points for `evaluateLimits`, nil if it has no limit.
    func limitGroup(of sensor: String) -> Int? { limitGroups[sensor] }

    /// Evaluates the limit alarms of a sensor (its `limitGroup`) with a new good value. While the
    /// machine is stopped (`machineStopped`), low-side limits are not alarmed: a stopped fan has no
    /// airflow and a stopped pump no flow by design, and such an alarm asks nothing of the operator
    /// (ISA-18.2 state-based alarming). High-side limits stay armed: a hot bearing matters whether
    /// the machine turns or not.
    mutating func evaluateLimits(
        group: Int, value: Double, at time: Double, machineStopped: Bool = false, into updates: inout [AlarmUpdate]
    ) {
        // A point is written only when its raw condition changes, not copied back at every value.
        for k in limitPoints[group].indices {
            let point = limitPoints[group][k]
            let suppressed = machineStopped && point.condition.side == .low
            let active = !suppressed && point.condition.isActive(value, wasActive: point.rawActive)
            if active != point.rawActive { limitPoints[group][k].rawActive = active }
            evaluate(
                slot: point.slot, active: active, at: time, value: value, threshold: point.condition.limit,
                into: &updates)
        }
    }

    /// Feeds the raw condition of alarm `id`; writes an update when its state changes.
    /// `message` and `sensors` replace the alarm's when the condition activates.
    mutating func evaluate(
        _ id: String, active: Bool, at time: Double, value: Double? = nil, threshold: Double? = nil,
        message: String? = nil, sensors: [String]? = nil, into updates: inout [AlarmUpdate]
    ) {
        guard let slot = alarms.position(of: id) else { return }
        evaluate(
            slot: slot, active: active, at: time, value: value, threshold: threshold, message: message,
            sensors: sensors, into: &updates)
    }

    private mutating func evaluate(
        slot: Int, active: Bool, at time: Double, value: Double? = nil, threshold: Double? = nil,
        message: String? = nil, sensors: [String]? = nil, into updates: inout [AlarmUpdate]
    ) {
        // The state machine steps in place; the record is copied only for a transition (rare).
        guard let transition = alarms[slot].machine.update(conditionActive: active, at: time) else { return }
        var alarm = alarms[slot]
        alarm.updatedAt = time
        if transition.cause == .conditionActivated || (transition.cause == .shelveExpired && alarm.active) {
            alarm.raisedAt = time
            if let value { alarm.value = value }
            if let threshold { alarm.threshold = threshold }
            if let message { alarm.message = message }
            if let sensors { alarm.sensors = sensors }
        }
        if transition.cause == .conditionCleared { alarm.clearedAt = time }
        alarms[slot] = alarm
        updates.append(update(alarm, transition, actor: "prognos"))
    }

    /// Clears alarm `id` at once (maintenance removed its cause; see `AlarmStateMachine.clearAtOnce`).
    mutating func clearAtOnce(_ id: String, at time: Double, into updates: inout [AlarmUpdate]) {
        guard let slot = alarms.position(of: id) else { return }
        var alarm = alarms[slot]
        guard let transition = alarm.machine.clearAtOnce(at: time) else { return }
        alarm.updatedAt = time
        alarm.clearedAt = time
        alarms[slot] = alarm
        updates.append(update(alarm, transition, actor: "prognos"))
    }

    /// Applies a command an operator made in another process (seen in the alarm history, `record` as
    /// stored) to this book's machine, so the daemon's next condition change starts from the
    /// operator's state; the condition stays this book's, which may be newer than the store's.
    mutating func adoptOperatorCommand(_ record: AlarmRecord, at time: Double) {
        alarms.update(record.id) { mine in
            mine = mine.adopting(commandsOf: record, at: time)
            mine.updatedAt = max(mine.updatedAt, record.updatedAt)
        }
    }

    func update(_ alarm: AlarmRecord, _ transition: AlarmTransition, actor: String) -> AlarmUpdate {
        AlarmUpdate(alarm: alarm, transition: transition, actor: actor, diagnosis: diagnoses[alarm.id])
    }

    /// Alarms currently annunciated (unacknowledged, acknowledged or returned-unacknowledged).
    var annunciated: [AlarmRecord] { alarms.all.filter { $0.state.isAnnunciated }.sorted { $0.id < $1.id } }
}

func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.3g", value)
}
