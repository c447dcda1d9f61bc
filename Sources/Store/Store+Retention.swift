import GRDB
import PrognosCore

/// What one `compact` call did.
public struct CompactionReport: Sendable, Equatable {
    /// Raw readings folded into one-minute summaries and deleted.
    public var downsampledReadings = 0
    /// One-minute summaries, forecasts, deviations, health estimates, alarm history rows, events,
    /// plans and model snapshots deleted past their retention.
    public var deletedSummaries = 0
    public var deletedPredictions = 0
    public var deletedAlarmHistory = 0
    public var deletedEvents = 0
    public var deletedPlans = 0
    public var deletedSnapshots = 0
    /// Write transactions used (each one at most `chunkRows` rows).
    public var transactions = 0
    /// False when `maxTransactions` ran out before everything due was done: call again.
    public var finished = true
    public init() {}

    /// When the next run is due after this one, due at `time`: `interval` later when it finished,
    /// the next second when it left rows due, so that retention keeps up with what the plant
    /// writes (1,000 pumps at 1 Hz owe 7.2 M readings every 10 min; a daemon run moves 400,000).
    public func nextRun(after time: Double, interval: Double) -> Double { finished ? time + interval : time + 1 }
}

extension Store {
    /// Applies the retention policy at `now`, in chunks of at most `chunkRows` rows per write
    /// transaction, so ingestion (which queues behind each chunk) never waits long:
    /// - raw readings older than `retention.rawDays` (staged ones packed first) become one-minute
    ///   min/mean/max/count rows in `readings_1m` (each packed row holds its minute's summary) and
    ///   are deleted; a chunk takes whole minutes of as many signals as fit in `chunkRows`
    ///   readings, and only the signals with readings due;
    /// - a sensor's forecast run made more than `Options.forecastsKept` seconds before `now` (no
    ///   newer run replaced it: the sensor is no longer forecast) is deleted;
    /// - unflagged deviations (with their shares) older than `retention.rawDays` are deleted;
    /// - one-minute summaries, flagged deviations, health estimates, alarm history, events and
    ///   plans older than `retention.summaryDays` are deleted (the newest plan is always kept, and
    ///   alarm points in `normal` state untouched that long are deleted with their history);
    /// - model snapshots beyond the newest `Options.snapshotsKept` per asset are deleted;
    /// - then free pages beyond a tenth of the file are returned to the file system.
    /// Stops after `maxTransactions` transactions with `finished == false`.
    @discardableResult
    public func compact(
        now: Double, retention: Retention, chunkRows: Int = 20_000, maxTransactions: Int = .max
    )
        async throws -> CompactionReport
    {
        precondition(chunkRows > 0)
        var report = CompactionReport()
        let rawCutoff = ((now - Double(retention.rawDays) * 86_400) / 60).rounded(.down) * 60
        let summaryCutoff = now - Double(retention.summaryDays) * 86_400
        func budgetLeft() -> Bool {
            if report.transactions < maxTransactions { return true }
            report.finished = false
            return false
        }

        // Staged readings due (the daemon packs each minute as it ends: only after a long stop, or
        // for readings written straight to the store) are packed first: raw readings are
        // summarized from their packed rows.
        try await pack(before: rawCutoff)

        // Per-series tables, chunk by chunk: raw readings → one-minute summaries, then old summaries.
        // `rowsOfSeries`: the condition on a row of the table that finds series.id's rows by its index.
        let perSeries:
            [(
                table: String, rowsOfSeries: String, time: String, cutoff: Double,
                keyPath: WritableKeyPath<CompactionReport, Int>
            )] = [
                ("readings_packed", Schema.packedRows(of: "series.id"), "minute", rawCutoff, \.downsampledReadings),
                ("readings_1m", "readings_1m.series_id = series.id", "minute", summaryCutoff, \.deletedSummaries),
            ]
        for (table, rowsOfSeries, time, cutoff, keyPath) in perSeries where budgetLeft() {
            // Only the series with rows due (a probe of each series' oldest row), several series to a
            // transaction: a plant has thousands of signals, and a transaction per signal would spend
            // the daemon's budget of a run on its first few signals, every run (issue 20).
            var due = try await read("cannot list the series due") { db in
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM series WHERE EXISTS (
                            SELECT 1 FROM \(table) WHERE \(rowsOfSeries) AND \(time) < ?)
                        ORDER BY id
                        """, arguments: [cutoff])
            }[...]
            while !due.isEmpty, budgetLeft() {
                let chunk = Array(due)
                let (rows, finishedSeries) = try await write("cannot apply retention to \(table)") { db in
                    var rows = 0
                    var finishedSeries = 0
                    for id in chunk where rows < chunkRows {
                        let (count, finished) =
                            table == "readings_packed"
                            ? try Self.downsample(series: id, before: cutoff, chunkRows: chunkRows - rows, db)
                            : try Self.deleteSummaries(series: id, before: cutoff, chunkRows: chunkRows - rows, db)
                        rows += count
                        if !finished { break }
                        finishedSeries += 1
                    }
                    return (rows, finishedSeries)
                }
                report.transactions += 1
                report[keyPath: keyPath] += rows
                due = due.dropFirst(finishedSeries)
            }
        }

        // Rowid tables: delete by chunks of the oldest rows.
        // A deviation row is a second's telemetry like a reading (one per asset and model step): an
        // unflagged one goes with the raw readings; a flagged one, the record of an anomaly, is kept
        // as long as the summaries.
        let chunked:
            [(
                table: String, time: String, cutoff: Double, only: String,
                keyPath: WritableKeyPath<CompactionReport, Int>
            )] =
                [
                    ("deviations", "time", rawCutoff, "AND NOT flagged", \.deletedPredictions),
                    ("deviations", "time", summaryCutoff, "", \.deletedPredictions),
                    ("health", "time", summaryCutoff, "", \.deletedPredictions),
                    ("alarm_history", "time", summaryCutoff, "", \.deletedAlarmHistory),
                    ("events", "time", summaryCutoff, "", \.deletedEvents),
                ]
        for (table, time, cutoff, only, keyPath) in chunked {
            while budgetLeft() {
                let deleted = try await write("cannot delete old \(table)") { db in
                    try db.execute(
                        sql: """
                            DELETE FROM \(table) WHERE id IN (
                                SELECT id FROM \(table) WHERE \(time) < ? \(only) ORDER BY \(time) LIMIT ?)
                            """, arguments: [cutoff, chunkRows])
                    return db.changesCount
                }
                report.transactions += 1
                report[keyPath: keyPath] += deleted
                if deleted < chunkRows { break }
            }
        }

        // Small tables: one transaction.
        if budgetLeft() {
            let snapshotsKept = options.snapshotsKept
            let forecastCutoff = now - options.forecastsKept
            let (forecasts, plans, snapshots) = try await write("cannot delete old plans and snapshots") { db in
                // One run per sensor (`forecast_runs`), counted by its horizons (`forecasts_latest`).
                let forecasts = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM forecasts_latest WHERE made_at < ?", arguments: [forecastCutoff])!
                try db.execute(sql: "DELETE FROM forecast_runs WHERE made_at < ?", arguments: [forecastCutoff])
                try db.execute(
                    sql: """
                        DELETE FROM alarms WHERE state = 'normal' AND updated_at < ?
                            AND NOT EXISTS (SELECT 1 FROM alarm_history WHERE alarm_id = alarms.id AND time >= ?)
                        """, arguments: [summaryCutoff, summaryCutoff])
                try db.execute(
                    sql: "DELETE FROM plans WHERE created_at < ? AND version < (SELECT max(version) FROM plans)",
                    arguments: [summaryCutoff])
                let plans = db.changesCount
                try db.execute(
                    sql: """
                        DELETE FROM model_snapshots WHERE (asset, version) IN (
                            SELECT asset, version FROM (
                                SELECT asset, version,
                                    row_number() OVER (PARTITION BY asset ORDER BY version DESC) AS rank
                                FROM model_snapshots)
                            WHERE rank > ?)
                        """, arguments: [snapshotsKept])
                return (forecasts, plans, db.changesCount)
            }
            report.transactions += 1
            report.deletedPredictions += forecasts
            report.deletedPlans += plans
            report.deletedSnapshots += snapshots
        }

        // Give back free pages beyond 10% of the file (only with auto_vacuum = INCREMENTAL,
        // which `Store.open` sets on new files), at most 4096 pages per transaction.
        while budgetLeft() {
            let freed = try await write("cannot vacuum") { db -> Int in
                guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2 else { return 0 }
                let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let excess = Swift.min(free - pages / 10, 4096)
                guard excess > 0 else { return 0 }
                try db.execute(sql: "PRAGMA incremental_vacuum(\(excess))")
                return excess
            }
            report.transactions += 1
            if freed < 4096 { break }
        }
        return report
    }

    /// The exclusive upper time bound of the next chunk of `table`'s rows of `series` before `cutoff`:
    /// `cutoff` itself when at most `chunkRows` rows remain.
    static func chunkBound(
        _ table: String, _ time: String, series id: Int64, before cutoff: Double, chunkRows: Int, _ db: Database
    ) throws -> Double {
        let bound = try Double.fetchOne(
            db,
            sql: """
                SELECT \(time) FROM \(table) WHERE series_id = ? AND \(time) < ? ORDER BY \(time) LIMIT 1 OFFSET ?
                """, arguments: [id, cutoff, chunkRows])
        return bound ?? cutoff
    }

    /// Deletes one chunk of `series`' minute summaries before `cutoff`. Returns the rows deleted and
    /// whether none is left before `cutoff`.
    static func deleteSummaries(
        series id: Int64, before cutoff: Double, chunkRows: Int, _ db: Database
    ) throws -> (Int, Bool) {
        let bound = try chunkBound("readings_1m", "minute", series: id, before: cutoff, chunkRows: chunkRows, db)
        try db.execute(sql: "DELETE FROM readings_1m WHERE series_id = ? AND minute < ?", arguments: [id, bound])
        return (db.changesCount, bound == cutoff)
    }

    /// Folds one chunk of `series`' packed minutes before `cutoff` into `readings_1m` (from the
    /// summary each packed row holds) and deletes them: whole minutes, up to `chunkRows` readings
    /// (one minute at least). Returns the readings moved and whether none is left before `cutoff`.
    static func downsample(
        series id: Int64, before cutoff: Double, chunkRows: Int, _ db: Database
    ) throws
        -> (Int, Bool)
    {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT minute, count FROM readings_packed WHERE \(Schema.packedRows(of: "?1")) AND minute < ?2
                ORDER BY minute LIMIT ?3
                """,
            arguments: [id, cutoff, chunkRows + 1])
        var bound = cutoff
        var moved = 0
        for (index, row) in rows.enumerated() {
            let count: Int = row[1]
            if index > 0, moved + count > chunkRows {
                bound = row[0]
                break
            }
            moved += count
        }
        try db.execute(
            sql: """
                INSERT INTO readings_1m (series_id, minute, min, mean, max, count, bad_count)
                SELECT series_id, minute, min, mean, max, good_count, count - good_count
                FROM readings_packed WHERE \(Schema.packedRows(of: "?1")) AND minute < ?2
                ON CONFLICT (series_id, minute) DO UPDATE SET
                    min = CASE WHEN min IS NULL THEN excluded.min WHEN excluded.min IS NULL THEN min
                               ELSE min(min, excluded.min) END,
                    max = CASE WHEN max IS NULL THEN excluded.max WHEN excluded.max IS NULL THEN max
                               ELSE max(max, excluded.max) END,
                    mean = (coalesce(mean, 0) * count + coalesce(excluded.mean, 0) * excluded.count)
                           / nullif(count + excluded.count, 0),
                    count = count + excluded.count,
                    bad_count = bad_count + excluded.bad_count
                """, arguments: [id, bound])
        try db.execute(
            sql: "DELETE FROM readings_packed WHERE \(Schema.packedRows(of: "?1")) AND minute < ?2",
            arguments: [id, bound])
        if moved > 0 {
            try db.execute(sql: "UPDATE series SET raw_count = raw_count - ? WHERE id = ?", arguments: [moved, id])
        }
        return (moved, bound == cutoff)
    }
}
