import Foundation
import GRDB
import PrognosCore
import Store

/// What the database file held after a simulated day.
public struct DayOnDisk: Sendable, Equatable {
    /// Days simulated so far (1 after the first).
    public var day: Int
    /// The main file and its write-ahead log, in bytes.
    public var fileBytes: Int
    public var walBytes: Int
    public var pageSize: Int
    /// Pages of the file on the free list (freed by deletes, not yet reused or given back).
    public var freePages: Int
    /// Bytes of each table with its indexes (`dbstat`), and its rows.
    public var tableBytes: [String: Int]
    public var rows: [String: Int]
    public var flaggedDeviations: Int
    /// What the day's retention runs did: whether the last one did all that was due
    /// (`CompactionReport.finished`), the rows they downsampled or deleted, and the seconds they took.
    public var retention: RetentionDay

    /// Tables measured (the others hold a few rows: alarms, plans, events…).
    public static let tables = [
        "readings", "readings_1m", "deviations", "deviation_shares", "health", "forecasts_latest", "series",
        "alarms", "alarm_history",
    ]

    /// Measures the file at `path` through a read-only connection of its own.
    static func measure(path: String, day: Int, retention: RetentionDay) throws -> DayOnDisk {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            var tableBytes: [String: Int] = [:]
            // Indexes are counted with their table; the schema and free pages are not in dbstat's names.
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT coalesce(m.tbl_name, d.name) AS owner, sum(d.pgsize) AS bytes
                    FROM dbstat AS d LEFT JOIN sqlite_master AS m ON m.name = d.name GROUP BY owner
                    """)
            for row in rows { tableBytes[row["owner"]] = row["bytes"] }
            // Raw readings are staged, then packed a signal-minute a row (schema v6): both are "readings".
            tableBytes["readings"] =
                (tableBytes.removeValue(forKey: "readings_packed") ?? 0)
                + (tableBytes.removeValue(forKey: "readings_staged") ?? 0)
            // Forecast runs are a row per sensor (schema v9), read through the view `forecasts_latest`.
            tableBytes["forecasts_latest"] = tableBytes.removeValue(forKey: "forecast_runs")
            var counts: [String: Int] = [:]
            for table in tables where table != "readings" {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
            // `series.raw_count` is kept by every insert and downsample: no scan of the largest table.
            counts["readings"] = try Int.fetchOne(db, sql: "SELECT coalesce(sum(raw_count), 0) FROM series") ?? 0
            let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            return DayOnDisk(
                day: day,
                fileBytes: try Int.fetchOne(db, sql: "PRAGMA page_count")!
                    * (try Int.fetchOne(db, sql: "PRAGMA page_size")!),
                walBytes: wal, pageSize: try Int.fetchOne(db, sql: "PRAGMA page_size")!,
                freePages: try Int.fetchOne(db, sql: "PRAGMA freelist_count")!, tableBytes: tableBytes, rows: counts,
                flaggedDeviations: try Int.fetchOne(db, sql: "SELECT count(*) FROM deviations WHERE flagged")!,
                retention: retention)
        }
    }
}

/// What a simulated day's retention runs did.
public struct RetentionDay: Sendable, Equatable {
    public var caughtUp = true
    /// Readings downsampled plus rows deleted, all tables together.
    public var rows = 0
    /// Wall-clock seconds the runs took (a figure to print, never to assert).
    public var seconds = 0.0

    mutating func add(_ report: CompactionReport, took: Duration) {
        caughtUp = report.finished
        rows +=
            report.downsampledReadings + report.deletedSummaries + report.deletedPredictions
            + report.deletedAlarmHistory + report.deletedEvents + report.deletedPlans + report.deletedSnapshots
        seconds += took.inSeconds
    }
}
