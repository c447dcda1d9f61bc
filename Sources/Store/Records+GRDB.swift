import Foundation
import GRDB
import PrognosCore

// The domain's records (PrognosCore) as GRDB rows: table names, columns and insert ids. The
// records' Codable keys are the column names.

extension MinuteSummary: FetchableRecord {}

// Read only: `forecasts_latest` is a view of `forecast_runs` (schema v9), written by `Store.write`.
extension ForecastRecord: FetchableRecord, TableRecord {
    public static let databaseTableName = "forecasts_latest"

    public enum Columns {
        public static let asset = Column(CodingKeys.asset)
        public static let sensor = Column(CodingKeys.sensor)
        public static let madeAt = Column(CodingKeys.madeAt)
        public static let targetTime = Column(CodingKeys.targetTime)
    }
}

extension SensorShare: FetchableRecord {}

extension DeviationRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "deviations"

    public enum Columns {
        public static let asset = Column(CodingKeys.asset)
        public static let time = Column(CodingKeys.time)
    }
}

extension HealthRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "health"

    public enum Columns {
        public static let asset = Column(CodingKeys.asset)
        public static let failureMode = Column(CodingKeys.failureMode)
        public static let time = Column(CodingKeys.time)
    }
}

extension AlarmRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "alarms"

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let asset = Column(CodingKeys.asset)
        public static let state = Column(CodingKeys.state)
        public static let raisedAt = Column(CodingKeys.raisedAt)
        public static let shelvedUntil = Column(CodingKeys.shelvedUntil)
    }
}

extension AlarmHistoryRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "alarm_history"

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let alarmID = Column(CodingKeys.alarmID)
        public static let time = Column(CodingKeys.time)
        public static let actor = Column(CodingKeys.actor)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension OutboxMessage: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "outbox"

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let kind = Column(CodingKeys.kind)
        public static let topic = Column(CodingKeys.topic)
        public static let retain = Column(CodingKeys.retain)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension PlanRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "plans"

    public enum Columns {
        public static let version = Column(CodingKeys.version)
        public static let createdAt = Column(CodingKeys.createdAt)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        version = inserted.rowID
    }
}

extension ProposalRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "proposals"

    public enum Columns {
        public static let planVersion = Column(CodingKeys.planVersion)
        public static let windowStart = Column(CodingKeys.windowStart)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension EventRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "events"

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let time = Column(CodingKeys.time)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension DaemonStatus: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "daemon_status"

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = 1
        container[CodingKeys.pid.rawValue] = pid
        container[CodingKeys.version.rawValue] = version
        container[CodingKeys.plant.rawValue] = plant
        container[CodingKeys.startedAt.rawValue] = startedAt
        container[CodingKeys.heartbeatAt.rawValue] = heartbeatAt
        container[CodingKeys.ingestLag.rawValue] = ingestLag
        container[CodingKeys.readingsIngested.rawValue] = readingsIngested
        container[CodingKeys.readingsDropped.rawValue] = readingsDropped
        container[CodingKeys.assets.rawValue] = assets
        container[CodingKeys.alarmsActive.rawValue] = alarmsActive
        container[CodingKeys.outboxPending.rawValue] = outboxPending
        container[CodingKeys.details.rawValue] = String(decoding: try JSONEncoder().encode(details), as: UTF8.self)
    }
}

/// A versioned snapshot of one asset's world model (parameters, filter state, calibration).
public struct ModelSnapshot: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "model_snapshots"
    public var asset: String
    /// Assigned on save: 1, 2, 3… per asset.
    public var version: Int64
    public var createdAt: Double
    /// What `bytes` holds, for the loader (e.g. `worldmodel/1`).
    public var format: String
    public var bytes: Data

    public init(asset: String, version: Int64 = 0, createdAt: Double, format: String, bytes: Data) {
        self.asset = asset
        self.version = version
        self.createdAt = createdAt
        self.format = format
        self.bytes = bytes
    }

    enum CodingKeys: String, CodingKey {
        case asset, version, format, bytes
        case createdAt = "created_at"
    }

    public enum Columns {
        public static let asset = Column(CodingKeys.asset)
        public static let version = Column(CodingKeys.version)
    }

}
