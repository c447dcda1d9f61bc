import GRDB
import GRDBSQLite
import PrognosCore

/// What one `pack` call did.
public struct PackReport: Sendable, Equatable {
    /// Staged readings moved into packed rows (a late reading merged into its minute's row included).
    public var readings = 0
    /// Packed rows written (inserted or merged into).
    public var rows = 0
    /// Readings dropped because their signal's minute already held one at the same time.
    public var duplicates = 0
    public var transactions = 0
    public init() {}
}

extension Store {
    /// Moves the staged readings older than `cutoff` (rounded down to a minute) into
    /// `readings_packed`, one row per signal-minute, a window of whole minutes at a time (about
    /// `readingsPerWindow` readings, one minute at least: what is held in memory).
    ///
    /// Why: `readings_staged` is keyed by time, so a flush appends to its last few pages whatever
    /// the number of signals; a signal's history is read from its packed rows, one row a minute.
    /// A reading whose minute is already packed (a late one) is merged into that row, the stored
    /// reading winning over one at the same time. Writes of readings wait while a pack runs, so the
    /// staged rows it read are the ones it deletes.
    ///
    /// A window is written in short transactions, about `readingsPerTransaction` readings each, so
    /// that an alarm's commit waits for one of them and not for the minute (issue 20): its
    /// signals a group at a time (with `pack_progress`, which `readings_view` and
    /// `finishInterruptedPack` read), then its staged readings deleted a few seconds at a time.
    /// They commit as telemetry does (`synchronous=NORMAL`): a power cut can undo only the last of
    /// them, and any prefix of them leaves every reading stored once.
    @discardableResult
    public func pack(
        before cutoff: Double, readingsPerWindow: Int = 1_000_000, readingsPerTransaction: Int = 60_000
    ) async throws -> PackReport {
        precondition(readingsPerWindow > 0 && readingsPerTransaction > 0)
        let end = PackedMinute.minute(of: cutoff)
        await packing.lock()
        defer { packing.unlock() }
        var report = PackReport()
        while true {
            let window = try await read("cannot read the staged readings") { db in
                try Self.stagedWindow(before: end, readings: readingsPerWindow, db)
            }
            guard let window else { break }
            for group in window.groups(readings: readingsPerTransaction) {
                let (rows, duplicates) = try await writeTelemetry("cannot pack readings") { db in
                    try Self.packGroup(window.rows[group], before: window.end, db)
                }
                report.rows += rows
                report.duplicates += duplicates
                report.transactions += 1
            }
            for bound in window.deletionBounds(readings: readingsPerTransaction) {
                try await writeTelemetry("cannot delete packed readings") { db in
                    try db.execute(sql: "DELETE FROM readings_staged WHERE time < ?", arguments: [bound])
                    if bound == window.end { try db.execute(sql: "DELETE FROM pack_progress") }
                }
                report.transactions += 1
            }
            report.readings += window.readings
        }
        return report
    }

    /// Finishes a pack that was interrupted (a crash, a kill) between its transactions: the staged
    /// readings that `pack_progress` says are packed are deleted. Run when the store is opened for
    /// writing, before a reading is written: a reading staged later is never taken for a packed one.
    static func finishInterruptedPack(_ db: Database) throws {
        guard
            let progress = try Row.fetchOne(db, sql: "SELECT window_end, series_through FROM pack_progress")
        else { return }
        try db.execute(
            sql: "DELETE FROM readings_staged WHERE time < ? AND series_id <= ?",
            arguments: [progress["window_end"] as Double, progress["series_through"] as Int64])
        try db.execute(sql: "DELETE FROM pack_progress")
    }

    /// Staged readings of whole minutes from the oldest, by signal and minute.
    struct StagedWindow: Sendable {
        /// The oldest staged reading's time.
        var start: Double
        /// Exclusive: every staged reading before it is in `rows`.
        var end: Double
        /// By series, then minute; encoded here, before the write transactions, which other
        /// writes (alarms) wait for.
        var rows: [PackedRow]
        var readings: Int

        /// `rows` in groups of whole signals (a signal's minutes are packed together: `pack_progress`
        /// counts signals) of about `budget` readings, one signal at least.
        func groups(readings budget: Int) -> [Range<Int>] {
            var groups: [Range<Int>] = []
            var first = 0
            var count = 0
            for index in rows.indices {
                count += rows[index].packed.count
                let signalEnds = index + 1 == rows.count || rows[index + 1].series != rows[index].series
                if signalEnds && count >= budget {
                    groups.append(first..<(index + 1))
                    first = index + 1
                    count = 0
                }
            }
            if first < rows.count { groups.append(first..<rows.count) }
            return groups
        }

        /// The upper time bounds of the deletes of the staged readings, about `budget` readings
        /// each (taken as spread evenly over the window's span), the last one `end`.
        func deletionBounds(readings budget: Int) -> [Double] {
            let parts = Swift.max(1, Swift.min(1_000, (readings + budget - 1) / budget))
            let step = (end - start) / Double(parts)
            return (1..<parts).map { start + Double($0) * step } + [end]
        }
    }

    /// One signal's staged minutes, oldest first.
    struct StagedSignal: Sendable {
        var series: Int64
        var minutes: [PackedMinute] = []
    }

    /// The oldest staged minutes before `cutoff`, about `readings` of them (a minute is not split);
    /// nil when nothing is staged before `cutoff`.
    static func stagedWindow(before cutoff: Double, readings budget: Int, _ db: Database) throws -> StagedWindow? {
        guard let first = try Double.fetchOne(db, sql: "SELECT min(time) FROM readings_staged"),
            first < cutoff
        else { return nil }
        // The minute that the budget ends in is left for the next window, unless it is the first.
        var end = cutoff
        if let last = try Double.fetchOne(
            db, sql: "SELECT time FROM readings_staged WHERE time < ? ORDER BY time LIMIT 1 OFFSET ?",
            arguments: [cutoff, budget])
        {
            end = Swift.max(PackedMinute.minute(of: last), PackedMinute.minute(of: first) + 60)
        }
        let statement = try db.makeStatement(
            sql: "SELECT series_id, time, value, quality FROM readings_staged WHERE time < ? ORDER BY time, series_id")
        try statement.setArguments([end])
        let handle = statement.sqliteStatement
        var slots: [Int64: Int] = [:]
        var signals: [StagedSignal] = []
        var count = 0
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), sql: statement.sql)
            }
            let series = sqlite3_column_int64(handle, 0)
            let time = sqlite3_column_double(handle, 1)
            let value: Double? =
                sqlite3_column_type(handle, 2) == SQLITE_NULL ? nil : sqlite3_column_double(handle, 2)
            let quality = qualityOfColumn(handle, 3)
            let minute = PackedMinute.minute(of: time)
            let slot: Int
            if let known = slots[series] {
                slot = known
            } else {
                slot = signals.count
                slots[series] = slot
                signals.append(StagedSignal(series: series))
            }
            // Rows come by time: a signal's minutes come in order, each after the one before.
            if signals[slot].minutes.last?.minute != minute {
                signals[slot].minutes.append(PackedMinute(minute: minute))
            }
            signals[slot].minutes[signals[slot].minutes.count - 1].append(time: time, value: value, quality: quality)
            count += 1
        }
        signals.sort { $0.series < $1.series }
        let rows = signals.flatMap { signal in signal.minutes.map { PackedRow(series: signal.series, $0) } }
        return StagedWindow(start: first, end: end, rows: rows, readings: count)
    }

    /// Each quality's name as stored, in bytes.
    private static let qualityNames = Quality.allCases.map { (name: Array($0.rawValue.utf8), quality: $0) }

    /// A staged row's quality, as `Quality(rawValue:)` reads it (an unknown name is `badValue`),
    /// from the column's bytes: no `String` for each of a minute's 720,000 rows.
    private static func qualityOfColumn(_ handle: OpaquePointer?, _ column: Int32) -> Quality {
        guard let text = sqlite3_column_text(handle, column) else { return .badValue }
        let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
        return qualityNames.first { $0.name.elementsEqual(bytes) }?.quality ?? .badValue
    }

    /// Writes one group of a window's packed rows and records them in `pack_progress`, in one
    /// transaction; returns the rows written and the duplicates dropped.
    static func packGroup(_ rows: ArraySlice<PackedRow>, before end: Double, _ db: Database) throws -> (Int, Int) {
        var duplicates = 0
        let writer = try PackedWriter(db)
        for row in rows {
            let dropped = try writer.insert(row)
            if dropped > 0 {
                try db.execute(
                    sql: "UPDATE series SET raw_count = raw_count - ? WHERE id = ?", arguments: [dropped, row.series])
                duplicates += dropped
            }
        }
        if let last = rows.last {
            try db.execute(
                sql: "INSERT OR REPLACE INTO pack_progress (id, window_end, series_through) VALUES (1, ?, ?)",
                arguments: [end, last.series])
        }
        return (rows.count, duplicates)
    }
}

/// A signal-minute ready to be written: its readings, their text and summary.
struct PackedRow: Sendable {
    var series: Int64
    var packed: PackedMinute
    var encoded: PackedMinute.Encoded
    var summary: PackedMinute.Summary

    init(series: Int64, _ packed: PackedMinute) {
        self.series = series
        self.packed = packed
        encoded = packed.encoded()
        summary = packed.summary
    }
}

/// Inserts packed rows through prepared statements; a row for a signal-minute that exists is
/// merged into it (a late reading).
struct PackedWriter {
    private let insert: RawInsert
    private let db: Database

    init(_ db: Database) throws {
        self.db = db
        insert = try RawInsert(
            db,
            sql: """
                INSERT INTO readings_packed (series_id, minute, count, good_count, min, mean, max, offsets, vals,
                    qualities)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """)
    }

    /// Returns the readings of `row` dropped as duplicates of stored ones.
    func insert(_ row: PackedRow) throws -> Int {
        if try write(row) > 0 { return 0 }
        let series = row.series
        let packed = row.packed
        // The minute is packed already: merge, the stored readings first.
        guard
            let existing = try Row.fetchOne(
                db,
                sql: """
                    SELECT id, offsets, vals, qualities FROM readings_packed
                    WHERE \(Schema.packedRows(of: "?1")) AND minute = ?2
                    """,
                arguments: [series, packed.minute]),
            var stored = PackedMinute.decode(
                minute: packed.minute, times: existing["offsets"], values: existing["vals"],
                qualities: existing["qualities"])
        else {
            throw DatabaseError(message: "a packed row of series \(series) at \(packed.minute) cannot be read")
        }
        let dropped = stored.merge(packed)
        try db.execute(sql: "DELETE FROM readings_packed WHERE id = ?", arguments: [existing["id"] as Int64])
        try write(PackedRow(series: series, stored))
        return dropped
    }

    @discardableResult
    private func write(_ row: PackedRow) throws -> Int32 {
        let encoded = row.encoded
        let summary = row.summary
        insert.reset()
        insert.bind(1, row.series)
        insert.bind(2, row.packed.minute)
        insert.bind(3, Int64(row.packed.count))
        insert.bind(4, Int64(summary.goodCount))
        insert.bind(5, summary.min)
        insert.bind(6, summary.mean)
        insert.bind(7, summary.max)
        insert.bind(8, encoded.times)
        insert.bind(9, encoded.values)
        insert.bind(10, encoded.qualities)
        return try insert.step()
    }
}
