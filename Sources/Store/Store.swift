import Foundation
import GRDB
import PrognosCore
import Synchronization

/// Prognos' persistent memory: one SQLite database holding telemetry, predictions, alarms, plans,
/// model snapshots, the MQTT outbox and the daemon's events and heartbeat.
///
/// One `Store` owns the database: it holds the connection (`any DatabaseWriter`) and the migrator.
/// - The daemon opens the file with `Store.open(path:)`: a WAL `DatabasePool`, `synchronous=FULL`,
///   migrated to the current schema. It writes through the `BatchWriter` (telemetry, predictions)
///   and directly for alarms, outbox, plans and snapshots.
/// - Readers in other processes (dashboard, `prognos status/alarms/plan`, Grafana) open the same file:
///   `Store.openReadOnly(path:)` for reads only, `Store.open(path:)` for operator commands.
/// - Tests pass an in-memory `DatabaseQueue()` to `init(writer:)`.
///
/// Durability: one database, WAL, `synchronous=FULL` for everything but telemetry: an alarm transition
/// and its outbox message survive power loss once the call returns. Telemetry batches (`write(_:)`,
/// one transaction per batch, see `BatchWriter`) commit under NORMAL on the same connection: a
/// power cut may lose the batches committed since the last FULL commit or checkpoint.
///
/// Every method throws only `StoreError`. The async methods run on GRDB's own dispatch queues,
/// never blocking Swift's cooperative thread pool.
public final class Store: Sendable {
    /// Settings that are not part of the schema.
    public struct Options: Sendable, Equatable {
        /// How long a write waits for another connection's lock before failing with `.busy`.
        public var busyTimeout: Double
        /// Most messages the outbox keeps; past it telemetry is shed, alerts are always kept.
        public var outboxCapacity: Int
        /// Model snapshots kept per asset by `compact`.
        public var snapshotsKept: Int
        /// Seconds a sensor's newest forecast run is kept by `compact` when no newer run replaces it
        /// (a sensor no longer forecast). Only the newest run of each sensor is stored
        /// (`forecast_runs`): its one reader (`latestForecast`, the dashboard) takes no other.
        public var forecastsKept: Double
        /// SQLite `synchronous`: FULL (default) or NORMAL (faster, may lose the last commits on power loss).
        public var synchronousFull: Bool

        public init(
            busyTimeout: Double = 5, outboxCapacity: Int = 10_000, snapshotsKept: Int = 5,
            forecastsKept: Double = 86_400, synchronousFull: Bool = true
        ) {
            self.busyTimeout = busyTimeout
            self.outboxCapacity = outboxCapacity
            self.snapshotsKept = snapshotsKept
            self.forecastsKept = forecastsKept
            self.synchronousFull = synchronousFull
        }
    }

    let writer: any DatabaseWriter
    public let options: Options
    public let isReadOnly: Bool
    /// Series ids by (asset, sensor), filled after each committed batch.
    let seriesIDs = Mutex<[SeriesKey: Int64]>([:])
    /// Held by `pack` and by writes of readings: a pack deletes the staged readings it read.
    let packing = AsyncLock()

    struct SeriesKey: Hashable, Sendable {
        var asset: String
        var sensor: String
    }

    /// The migrations this version of Prognos knows, oldest first.
    public static var migrations: [String] { Schema.migrator.migrations }

    /// Uses `writer` (an in-memory `DatabaseQueue()` in tests) and migrates it to the current schema.
    public init(writer: any DatabaseWriter, options: Options = Options()) throws {
        self.writer = writer
        self.options = options
        self.isReadOnly = false
        do {
            try Schema.migrator.migrate(writer)
        } catch {
            throw StoreError.from(error, "cannot migrate the database")
        }
        do {
            try writer.write { db in try Self.finishInterruptedPack(db) }
        } catch {
            throw StoreError.from(error, "cannot finish an interrupted pack of readings")
        }
    }

    /// A fresh in-memory database (tests, dry runs): nothing is written to disk.
    public static func inMemory(options: Options = Options()) throws -> Store {
        do {
            return try Store(writer: DatabaseQueue(), options: options)
        } catch {
            throw StoreError.from(error, "cannot create an in-memory database")
        }
    }

    private init(readOnly reader: any DatabaseWriter, options: Options) {
        self.writer = reader
        self.options = options
        self.isReadOnly = true
    }

    /// Opens (creating it if needed) the database file at `path` for the daemon or an operator command:
    /// WAL, `synchronous=FULL`, busy timeout, migrated to the current schema.
    public static func open(path: String, options: Options = Options()) throws -> Store {
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(options.busyTimeout)
        configuration.label = "prognos.store"
        let synchronous = options.synchronousFull ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            // Incremental vacuum needs to be chosen before the first table exists.
            if try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") == 0 {
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            }
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets synchronous = NORMAL on the writer when it enables WAL, after `prepareDatabase`.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
        } catch {
            throw StoreError.from(error, "cannot open \(path)")
        }
        return try Store(writer: pool, options: options)
    }

    /// Opens an existing database file for reading only (dashboard, `prognos status`, tools).
    /// Reads see the latest committed state and never block the daemon's writes (WAL).
    /// Throws `.cannotOpen` if the file does not exist and `.schemaMismatch` if its schema is not
    /// the one this version reads.
    public static func openReadOnly(path: String, options: Options = Options()) throws -> Store {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.cannotOpen, "no database at \(path) (has the daemon run with --db \(path)?)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(options.busyTimeout)
        configuration.label = "prognos.store.readonly"
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let (applied, complete) = try queue.read { db in
                (try Schema.migrator.appliedIdentifiers(db), try Schema.migrator.hasCompletedMigrations(db))
            }
            let known = Set(Schema.migrator.migrations)
            if let unknown = applied.first(where: { !known.contains($0) }) {
                throw StoreError(
                    .schemaMismatch, "\(path) has schema migration \(unknown), newer than this prognos knows")
            }
            if !complete {
                throw StoreError(
                    .schemaMismatch,
                    "\(path) has schema migrations \(applied.sorted()), older than this prognos reads; "
                        + "run the daemon (or any command that writes) once to migrate it")
            }
        } catch {
            throw StoreError.from(error, "cannot open \(path) read-only")
        }
        return Store(readOnly: queue, options: options)
    }

    /// Migration identifiers applied to this database.
    public func appliedMigrations() async throws -> [String] {
        try await read("cannot read the schema version") { db in
            try Schema.migrator.appliedMigrations(db)
        }
    }

    /// Runs SQLite's `PRAGMA integrity_check`; returns `["ok"]` for a sound database.
    public func integrityCheck() async throws -> [String] {
        try await read("cannot check integrity") { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check")
        }
    }

    /// Writes the WAL back into the database file (and truncates the WAL when no reader needs it).
    public func checkpoint() async throws {
        try await access("cannot checkpoint") { [writer] in
            try await writer.writeWithoutTransaction { db in
                _ = try db.checkpoint(.truncate)
            }
        }
    }

    // MARK: - Access helpers

    func read<T: Sendable>(
        _ context: @autoclosure () -> String, _ body: @escaping @Sendable (Database) throws -> T
    )
        async throws -> T
    {
        do {
            return try await writer.read(body)
        } catch {
            throw StoreError.from(error, context())
        }
    }

    func write<T: Sendable>(
        _ context: @autoclosure () -> String, _ body: @escaping @Sendable (Database) throws -> T
    )
        async throws -> T
    {
        try await writing(context()) { [writer] in try await writer.write(body) }
    }

    /// As `write`, without the transaction: the body opens its own (to set a pragma outside it).
    func writeWithoutTransaction<T: Sendable>(
        _ context: @autoclosure () -> String, _ body: @escaping @Sendable (Database) throws -> T
    )
        async throws -> T
    {
        try await writing(context()) { [writer] in try await writer.writeWithoutTransaction(body) }
    }

    private func writing<T: Sendable>(
        _ context: @autoclosure () -> String, _ body: () async throws -> T
    ) async throws -> T {
        guard !isReadOnly else { throw StoreError(.readOnly, "\(context()): the store was opened read-only") }
        return try await access(context(), body)
    }

    func access<T: Sendable>(_ context: @autoclosure () -> String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw StoreError.from(error, context())
        }
    }
}
