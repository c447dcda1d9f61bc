// Alarm points, their history and the operator commands that move them.

/// The current state of one alarm point (one row per alarm id; its past is in `alarm_history`).
///
/// The point's ISA-18.2 state machine (`PrognosCore.AlarmStateMachine`) is stored with it, so that an
/// operator's command in another process (`prognos alarms`, the dashboard) runs the same state
/// machine the daemon runs. `state`, `active` and `shelvedUntil` are plain copies of the machine's,
/// kept in their own columns for SQL readers.
public struct AlarmRecord: Codable, Sendable, Equatable {
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

    /// This record (the daemon's, its condition current) with the operators' commands that `stored`
    /// (the store's row of the same alarm) holds, as `AlarmStateMachine.adopting` merges them, and
    /// who made them: the daemon learns of operators' commands through the store, so an
    /// acknowledgement made while its own change was on the way is kept, not overwritten.
    public func adopting(commandsOf stored: AlarmRecord, at time: Double) -> AlarmRecord {
        var merged = self
        merged.machine = machine.adopting(
            commandsOf: stored.machine, sameActivation: raisedAt == stored.raisedAt, at: time)
        merged.acknowledgedBy = stored.acknowledgedBy
        merged.acknowledgedAt = stored.acknowledgedAt
        merged.shelvedBy = stored.shelvedBy
        return merged
    }

    public enum CodingKeys: String, CodingKey {
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
}

/// One transition of one alarm: who caused what, when, from which state to which.
public struct AlarmHistoryRecord: Codable, Sendable, Equatable {
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

    public enum CodingKeys: String, CodingKey {
        case id, asset, time, cause, active, priority, actor, note
        case alarmID = "alarm_id"
        case fromState = "from_state"
        case toState = "to_state"
    }
}

/// An operator's command on an alarm (from `prognos alarms` or the dashboard).
public enum AlarmCommand: Sendable, Equatable {
    case acknowledge
    case shelve(until: Double)
    case unshelve
    case removeFromService
    case returnToService

    /// The command in words, for messages ("remove from service").
    public var name: String {
        switch self {
        case .acknowledge: "acknowledge"
        case .shelve: "shelve"
        case .unshelve: "unshelve"
        case .removeFromService: "remove from service"
        case .returnToService: "return to service"
        }
    }

    /// The alarm after this command by `actor` at `time`, run through the alarm's own state machine,
    /// and the transition it made: from shelved to shelved when it only moved a shelve's end, so that
    /// the history says who moved it and when, and the running daemon learns of it. Throws
    /// `AlarmCommandRefused` when the alarm's state does not allow the command.
    public func applied(
        to alarm: AlarmRecord, by actor: String, at time: Double
    ) throws
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
                return (next, transition ?? AlarmTransition(from: .shelved, to: .shelved, cause: .shelved, time: time))
            }
        case .unshelve: transition = next.machine.unshelve(at: time)
        case .removeFromService: transition = next.machine.removeFromService(at: time)
        case .returnToService: transition = next.machine.returnToService(at: time)
        }
        guard let transition else {
            var why = "it is \(alarm.state.rawValue)"
            if case .shelve(let until) = self, until <= time {
                why = "the shelve end \(until) is not after now (\(time))"
            }
            throw AlarmCommandRefused(message: "cannot \(name) alarm \(alarm.id): \(why)")
        }
        return (next, transition)
    }
}

/// Why an operator's command was refused: the alarm's state does not allow it.
public struct AlarmCommandRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
