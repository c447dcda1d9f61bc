/// The ISA-18.2 state of one alarm, driven by its raw condition and by operators' commands.
///
/// The raw condition is debounced by an on-delay (it must hold that long before the alarm
/// annunciates) and an off-delay (it must stay clear that long before the alarm returns), which
/// keeps a noisy signal from chattering. Deadband on the value itself is the job of
/// `LimitCondition`, which produces the raw condition. While shelved or out of service the condition
/// is still tracked, so the alarm comes back in the right state.
public struct AlarmStateMachine: Sendable, Equatable, Codable {
    public private(set) var state: AlarmState = .normal
    /// The debounced condition.
    public private(set) var isConditionActive = false
    /// Whether an operator has acknowledged the current activation.
    private var isAcknowledged = true
    /// Since when the raw condition has disagreed with the debounced one.
    private var disagreeingSince: Double?
    /// Since when the raw condition of a clearing alarm has been active again: shorter than the
    /// on-delay it is a blip, which neither raises an alarm nor holds one.
    private var blipSince: Double?
    public private(set) var shelvedUntil: Double?
    public private(set) var onDelay: Double
    public private(set) var offDelay: Double

    public init(onDelay: Double = 0, offDelay: Double = 0) {
        self.onDelay = onDelay
        self.offDelay = offDelay
    }

    /// This machine's state with other delays: a restarted daemon's configuration, not the stored
    /// run's.
    public func withDelays(onDelay: Double, offDelay: Double) -> AlarmStateMachine {
        var machine = self
        (machine.onDelay, machine.offDelay) = (onDelay, offDelay)
        return machine
    }

    /// Feeds the raw condition at `time`; returns the transition it caused, if any.
    public mutating func update(conditionActive raw: Bool, at time: Double) -> AlarmTransition? {
        if let expiry = shelvedUntil, time >= expiry, state == .shelved {
            shelvedUntil = nil
            return transition(to: annunciatedState, cause: .shelveExpired, at: time)
        }
        guard raw != isConditionActive else {
            // Back to the debounced condition. While an active alarm clears, a return that has not
            // held for the on-delay does not restart the off-delay: at one step a second, a healthy
            // machine flagged on 1 % of its steps is never clear for half an hour on end.
            let back = blipSince ?? time
            if isConditionActive, disagreeingSince != nil, time - back < onDelay {
                blipSince = back
            } else {
                disagreeingSince = nil
                blipSince = nil
            }
            return nil
        }
        blipSince = nil
        let since = disagreeingSince ?? time
        disagreeingSince = since
        guard time - since >= (raw ? onDelay : offDelay) else { return nil }
        disagreeingSince = nil
        isConditionActive = raw
        if raw { isAcknowledged = false }
        guard !state.isSuppressed else { return nil }
        return transition(to: annunciatedState, cause: raw ? .conditionActivated : .conditionCleared, at: time)
    }

    /// Maintenance removed the alarm's cause: its condition clears now, without waiting out the
    /// off-delay (which guards against a noisy signal, not against a repaired machine).
    public mutating func clearAtOnce(at time: Double) -> AlarmTransition? {
        guard isConditionActive else { return nil }
        (disagreeingSince, blipSince) = (nil, nil)
        isConditionActive = false
        guard !state.isSuppressed else { return nil }
        return transition(to: annunciatedState, cause: .conditionCleared, at: time)
    }

    /// An operator acknowledges the alarm; nothing happens unless it awaits acknowledgement.
    public mutating func acknowledge(at time: Double) -> AlarmTransition? {
        guard state.needsAttention else { return nil }
        isAcknowledged = true
        return transition(to: annunciatedState, cause: .acknowledged, at: time)
    }

    /// An operator shelves the alarm until `until`.
    public mutating func shelve(until: Double, at time: Double) -> AlarmTransition? {
        guard state != .outOfService, until > time else { return nil }
        shelvedUntil = until
        if state == .shelved { return nil }
        return transition(to: .shelved, cause: .shelved, at: time)
    }

    public mutating func unshelve(at time: Double) -> AlarmTransition? {
        guard state == .shelved else { return nil }
        shelvedUntil = nil
        return transition(to: annunciatedState, cause: .unshelved, at: time)
    }

    public mutating func removeFromService(at time: Double) -> AlarmTransition? {
        guard state != .outOfService else { return nil }
        shelvedUntil = nil
        return transition(to: .outOfService, cause: .removedFromService, at: time)
    }

    public mutating func returnToService(at time: Double) -> AlarmTransition? {
        guard state == .outOfService else { return nil }
        return transition(to: annunciatedState, cause: .returnedToService, at: time)
    }

    /// This machine, whose condition is current, with the operators' commands that `stored` holds and
    /// this machine may not have seen yet. Operators command through the store, so its acknowledgement,
    /// shelve and service state are the newest there are, while the condition is this machine's (the
    /// daemon's). An acknowledgement counts only for the activation it was given to
    /// (`sameActivation`), and a stored shelve that has run out by `time` is this machine's to end.
    public func adopting(
        commandsOf stored: AlarmStateMachine, sameActivation: Bool, at time: Double
    )
        -> AlarmStateMachine
    {
        var merged = self
        if sameActivation, stored.isAcknowledged { merged.isAcknowledged = true }
        var suppressed = stored.state.isSuppressed ? stored.state : nil
        if stored.state == .shelved, (stored.shelvedUntil ?? -.infinity) <= time {
            suppressed = state.isSuppressed ? state : nil
        } else {
            merged.shelvedUntil = stored.shelvedUntil
        }
        merged.state = suppressed ?? merged.annunciatedState
        return merged
    }

    /// The state the condition and acknowledgement call for when nothing suppresses the alarm.
    private var annunciatedState: AlarmState {
        switch (isConditionActive, isAcknowledged) {
        case (true, false): .unacknowledged
        case (true, true): .acknowledged
        case (false, false): .returnedUnacknowledged
        case (false, true): .normal
        }
    }

    private mutating func transition(to next: AlarmState, cause: AlarmCause, at time: Double) -> AlarmTransition? {
        guard next != state else { return nil }
        let change = AlarmTransition(from: state, to: next, cause: cause, time: time)
        state = next
        return change
    }
}

/// A high or low limit with a deadband: the condition activates past the limit and clears only
/// once the value is back by more than the deadband, so a value hovering at the limit does not chatter.
public struct LimitCondition: Sendable, Equatable, Codable {
    public enum Side: String, Sendable, Equatable, Codable {
        case high, low
    }
    public var side: Side
    public var limit: Double
    public var deadband: Double

    public init(side: Side, limit: Double, deadband: Double) {
        self.side = side
        self.limit = limit
        self.deadband = max(0, deadband)
    }

    /// The raw condition for `value`, given whether it was active before.
    public func isActive(_ value: Double, wasActive: Bool) -> Bool {
        switch side {
        case .high: wasActive ? value > limit - deadband : value > limit
        case .low: wasActive ? value < limit + deadband : value < limit
        }
    }
}
