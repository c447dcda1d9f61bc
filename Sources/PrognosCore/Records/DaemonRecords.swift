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
    /// What else the daemon says of itself (stored as JSON text).
    public var details: DaemonDetails

    public init(
        pid: Int, version: String, plant: String, startedAt: Double, heartbeatAt: Double, ingestLag: Double? = nil,
        readingsIngested: Int = 0, readingsDropped: Int = 0, assets: Int = 0, alarmsActive: Int = 0,
        outboxPending: Int = 0, details: DaemonDetails = DaemonDetails()
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

/// The daemon's own facts beyond the counts: its site (for alert topics written by other
/// processes) and a plant clock other than the wall's.
public struct DaemonDetails: Codable, Sendable, Equatable {
    public var site: String?
    public var clockSpeed: Double?
    public var clockStart: Double?
    /// Resident memory of the daemon, bytes.
    public var residentBytes: Int?
    /// Records waiting for the telemetry writer, and alarm changes waiting for the store.
    public var writerQueue: Int?
    public var alarmQueue: Int?

    public init(
        site: String? = nil, clock: PlantClock = .wall, residentBytes: Int? = nil, writerQueue: Int? = nil,
        alarmQueue: Int? = nil
    ) {
        self.site = site
        self.residentBytes = residentBytes
        self.writerQueue = writerQueue
        self.alarmQueue = alarmQueue
        if !clock.isWall {
            clockSpeed = clock.speed
            clockStart = clock.start
        }
    }

    public enum CodingKeys: String, CodingKey {
        case site
        case clockSpeed = "clock_speed"
        case clockStart = "clock_start"
        case residentBytes = "resident_bytes"
        case writerQueue = "writer_queue"
        case alarmQueue = "alarm_queue"
    }
}

extension DaemonStatus {
    /// The plant clock the daemon lives by: the times of readings, alarms and plans are on it, the
    /// heartbeat is on the wall.
    public var clock: PlantClock {
        guard let speed = details.clockSpeed, let start = details.clockStart, speed > 0, speed.isFinite, start.isFinite
        else { return .wall }
        return PlantClock(speed: speed, start: start)
    }

    /// The plant's time at a wall instant, as this daemon counts it. A simulated clock stops with
    /// its daemon: once the heartbeat is `staleAfter` seconds old, the time is the last heartbeat's.
    public func plantTime(atWall wall: Double, staleAfter: Double = 30) -> Double {
        let clock = self.clock
        guard !clock.isWall else { return wall }
        return clock.plantTime(atWall: wall - heartbeatAt > staleAfter ? heartbeatAt : wall)
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
