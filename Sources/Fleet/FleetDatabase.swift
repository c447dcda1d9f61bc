import Foundation
import Logging
import NIOSSL
import PostgresNIO
import PrognosCore
import Synchronization

/// The fleet's PostgreSQL database: the client pool, the migrations and the monthly partitions of
/// the alarm history. Writing is in `FleetDatabase+Write.swift`, the fleet view's reads in
/// `FleetDatabase+Overview.swift`.
public final class FleetDatabase: Sendable {
    let client: PostgresClient
    let logger: Logger
    public let url: PostgresURL
    private let runner: Task<Void, Never>
    /// Months (year × 12 + month − 1) whose alarm partition is known to exist.
    private let partitions = Mutex<Set<Int>>([])

    /// Makes the client pool; connections open on first use. Call `close()` when done.
    public init(url: PostgresURL, logger: Logger) {
        self.url = url
        self.logger = logger
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    /// Closes every connection (queries still running fail).
    public func close() async {
        runner.cancel()
        _ = await runner.value
    }

    /// Connects once, directly (not through the pool, which retries quietly and then reports only
    /// that it gave up), and throws why it cannot: refused, unknown database, wrong password, TLS.
    public func checkConnection() async throws {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch url.sslMode {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            var configuration = PostgresConnection.Configuration(
                host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
                tls: tls)
            configuration.options.connectTimeout = .seconds(5)
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw FleetDatabaseError(message: "cannot connect to \(url): \(FleetDatabaseError.describe(error))")
        }
    }

    /// The newest schema version this build knows.
    public static var schemaVersion: Int { FleetSchema.migrations.map(\.version).max() ?? 0 }

    /// Applies the migrations not applied yet, in order, each in its own transaction, under an
    /// advisory lock so that two fleet services starting together do not both migrate.
    /// Returns the versions it applied. Refuses a database migrated by a newer prognos.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(4711011)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                .decode(Int.self)
            {
                applied.insert(version)
            }
            if let newest = applied.max(), newest > Self.schemaVersion {
                throw FleetDatabaseError(
                    message:
                        "the fleet database has schema version \(newest), newer than this prognos knows (\(Self.schemaVersion))"
                )
            }
            var done: [Int] = []
            for migration in FleetSchema.migrations where !applied.contains(migration.version) {
                for statement in migration.statements { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                done.append(migration.version)
            }
            return done
        }
    }

    /// Creates the alarm-history partitions for the months of `times` (seconds since 1970) and
    /// for the month after each, so a month's first alarm finds its partition ready.
    func ensurePartitions(for times: [Double]) async throws {
        let months = Set(times.map(Self.month(of:)).flatMap { [$0, $0 + 1] })
        let missing = partitions.withLock { known in months.subtracting(known) }
        for month in missing.sorted() {
            try await createPartition(month: month)
            _ = partitions.withLock { $0.insert(month) }
        }
    }

    private func createPartition(month: Int) async throws {
        let (year, number) = (month / 12, month % 12 + 1)
        let (nextYear, nextNumber) = ((month + 1) / 12, (month + 1) % 12 + 1)
        let name = String(format: "alarm_events_%04d_%02d", year, number)
        let from = String(format: "%04d-%02d-01 00:00:00+00", year, number)
        let to = String(format: "%04d-%02d-01 00:00:00+00", nextYear, nextNumber)
        // DDL takes no bind parameters; every part of this text is made from integers above.
        let sql =
            "CREATE TABLE IF NOT EXISTS \(name) PARTITION OF alarm_events FOR VALUES FROM ('\(from)') TO ('\(to)')"
        do {
            try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            logger.debug("alarm partition ready", metadata: ["fleet.partition": "\(name)"])
        } catch {
            // Another fleet service may have created it at the same moment.
            let rows = try await client.query("SELECT 1 FROM pg_class WHERE relname = \(name)", logger: logger)
            var exists = false
            for try await _ in rows { exists = true }
            if !exists {
                throw FleetDatabaseError(message: "cannot create partition \(name): \(String(reflecting: error))")
            }
        }
    }

    /// The month index (year × 12 + month − 1, UTC) of a time.
    static func month(of seconds: Double) -> Int { CivilTime.monthIndex(seconds) }

    /// The alarm-history partitions that exist, oldest first (names `alarm_events_YYYY_MM`).
    public func partitionNames() async throws -> [String] {
        let rows = try await client.query(
            """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'alarm_events' ORDER BY c.relname
            """, logger: logger)
        var names: [String] = []
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }
}

/// A fleet-database failure with the reason PostgreSQL gave.
public struct FleetDatabaseError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }

    /// PostgresNIO hides the server's message from `description` (it may hold data); the fleet's
    /// tables hold nothing secret, so the full text is what an operator needs.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                return "PostgreSQL: \(message)" + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        if let error = error as? PostgresTransactionError {
            for inner in [error.closureError, error.commitError, error.beginError].compactMap({ $0 }) {
                return describe(inner)
            }
        }
        if let error = error as? FleetDatabaseError { return error.message }
        return String(reflecting: error)
    }
}
