import Foundation
import GRDB
import PrognosCore

/// Maintenance an engineer reports as done on an asset (`maintenance_log`).
public struct MaintenanceRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "maintenance_log"
    public var id: Int64?
    public var asset: String
    /// Action id from the plant's catalogue.
    public var action: String
    /// When the work was done (the plant's clock).
    public var doneAt: Double
    public var recordedBy: String
    public var recordedAt: Double
    public var note: String?

    public init(
        id: Int64? = nil, asset: String, action: String, doneAt: Double, recordedBy: String, recordedAt: Double,
        note: String? = nil
    ) {
        self.id = id
        self.asset = asset
        self.action = action
        self.doneAt = doneAt
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id, asset, action, note
        case doneAt = "done_at"
        case recordedBy = "recorded_by"
        case recordedAt = "recorded_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Store {
    /// Records maintenance as done; returns its id.
    @discardableResult
    public func recordMaintenance(_ record: MaintenanceRecord) async throws -> Int64 {
        try await appendLog(record, what: "the maintenance")
    }

    /// Maintenance recorded after `id`, oldest first (what the daemon has not adopted yet).
    public func maintenance(after id: Int64, limit: Int = 1000) async throws -> [MaintenanceRecord] {
        try await log(MaintenanceRecord.self, after: id, limit: limit, what: "the maintenance log")
    }

    /// The newest maintenance records, newest first.
    public func recentMaintenance(limit: Int = 50) async throws -> [MaintenanceRecord] {
        try await recentLog(MaintenanceRecord.self, limit: limit, what: "the maintenance log")
    }
}
