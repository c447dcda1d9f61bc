import GRDB

/// An operator's report kept in an append-only log table (maintenance done, re-baselines): recorded
/// once, then read by the daemon in id order from where it stopped, and listed newest first.
protocol OperatorLogRecord: Sendable, FetchableRecord, MutablePersistableRecord {
    var id: Int64? { get set }
}

extension MaintenanceRecord: OperatorLogRecord {}
extension RebaselineRecord: OperatorLogRecord {}

extension Store {
    /// Appends a report; returns its id. `what` names it in the error ("the maintenance").
    func appendLog<R: OperatorLogRecord>(_ record: R, what: String) async throws -> Int64 {
        try await write("cannot record \(what)") { db in
            var record = record
            record.id = nil
            try record.insert(db)
            return record.id!
        }
    }

    /// Reports recorded after `id`, oldest first (what the daemon has not adopted yet).
    func log<R: OperatorLogRecord>(_: R.Type, after id: Int64, limit: Int, what: String) async throws -> [R] {
        try await read("cannot read \(what)") { db in
            try R.filter(Column("id") > id).order(Column("id")).limit(limit).fetchAll(db)
        }
    }

    /// The newest reports, newest first.
    func recentLog<R: OperatorLogRecord>(_: R.Type, limit: Int, what: String) async throws -> [R] {
        try await read("cannot read \(what)") { db in
            try R.order(Column("id").desc).limit(limit).fetchAll(db)
        }
    }
}
