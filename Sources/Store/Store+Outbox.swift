import GRDB
import PrognosCore

extension Store {
    /// Queues a message for the MQTT publisher.
    ///
    /// Capacity (`Options.outboxCapacity`): when the outbox is full, the oldest telemetry messages are
    /// deleted to make room; alerts are never deleted and are queued even past capacity. A telemetry
    /// message that finds the outbox full of alerts is dropped (`.dropped`). A retained telemetry
    /// message replaces undelivered retained telemetry on the same topic (only the latest state matters).
    @discardableResult
    public func enqueue(_ message: OutboxMessage) async throws -> OutboxEnqueueResult {
        let capacity = options.outboxCapacity
        return try await write("cannot queue a message for \(message.topic)") { db in
            try Self.enqueue(message, capacity: capacity, db)
        }
    }

    static func enqueue(_ message: OutboxMessage, capacity: Int, _ db: Database) throws -> OutboxEnqueueResult {
        var message = message
        message.id = nil
        var shed = 0
        if message.kind == .telemetry && message.retain {
            try db.cachedStatement(sql: "DELETE FROM outbox WHERE kind = 'telemetry' AND retain = 1 AND topic = ?")
                .execute(arguments: [message.topic])
            shed += db.changesCount
        }
        let count = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM outbox")) ?? 0
        if count >= capacity {
            let excess = count - capacity + 1
            try db.cachedStatement(
                sql: """
                    DELETE FROM outbox WHERE id IN (
                        SELECT id FROM outbox WHERE kind = 'telemetry' ORDER BY id LIMIT ?)
                    """
            ).execute(arguments: [excess])
            let deleted = db.changesCount
            shed += deleted
            if deleted < excess && message.kind == .telemetry { return .dropped }
        }
        try message.insert(db)
        return .queued(id: message.id!, shed: shed)
    }

    /// The oldest `limit` undelivered messages, in the order they were queued (id order).
    public func pendingOutbox(limit: Int = 100) async throws -> [OutboxMessage] {
        try await read("cannot read the outbox") { db in
            try OutboxMessage.order(OutboxMessage.Columns.id).limit(limit).fetchAll(db)
        }
    }

    /// Deletes message `id` once the broker acknowledged it (PUBACK). Returns false if it was not
    /// there (already delivered, or shed as telemetry).
    @discardableResult
    public func markDelivered(id: Int64) async throws -> Bool {
        try await write("cannot mark outbox message \(id) delivered") { db in
            try db.cachedStatement(sql: "DELETE FROM outbox WHERE id = ?").execute(arguments: [id])
            return db.changesCount > 0
        }
    }

    /// Deletes messages `ids` once the broker acknowledged them, in one transaction. Returns how
    /// many were there.
    @discardableResult
    public func markDelivered(ids: [Int64]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await write("cannot mark \(ids.count) outbox messages delivered") { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM outbox WHERE id = ?")
            var deleted = 0
            for id in ids {
                try delete.execute(arguments: [id])
                deleted += db.changesCount
            }
            return deleted
        }
    }

    /// Counts one more publish attempt of messages `ids` at `time`.
    public func recordAttempt(ids: [Int64], at time: Double) async throws {
        guard !ids.isEmpty else { return }
        try await write("cannot record publish attempts") { db in
            let update = try db.cachedStatement(
                sql: "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE id = ?")
            for id in ids { try update.execute(arguments: [time, id]) }
        }
    }

    /// Undelivered messages by kind.
    public func outboxCount() async throws -> OutboxCount {
        try await read("cannot count the outbox") { db in try Self.outboxCount(db) }
    }

    /// When the oldest undelivered alert was queued (seconds since the epoch); nil when none waits.
    public func oldestAlertQueuedAt() async throws -> Double? {
        try await read("cannot read the outbox") { db in
            try Double.fetchOne(
                db, sql: "SELECT min(created_at) FROM outbox WHERE kind = ?", arguments: [OutboxKind.alert.rawValue])
        }
    }

    static func outboxCount(_ db: Database) throws -> OutboxCount {
        var counts = OutboxCount(alerts: 0, telemetry: 0)
        for row in try Row.fetchAll(db, sql: "SELECT kind, count(*) AS n FROM outbox GROUP BY kind") {
            switch row["kind"] as String {
            case OutboxKind.alert.rawValue: counts.alerts = row["n"]
            default: counts.telemetry += row["n"] as Int
            }
        }
        return counts
    }
}
