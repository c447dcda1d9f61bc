import Foundation
import GRDB
import GRDBSQLite
import PrognosCore
import Synchronization

extension Store {
    /// Writes every record of `batch` in one transaction with prepared statements.
    ///
    /// Readings: NaN and ±infinity are stored as NULL; a `good` reading without a finite value is
    /// stored as `bad-value`. A second reading of the same signal at the same timestamp is ignored
    /// (the first one wins; one arriving after its minute was packed, by `pack`). Readings go to
    /// `readings_staged` (keyed by time: a batch appends to its last pages) until `pack` moves them
    /// into one row per signal-minute. Either the whole batch is committed or nothing of it
    /// (`StoreError`).
    ///
    /// Telemetry commits under `synchronous=NORMAL` (WAL): a power cut may lose the last batches
    /// committed, never a torn one, and never an alarm or outbox row, which commit under FULL on the
    /// same connection — their fsync of the WAL makes every earlier telemetry commit durable too.
    public func write(_ batch: StoreBatch) async throws {
        guard !batch.isEmpty else { return }
        if !batch.readings.isEmpty { await packing.lock() }
        defer { if !batch.readings.isEmpty { packing.unlock() } }
        let known = seriesIDs.withLock { $0 }
        let created = try await writeTelemetry("cannot write a batch of \(batch.count) records") { db in
            var created = try Self.insertReadingsSeveralAtATime(batch.readings, known: known, db)
            try Self.insertForecasts(batch.forecasts, known: known, created: &created, db)
            try Self.insertDeviations(batch.deviations, db)
            try Self.insertHealth(batch.health, db)
            try Self.insertEvents(batch.events, db)
            return created
        }
        // Only ids of committed series enter the cache.
        if !created.isEmpty {
            seriesIDs.withLock { $0.merge(created) { old, _ in old } }
        }
    }

    /// Runs `body` in one immediate transaction committed under `synchronous=NORMAL` (telemetry,
    /// see `write(_:)`), the connection back at FULL afterwards.
    func writeTelemetry<T: Sendable>(
        _ context: @autoclosure () -> String, _ body: @escaping @Sendable (Database) throws -> T
    )
        async throws -> T
    {
        let relaxed = options.synchronousFull
        return try await writeWithoutTransaction(context()) { db in
            if relaxed { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            var result: T?
            do {
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
            } catch {
                if relaxed { try? db.execute(sql: "PRAGMA synchronous = FULL") }
                throw error
            }
            if relaxed { try db.execute(sql: "PRAGMA synchronous = FULL") }
            return result!
        }
    }

    /// Writes `readings` in one transaction (see `write(_:)`).
    public func write(readings: [Reading]) async throws {
        try await write(StoreBatch(readings: readings))
    }

    // MARK: - Statements

    /// Per-series summary of what one batch inserted, folded into the `series` row.
    private struct Tally {
        var count = 0
        var lastTime = -Double.infinity
        var lastValue: Double?
        var lastQuality = Quality.good
        var firstTime = Double.infinity
    }

    /// Readings one statement inserts: a statement per reading spent about half of each reading's
    /// time in SQLite setting the statement up and down.
    static let readingsPerStatement = 16

    /// A statement of `readingsPerStatement` readings inserted fewer: one of them was there already,
    /// and which one cannot be told.
    struct DuplicateReading: Error {}

    /// `insertReadings` with several readings a statement; when one of them was there already (rare:
    /// a message delivered twice), they are taken back and inserted a reading per statement.
    static func insertReadingsSeveralAtATime(
        _ readings: [Reading], known: [SeriesKey: Int64], _ db: Database
    ) throws -> [SeriesKey: Int64] {
        var created: [SeriesKey: Int64] = [:]
        do {
            try db.inSavepoint {
                created = try insertReadings(readings, known: known, rowByRow: false, db)
                return .commit
            }
        } catch is DuplicateReading {
            created = try insertReadings(readings, known: known, db)
        }
        return created
    }

    /// Inserts readings; returns the series created or looked up that were not in `known`. Unless
    /// `rowByRow`, `readingsPerStatement` readings go in each statement, and a reading the store
    /// holds already (a duplicate, ignored) throws `DuplicateReading`.
    static func insertReadings(
        _ readings: [Reading], known: [SeriesKey: Int64], rowByRow: Bool = true, _ db: Database
    ) throws
        -> [SeriesKey: Int64]
    {
        guard !readings.isEmpty else { return [:] }
        var found: [SeriesKey: Int64] = [:]
        var tallies: [Int64: Tally] = [:]
        let columns = "INSERT OR IGNORE INTO readings_staged (series_id, time, value, quality) VALUES "
        let insert = try RawInsert(db, sql: columns + "(?, ?, ?, ?)")
        defer { insert.reset() }
        let perStatement = Self.readingsPerStatement
        let several = try RawInsert(
            db, sql: columns + repeatElement("(?, ?, ?, ?)", count: perStatement).joined(separator: ", "))
        defer { several.reset() }
        // The readings that fill whole statements; the rest go one by one.
        let inSeveral = rowByRow ? 0 : readings.count - readings.count % perStatement
        var lastKey: SeriesKey?
        var lastID: Int64 = 0
        for (index, reading) in readings.enumerated() {
            let id: Int64
            if let lastKey, lastKey.asset == reading.asset, lastKey.sensor == reading.sensor {
                id = lastID
            } else {
                let key = SeriesKey(asset: reading.asset, sensor: reading.sensor)
                if let cached = known[key] ?? found[key] {
                    id = cached
                } else {
                    id = try seriesID(key, db)
                    found[key] = id
                }
                lastKey = key
                lastID = id
            }
            let value = reading.value.storable
            let quality = value == nil && reading.quality == .good ? Quality.badValue : reading.quality
            let text = QualityText.pointer(quality)
            // The reading's four parameters, after those of the readings before it in the statement.
            func bind(_ statement: RawInsert, place: Int32) {
                statement.bind(place * 4 + 1, id)
                statement.bind(place * 4 + 2, reading.timestamp)
                statement.bind(place * 4 + 3, value)
                statement.bind(place * 4 + 4, static: text.pointer, length: text.length)
            }
            if index < inSeveral {
                let place = Int32(index % perStatement)
                if place == 0 { several.reset() }
                bind(several, place: place)
                // Counted before the statement runs: a shortfall throws, and the readings roll back to their savepoint.
                if place == perStatement - 1, try Int(several.step()) < perStatement { throw DuplicateReading() }
            } else {
                insert.reset()
                bind(insert, place: 0)
                guard try insert.step() > 0 else { continue }
            }
            var tally = tallies[id, default: Tally()]
            tally.count += 1
            if reading.timestamp >= tally.lastTime {
                tally.lastTime = reading.timestamp
                tally.lastValue = value
                tally.lastQuality = quality
            }
            tally.firstTime = Swift.min(tally.firstTime, reading.timestamp)
            tallies[id] = tally
        }
        // Raw binds: GRDB's named arguments cost a dictionary of existentials per signal and batch.
        let update = try RawInsert(
            db,
            sql: """
                UPDATE series SET
                    raw_count = raw_count + ?1,
                    first_time = CASE WHEN first_time IS NULL OR ?2 < first_time THEN ?2 ELSE first_time END,
                    last_value = CASE WHEN last_time IS NULL OR ?3 >= last_time THEN ?4 ELSE last_value END,
                    last_quality = CASE WHEN last_time IS NULL OR ?3 >= last_time THEN ?5 ELSE last_quality END,
                    last_time = CASE WHEN last_time IS NULL OR ?3 >= last_time THEN ?3 ELSE last_time END
                WHERE id = ?6
                """)
        defer { update.reset() }
        for (id, tally) in tallies {
            update.reset()
            update.bind(1, Int64(tally.count))
            update.bind(2, tally.firstTime)
            update.bind(3, tally.lastTime)
            update.bind(4, tally.lastValue)
            let text = QualityText.pointer(tally.lastQuality)
            update.bind(5, static: text.pointer, length: text.length)
            update.bind(6, id)
            try update.step()
        }
        return found
    }

    /// The id of a series, created if the database does not know it yet.
    static func seriesID(_ key: SeriesKey, _ db: Database) throws -> Int64 {
        let select = try db.cachedStatement(sql: "SELECT id FROM series WHERE asset = ? AND sensor = ?")
        if let id = try Int64.fetchOne(select, arguments: [key.asset, key.sensor]) { return id }
        try db.execute(sql: "INSERT INTO series (asset, sensor) VALUES (?, ?)", arguments: [key.asset, key.sensor])
        return db.lastInsertedRowID
    }

    static func insertDeviations(_ deviations: [DeviationRecord], _ db: Database) throws {
        guard !deviations.isEmpty else { return }
        let insert = try RawInsert(
            db,
            sql: """
                INSERT INTO deviations (asset, time, score, threshold, flagged, drift, drift_threshold, drift_flagged,
                    steps)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let share = try RawInsert(
            db, sql: "INSERT OR REPLACE INTO deviation_shares (deviation_id, sensor, share) VALUES (?, ?, ?)")
        defer {
            insert.reset()
            share.reset()
        }
        for d in deviations {
            insert.reset()
            insert.bind(1, d.asset)
            insert.bind(2, d.time)
            insert.bind(3, d.score)
            insert.bind(4, d.threshold)
            insert.bind(5, d.flagged)
            insert.bind(6, d.drift)
            insert.bind(7, d.driftThreshold)
            insert.bind(8, d.driftFlagged)
            insert.bind(9, Int64(d.steps))
            try insert.step()
            let id = db.lastInsertedRowID
            for s in d.shares {
                share.reset()
                share.bind(1, id)
                share.bind(2, s.sensor)
                share.bind(3, s.share)
                try share.step()
            }
        }
    }

    static func insertHealth(_ health: [HealthRecord], _ db: Database) throws {
        guard !health.isEmpty else { return }
        let insert = try RawInsert(
            db,
            sql: """
                INSERT INTO health (asset, failure_mode, time, health, health_sd, trend, rul_median, rul_p10, rul_p90,
                                    state, horizon)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        defer { insert.reset() }
        for h in health {
            insert.reset()
            insert.bind(1, h.asset)
            insert.bind(2, h.failureMode)
            insert.bind(3, h.time)
            insert.bind(4, h.health)
            insert.bind(5, h.healthSD)
            insert.bind(6, h.trend)
            insert.bind(7, h.rulMedian)
            insert.bind(8, h.rulP10)
            insert.bind(9, h.rulP90)
            insert.bind(10, h.state?.rawValue)
            insert.bind(11, h.horizon)
            try insert.step()
        }
    }

    static func insertEvents(_ events: [EventRecord], _ db: Database) throws {
        guard !events.isEmpty else { return }
        let insert = try db.cachedStatement(
            sql: "INSERT INTO events (time, level, kind, asset, message) VALUES (?, ?, ?, ?, ?)")
        for e in events {
            insert.setUncheckedArguments([e.time, e.level, e.kind, e.asset, e.message])
            try insert.execute()
        }
    }
}

/// The quality names as C strings that live as long as the process, bound without a copy.
private enum QualityText {
    struct Text {
        var pointer: UnsafePointer<CChar>
        var length: Int32
    }
    nonisolated(unsafe) static let texts: [Quality: Text] = Dictionary(
        uniqueKeysWithValues: Quality.allCases.map { quality in
            let copy = strdup(quality.rawValue)!  // never freed: five short strings
            return (quality, Text(pointer: UnsafePointer(copy), length: Int32(quality.rawValue.utf8.count)))
        })

    static func pointer(_ quality: Quality) -> Text { texts[quality]! }
}
