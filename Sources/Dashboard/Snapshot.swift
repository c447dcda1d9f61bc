import PrognosCore
import Store

/// Everything a frame shows, read from the store at one time. Views are pure functions of it.
public struct Snapshot: Sendable, Equatable {
    /// The plant's time (the daemon's clock: a simulation's runs faster than the wall).
    public var now: Double
    /// The wall clock's time, for the daemon's heartbeat.
    public var wallNow: Double
    public var clock: PlantClock
    public var daemon: DaemonStatus?
    public var lastDataTime: Double?
    public var undeliveredAlerts: Int
    public var rows: [AssetRow]
    /// Alarm points not in `normal`, as `Store.activeAlarms()` orders them (unacknowledged first, oldest first).
    public var alarms: [AlarmRecord]
    public var plan: MaintenancePlan?
    public var detail: AssetDetail?
    /// Why the last read failed (the dashboard keeps showing what it had).
    public var error: String?

    public init(
        now: Double, daemon: DaemonStatus? = nil, lastDataTime: Double? = nil, undeliveredAlerts: Int = 0,
        rows: [AssetRow] = [],
        alarms: [AlarmRecord] = [], plan: MaintenancePlan? = nil, detail: AssetDetail? = nil, error: String? = nil,
        wallNow: Double? = nil, clock: PlantClock = .wall
    ) {
        self.now = now
        self.wallNow = wallNow ?? now
        self.clock = clock
        self.daemon = daemon
        self.lastDataTime = lastDataTime
        self.undeliveredAlerts = undeliveredAlerts
        self.rows = rows
        self.alarms = alarms
        self.plan = plan
        self.detail = detail
        self.error = error
    }
}

/// One asset on the plant view.
public struct AssetRow: Sendable, Equatable {
    public var id: String
    public var info: PlantHierarchy.AssetInfo?
    public var status: NE107Status
    public var score: Double?
    public var threshold: Double?
    /// Worst (largest) deviation score per time bucket of the plant history, oldest first.
    public var spark: [Double?]
    /// The failure mode with the shortest median RUL.
    public var worstRUL: HealthRecord?
    /// Annunciated alarms (unacknowledged, acknowledged, returned-unacknowledged).
    public var alarms: Int
    public var unacknowledged: Int
    /// No deviation score yet: the world model is still learning (or the asset has no data).
    public var learning: Bool

    public init(
        id: String, info: PlantHierarchy.AssetInfo? = nil, status: NE107Status = .normal, score: Double? = nil,
        threshold: Double? = nil, spark: [Double?] = [], worstRUL: HealthRecord? = nil, alarms: Int = 0,
        unacknowledged: Int = 0, learning: Bool = false
    ) {
        self.id = id
        self.info = info
        self.status = status
        self.score = score
        self.threshold = threshold
        self.spark = spark
        self.worstRUL = worstRUL
        self.alarms = alarms
        self.unacknowledged = unacknowledged
        self.learning = learning
    }

    /// Score as a fraction of the threshold (1 = at the threshold).
    public var ratio: Double? {
        guard let score, let threshold, threshold > 0 else { return nil }
        return score / threshold
    }
}

/// The asset view's figures for one asset.
public struct AssetDetail: Sendable, Equatable {
    public struct SensorPanel: Sendable, Equatable {
        public var info: PlantHierarchy.SensorInfo
        public var latest: Reading?
        /// Mean per time bucket over the asset history, oldest first.
        public var history: [Double?]
        /// The latest forecast run, ascending in target time.
        public var forecast: [ForecastRecord]
        /// Share of the latest deviation score (0…1).
        public var share: Double?
    }

    public var id: String
    public var deviation: DeviationRecord?
    public var health: [HealthRecord]
    public var sensors: [SensorPanel]
    /// Start of the history window and the width of one history bucket, in seconds.
    public var historyStart: Double
    public var bucketSeconds: Double
}
