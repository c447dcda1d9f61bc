import PrognosCore

/// The daemon's numbers at one heartbeat: the row `prognos status` reads, and the parts of its
/// counts that the metrics show by label. Built once and given to both, so the two never disagree.
public struct DaemonSample: Sendable {
    public var status: DaemonStatus
    public var ingested: ReadingTally
    /// Readings the bounded stream from the collectors dropped, readings the store's bounded queue
    /// dropped, and the other records it dropped; their sum is `status.readingsDropped`.
    public var droppedInStream: ReadingTally
    public var droppedByStore: ReadingTally
    public var otherRecordsDroppedByStore: Int
    /// Annunciated alarms by state and priority (their sum is `status.alarmsActive`).
    public var alarms: [AlarmCount]
    public var outbox: OutboxCount
    /// Seconds the oldest undelivered alert has waited; nil when none waits.
    public var outboxOldestAge: Double?
    /// Telemetry transactions committed, and the seconds they took together.
    public var storeCommits: Int
    public var storeCommitSeconds: Double

    public struct AlarmCount: Sendable, Equatable {
        public var state: AlarmState
        public var priority: AlarmPriority
        public var count: Int
        public init(state: AlarmState, priority: AlarmPriority, count: Int) {
            self.state = state
            self.priority = priority
            self.count = count
        }
    }

    public init(
        status: DaemonStatus, ingested: ReadingTally, droppedInStream: ReadingTally, droppedByStore: ReadingTally,
        otherRecordsDroppedByStore: Int, alarms: [AlarmCount],
        outbox: OutboxCount, outboxOldestAge: Double?, storeCommits: Int, storeCommitSeconds: Double
    ) {
        self.status = status
        self.ingested = ingested
        self.droppedInStream = droppedInStream
        self.droppedByStore = droppedByStore
        self.otherRecordsDroppedByStore = otherRecordsDroppedByStore
        self.alarms = alarms
        self.outbox = outbox
        self.outboxOldestAge = outboxOldestAge
        self.storeCommits = storeCommits
        self.storeCommitSeconds = storeCommitSeconds
    }
}
