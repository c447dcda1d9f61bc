import Foundation
import GRDB
import PrognosCore

/// An operator's confirmation that an asset's present state is its new normal (`rebaseline_log`):
/// the daemon's model of the asset takes it as its baseline and learns its normal again from what follows.
public struct RebaselineRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "rebaseline_log"
    public var id: Int64?
    public var asset: String
    /// When it was asked for (the plant's clock).
    public var requestedAt: Double
    public var recordedBy: String
    public var note: String?

    public init(id: Int64? = nil, asset: String, requestedAt: Double, recordedBy: String, note: String? = nil) {
        self.id = id
        self.asset = asset
        self.requestedAt = requestedAt
        self.recordedBy = recordedBy
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id, asset, note
        case requestedAt = "requested_at"
        case recordedBy = "recorded_by"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Store {
    /// Records a re-baseline; returns its id.
    @discardableResult
    public func recordRebaseline(_ record: RebaselineRecord) async throws -> Int64 {
        try await appendLog(record, what: "the re-baseline")
    }

    /// Re-baselines recorded after `id`, oldest first (what the daemon has not adopted yet).
    public func rebaselines(after id: Int64, limit: Int = 1000) async throws -> [RebaselineRecord] {
        try await log(RebaselineRecord.self, after: id, limit: limit, what: "the re-baseline log")
    }

    /// The newest re-baselines, newest first.
    public func recentRebaselines(limit: Int = 50) async throws -> [RebaselineRecord] {
        try await recentLog(RebaselineRecord.self, limit: limit, what: "the re-baseline log")
    }
}
