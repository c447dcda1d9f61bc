/// What an `MQTTCollector` has received so far.
///
/// A message counts under a rejection reason once if any of its values was rejected for that
/// reason (a malformed payload feeding three sensors counts once, under `malformed-json`).
/// Values that were NaN or infinite are delivered as `.badValue` readings and also counted under `not-finite`.
public struct MQTTCollectorStatistics: Sendable, Equatable {
    public struct Topic: Sendable, Equatable {
        public var messages = 0
        public var readings = 0
        public var rejections: [PayloadRejection.Reason: Int] = [:]
        /// Receive time (seconds since 1970) of the last message.
        public var lastMessage: Double?
        public var rejected: Int { rejections.values.reduce(0, +) }
    }

    public var messages = 0
    /// Readings delivered to the sink (good and bad-value).
    public var readings = 0
    public var rejections: [PayloadRejection.Reason: Int] = [:]
    /// Per received topic name (not per filter).
    public var topics: [String: Topic] = [:]
    /// Whether each broker (by plant id) is connected now.
    public var connected: [String: Bool] = [:]
    /// Messages on a subscribed topic that no sensor is configured for (a wildcard's neighbours).
    public var unrouted = 0
}
