import Foundation
import GRDB
import PrognosCore
import Testing

@testable import Store

@Suite("Schema and opening")
struct SchemaTests {
    @Test("Migrations apply from empty and are idempotent")
    func migrationsIdempotent() async throws {
        let queue = try DatabaseQueue()
        let store = try Store(writer: queue)
        #expect(try await store.appliedMigrations() == Store.migrations)
        let schema = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
        // Opening the same database again migrates nothing and changes nothing.
        let again = try Store(writer: queue)
        #expect(try await again.appliedMigrations() == Store.migrations)
        let schemaAgain = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
        #expect(schema == schemaAgain)
        let tables = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        for table in [
            "readings_staged", "readings_packed", "readings_1m", "series", "forecast_runs", "deviations",
            "deviation_shares", "health",
            "alarms",
            "alarm_history", "plans", "proposals", "model_snapshots", "outbox", "events", "daemon_status",
            "maintenance_log",
        ] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        // Every view compiles against the tables.
        let views = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'view'")
        }
        #expect(views.count >= 7)
        try await queue.read { db in
            for view in views { _ = try Row.fetchAll(db, sql: "SELECT * FROM \(view) LIMIT 1") }
        }
    }

    @Test("A file database is WAL, synchronous FULL, incremental auto-vacuum, with a busy timeout")
    func filePragmas() async throws {
        let folder = try TemporaryFolder()
        let store = try Store.open(path: folder.file("p.sqlite"))
        let (mode, synchronous, vacuum) = try await store.writer.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA auto_vacuum")
            )
        }
        #expect(mode == "wal")
        #expect(synchronous == 2)  // FULL
        #expect(vacuum == 2)  // INCREMENTAL
        // Reopening an existing file keeps everything and migrates nothing.
        try await store.write(readings: ramp(count: 10))
        let reopened = try Store.open(path: folder.file("p.sqlite"))
        #expect(try await reopened.status().readings == 10)
    }

    @Test("A telemetry batch leaves the connection at synchronous FULL for the alarms and outbox after it")
    func telemetryRelaxesOnlyItsOwnCommit() async throws {
        let folder = try TemporaryFolder()
        for full in [true, false] {
            let store = try Store.open(
                path: folder.file("s\(full).sqlite"), options: Store.Options(synchronousFull: full))
            try await store.write(readings: ramp(count: 10))
            let synchronous = try await store.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            #expect(synchronous == (full ? 2 : 1))
            #expect(try await store.status().readings == 10)
        }
    }

    @Test("Opening read-only: a missing file and an unmigrated file are clear errors")
    func readOnlyErrors() async throws {
        let folder = try TemporaryFolder()
        #expect {
            try Store.openReadOnly(path: folder.file("missing.sqlite"))
        } throws: { ($0 as? StoreError)?.kind == .cannotOpen }

        let empty = folder.file("empty.sqlite")
        try await DatabaseQueue(path: empty).write { db in try db.execute(sql: "CREATE TABLE other (x)") }
        #expect {
            try Store.openReadOnly(path: empty)
        } throws: { ($0 as? StoreError)?.kind == .schemaMismatch }

        let good = folder.file("good.sqlite")
        _ = try Store.open(path: good)
        let reader = try Store.openReadOnly(path: good)
        #expect(reader.isReadOnly)
        await #expect {
            try await reader.write(readings: ramp(count: 1))
        } throws: { ($0 as? StoreError)?.kind == .readOnly }
    }

    @Test("v5 keeps the newest forecast run of each sensor, drops the table of every run, counts a deviation as a step")
    func forecastsMigration() async throws {
        let queue = try DatabaseQueue()
        try Schema.migrator.migrate(queue, upTo: "v4")
        try await queue.write { db in
            for (sensor, made) in [("temp", 100.0), ("temp", 200.0), ("flow", 100.0)] {
                for horizon in [3.0, 6.0] {
                    try db.execute(
                        sql: """
                            INSERT INTO forecasts (asset, sensor, made_at, target_time, horizon, mean)
                            VALUES ('pump-1', ?, ?, ?, ?, ?)
                            """, arguments: [sensor, made, made + horizon, horizon, made])
                }
            }
        }
        try await queue.write { db in
            try db.execute(
                sql: "INSERT INTO deviations (asset, time, score, threshold, flagged) VALUES ('pump-1', 1, 0.5, 1, 0)")
        }
        let store = try Store(writer: queue)
        #expect(try await store.appliedMigrations() == Store.migrations)
        #expect(try await store.deviations(asset: "pump-1", from: 0, to: 10).map(\.steps) == [1])
        let temp = try await store.latestForecast(asset: "pump-1", sensor: "temp")
        #expect(temp.map(\.targetTime) == [203, 206] && temp.allSatisfy { $0.mean == 200 })
        #expect(try await store.latestForecast(asset: "pump-1", sensor: "flow").map(\.targetTime) == [103, 106])
        let (rows, oldTable) = try await queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM forecasts_latest")!,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'forecasts'")!
            )
        }
        #expect(rows == 4 && oldTable == 0)
    }

    @Test("v9 keeps each sensor's newest forecast run as a row, its nearest four horizons")
    func forecastRunsMigration() async throws {
        let queue = try DatabaseQueue()
        try Schema.migrator.migrate(queue, upTo: "v8")
        try await queue.write { db in
            for (sensor, made, horizons) in [
                ("temp", 100.0, [3.0, 6.0]), ("temp", 200.0, [3, 6, 9, 12, 15]), ("flow", 100.0, [12, 3]),
            ] {
                for horizon in horizons {
                    try db.execute(
                        sql: """
                            INSERT INTO forecasts_latest (asset, sensor, made_at, target_time, horizon, mean, upper90)
                            VALUES ('pump-1', ?, ?, ?, ?, ?, ?)
                            """, arguments: [sensor, made, made + horizon, horizon, made, made + 1])
                }
            }
        }
        let store = try Store(writer: queue)
        #expect(try await store.appliedMigrations() == Store.migrations)
        let temp = try await store.latestForecast(asset: "pump-1", sensor: "temp")
        #expect(temp.map(\.targetTime) == [203, 206, 209, 212])
        #expect(temp.allSatisfy { $0.mean == 200 && $0.upper90 == 201 && $0.horizon == $0.targetTime - 200 })
        #expect(try await store.latestForecast(asset: "pump-1", sensor: "flow").map(\.targetTime) == [103, 112])
        let (runs, view) = try await queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM forecast_runs")!,
                try String.fetchOne(db, sql: "SELECT type FROM sqlite_master WHERE name = 'forecasts_latest'")
            )
        }
        #expect(runs == 2 && view == "view")
    }
}
