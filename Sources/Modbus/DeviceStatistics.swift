/// How polling one device has gone so far.
public struct DeviceStatistics: Sendable, Equatable {
    /// Polls made (each reads every configured request of the device once, with retries).
    public var polls = 0
    /// Polls in which at least one request got no answer, so some readings were comm-fail.
    public var failedPolls = 0
    /// Failed polls since the last poll in which every request was answered.
    public var consecutiveFailedPolls = 0
    /// Wall-clock time (seconds since 1970) of the last poll in which every request was answered.
    public var lastSuccess: Double?
    /// The most recent failure (nil once a poll succeeds fully).
    public var lastError: ModbusError?
    /// Read requests sent, retries included.
    public var requests = 0
    /// Retries made after a failed attempt.
    public var retries = 0
    /// Connections opened (the first one included).
    public var connects = 0
    /// Exception answers received (illegal address, busy, …).
    public var exceptions = 0

    public init() {}

    /// Adds one poll's outcome.
    public mutating func record(_ poll: PollSummary) {
        polls += 1
        requests += poll.requests
        retries += poll.retries
        connects += poll.connects
        exceptions += poll.exceptions
        if let error = poll.error, !poll.allAnswered {
            failedPolls += 1
            consecutiveFailedPolls += 1
            lastError = error
        } else {
            consecutiveFailedPolls = 0
            lastSuccess = poll.finished
            lastError = poll.error
        }
    }
}

/// What one poll of one device did.
public struct PollSummary: Sendable, Equatable {
    /// Whether every request got an answer (data or an exception).
    public var allAnswered: Bool
    /// The last failure in the poll, if any (an exception answer counts, without failing the poll).
    public var error: ModbusError?
    public var requests = 0
    public var retries = 0
    public var connects = 0
    public var exceptions = 0
    /// Wall-clock time the poll ended.
    public var finished: Double

    public init(allAnswered: Bool, error: ModbusError?, finished: Double) {
        self.allAnswered = allAnswered
        self.error = error
        self.finished = finished
    }
}
