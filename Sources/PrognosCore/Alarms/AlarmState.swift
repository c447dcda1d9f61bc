/// ISA-18.2 alarm states.
public enum AlarmState: String, Sendable, Equatable, CaseIterable, Codable {
    /// Condition inactive and nothing left to acknowledge.
    case normal
    /// Condition active, not yet acknowledged by an operator.
    case unacknowledged
    /// Condition active, acknowledged.
    case acknowledged
    /// Condition returned to normal before anyone acknowledged it.
    case returnedUnacknowledged = "returned-unacknowledged"
    /// Suppressed by an operator until a set time.
    case shelved
    /// Suppressed by maintenance (the instrument or the asset is being worked on).
    case outOfService = "out-of-service"

    /// Whether the alarm still asks for an operator's attention.
    public var needsAttention: Bool { self == .unacknowledged || self == .returnedUnacknowledged }
    /// Whether an operator suppressed the alarm (shelved, or out of service).
    public var isSuppressed: Bool { self == .shelved || self == .outOfService }
    /// Whether the alarm is shown as active (not normal and not suppressed).
    public var isAnnunciated: Bool {
        self == .unacknowledged || self == .acknowledged || self == .returnedUnacknowledged
    }
}

/// What an alarm watches.
public enum AlarmKind: String, Sendable, Equatable, CaseIterable, Codable {
    /// The world model's deviation score crossed its calibrated threshold.
    case deviation
    /// A sensor crossed its alarm or trip limit from the plant file.
    case limit
    /// The remaining useful life of a failure mode fell below the alarm horizon.
    case rul
    /// A device or broker stopped delivering data.
    case communication
    /// A failure mode failed: its limit sensor crossed the failure limit, or the machine tripped while
    /// the mode stood past its alarm level. Active until maintenance restores the mode.
    case failure
}

/// ISA-18.2 priority: how fast the operator must respond.
public enum AlarmPriority: String, Sendable, Equatable, CaseIterable, Codable, Comparable {
    case low, medium, high, urgent

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: AlarmPriority, b: AlarmPriority) -> Bool { a.rank < b.rank }
}

/// Why an alarm changed state.
public enum AlarmCause: String, Sendable, Equatable, Codable {
    case conditionActivated = "condition-activated"
    case conditionCleared = "condition-cleared"
    case acknowledged
    case shelved
    case unshelved
    case shelveExpired = "shelve-expired"
    case removedFromService = "removed-from-service"
    case returnedToService = "returned-to-service"
}

/// One change of an alarm's state, as it is stored and published.
public struct AlarmTransition: Sendable, Equatable, Codable {
    public var from: AlarmState
    public var to: AlarmState
    public var cause: AlarmCause
    /// Seconds since 1970 (UTC).
    public var time: Double

    public init(from: AlarmState, to: AlarmState, cause: AlarmCause, time: Double) {
        self.from = from
        self.to = to
        self.cause = cause
        self.time = time
    }
}
