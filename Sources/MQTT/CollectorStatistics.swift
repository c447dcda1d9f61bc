/// What an `MQTTCollector` has received so far.
///
/// A message counts under a rejection reason once if any of its values was rejected for that
/// reason (a malformed payload feeding three sensors counts once, under `malformed-json`).
/// Values that were NaN or infinite are delivered as `.badValue` readings and also counted under `not-finite`.
/// A value whose timestamp was missing or unreadable is delivered with the receive time and
/// counted in `timestampFallbacks`, not as a rejection.
public struct MQTTCollectorStatistics: Sendable, Equatable {
    public struct Topic: Sendable, Equatable {
        public var messages = 0
        public var readings = 0
        public var rejections: [PayloadRejection.Reason: Int] = [:]
        /// Messages whose timestamp could not be used (the receive time was).
        public var timestampFallbacks = 0
        /// Receive time (seconds since 1970) of the last message.
        public var lastMessage: Double?
        public var rejected: Int { rejections.values.reduce(0, +) }

        mutating func record(readings: Int, reasons: [PayloadRejection.Reason], timestampProblem: Bool, at time: Double)
        {
            messages += 1
            self.readings += readings
            lastMessage = time
            for reason in reasons { rejections[reason, default: 0] += 1 }
            if timestampProblem { timestampFallbacks += 1 }
        }
    }

    public var messages = 0
    /// Readings delivered to the sink (good and bad-value).
    public var readings = 0
    public var rejections: [PayloadRejection.Reason: Int] = [:]
    public var timestampFallbacks = 0
    /// Per received topic name (not per filter).
    public var topics: [String: Topic] = [:]
    /// Whether each broker (by plant id) is connected now.
    public var connected: [String: Bool] = [:]
    /// Messages on a subscribed topic that no sensor is configured for (a wildcard's neighbours).
    public var unrouted = 0
    /// Sparkplug values marked historical: counted, not delivered (readings are current values).
    public var sparkplugHistorical = 0
    /// Sparkplug rebirth requests (NCMD `Node Control/Rebirth`) published.
    public var rebirthRequests = 0
}
