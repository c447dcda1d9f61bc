// The daemon's own log and heartbeat, and the counts `prognos status` shows.

/// The daemon's own log of what it did and what went wrong (device lost, model refit, disk full…).
public struct EventRecord: Codable, Sendable, Equatable {
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

    public enum CodingKeys: String, CodingKey {
        case id, time, level, kind, asset, message
    }
}

/// The daemon's heartbeat row, read by the dashboard and `prognos status`.
public struct DaemonStatus: Codable, Sendable, Equatable {
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

    public enum CodingKeys: String, CodingKey {
        case pid, version, plant, assets, details
        case startedAt = "started_at"
        case heartbeatAt = "heartbeat_at"
        case ingestLag = "ingest_lag"
        case readingsIngested = "readings_ingested"
        case readingsDropped = "readings_dropped"
        case alarmsActive = "alarms_active"
        case outboxPending = "outbox_pending"
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
