import Foundation
import GRDB
import PrognosCore

extension Store {
    /// Records an alarm's new state (after the daemon ran its `AlarmStateMachine`), the history row of
    /// `transition` and, when given, the alert to publish — all in one transaction: after a crash either
    /// all three are in the database or none is, so an alert is never lost nor published twice.
    ///
    /// `transition` nil saves the alarm without a history row (a new message or value, no state change).
    /// Throws `.invalidValue` if `transition.to` is not `alarm.state`.
    @discardableResult
    public func recordAlarmTransition(
        _ transition: AlarmTransition?, of alarm: AlarmRecord, actor: String = "prognos", note: String? = nil,
        outbox message: OutboxMessage?
    ) async throws -> AlarmHistoryRecord? {
        try Self.check(transition, of: alarm)
        let capacity = options.outboxCapacity
        return try await write("cannot record the transition of alarm \(alarm.id)") { db in
            try Self.record(alarm, transition, actor: actor, note: note, capacity: capacity, db) { _, _ in message }
        }
    }

    /// Several alarm changes of the daemon, in order, each recorded as `recordAlarmTransition`
    /// records it, all in one transaction: the alarm writer's group commit, so that changes that came
    /// together wait for one commit (and one fsync) instead of one each behind the telemetry writer.
    /// Returns when the transaction began (seconds since 1970): what waited before it is the writer
    /// queue's share of an alarm's latency (traced by the daemon).
    ///
    /// Each change is first merged with its alarm's stored row (`AlarmRecord.adopting`): an operator's
    /// command made while the change was on its way is kept, the transition is the one from the stored
    /// state, and the alert is built from the merged alarm (none when the merge leaves the state as
    /// stored: an alarm shelved meanwhile stays quiet).
    ///
    /// The commit does not checkpoint the WAL: SQLite's automatic checkpoint runs in whichever
    /// commit finds the WAL past its threshold, and the caller waits for it (pages written to the
    /// database file and two more syncs); the next telemetry batch's commit takes it instead. The
    /// alarm's commit itself stays FULL.
    @discardableResult
    public func recordAlarmTransitions(_ changes: [AlarmChange]) async throws -> Double {
        for change in changes { try Self.check(change.transition, of: change.alarm) }
        let capacity = options.outboxCapacity
        return try await writeWithoutTransaction("cannot record \(changes.count) alarm transitions") { db in
            let threshold = try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? 1000
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            defer { try? db.execute(sql: "PRAGMA wal_autocheckpoint = \(threshold)") }
            var began = 0.0
            try db.inTransaction(.immediate) {
                began = Date().timeIntervalSince1970
                for change in changes {
                    let (alarm, transition) = try Self.merged(change, db)
                    try Self.record(alarm, transition, actor: change.actor, note: nil, capacity: capacity, db) {
                        alarm, _ in transition.flatMap { change.alert(alarm, $0) }
                    }
                }
                return .commit
            }
            return began
        }
    }

    /// `change` as it applies to the alarm's stored row: with the operators' commands that row holds,
    /// and its transition from the stored state (nil when the merge leaves that state as it was).
    private static func merged(_ change: AlarmChange, _ db: Database) throws -> (AlarmRecord, AlarmTransition?) {
        guard let stored = try AlarmRecord.fetchOne(db, key: change.alarm.id) else {
            return (change.alarm, change.transition)
        }
        let alarm = change.alarm.adopting(commandsOf: stored, at: change.alarm.updatedAt)
        guard let transition = change.transition, alarm.state != stored.state else { return (alarm, nil) }
        return (
            alarm, AlarmTransition(from: stored.state, to: alarm.state, cause: transition.cause, time: transition.time)
        )
    }

    private static func check(_ transition: AlarmTransition?, of alarm: AlarmRecord) throws {
        if let transition, transition.to != alarm.state {
            throw StoreError(
                .invalidValue,
                "transition of alarm \(alarm.id) ends in \(transition.to.rawValue) but the alarm is \(alarm.state.rawValue)"
            )
        }
    }

    /// Applies an operator's command (acknowledge, shelve, unshelve, out of service, return to service)
    /// to alarm `id`, as `prognos alarms` and the dashboard do: runs the alarm's state machine, writes
    /// the new state, the history row (who and when) and the message `outbox` builds from them,
    /// in one transaction; returns the new state.
    ///
    /// Throws `.notFound` for an unknown id and `.invalidCommand` when the state does not allow the
    /// command (acknowledging an acknowledged alarm, for instance). The daemon learns of commands
    /// made by other processes through `alarmHistory(after:)`.
    @discardableResult
    public func apply(
        _ command: AlarmCommand, toAlarm id: String, by actor: String, at time: Double, note: String? = nil,
        outbox: @escaping @Sendable (AlarmRecord, AlarmHistoryRecord?) -> OutboxMessage? = { _, _ in nil }
    ) async throws -> AlarmRecord {
        let capacity = options.outboxCapacity
        return try await write("cannot \(command.name) alarm \(id)") { db in
            guard let alarm = try AlarmRecord.fetchOne(db, key: id) else {
                throw StoreError(.notFound, "no alarm \(id)")
            }
            let (next, transition): (AlarmRecord, AlarmTransition?)
            do {
                (next, transition) = try command.applied(to: alarm, by: actor, at: time)
            } catch let refused as AlarmCommandRefused {
                throw StoreError(.invalidCommand, refused.message)
            }
            try Self.record(next, transition, actor: actor, note: note, capacity: capacity, db, outbox: outbox)
            return next
        }
    }

    @discardableResult
    static func record(
        _ alarm: AlarmRecord, _ transition: AlarmTransition?, actor: String, note: String?, capacity: Int,
        _ db: Database, outbox: (AlarmRecord, AlarmHistoryRecord?) -> OutboxMessage?
    ) throws -> AlarmHistoryRecord? {
        try alarm.save(db)
        var history: AlarmHistoryRecord?
        if let transition {
            var row = AlarmHistoryRecord(
                alarmID: alarm.id, asset: alarm.asset, time: transition.time, cause: transition.cause,
                fromState: transition.from, toState: transition.to, active: alarm.active, priority: alarm.priority,
                actor: actor, note: note)
            try row.insert(db)
            history = row
        }
        if let message = outbox(alarm, history) {
            _ = try enqueue(message, capacity: capacity, db)
        }
        return history
    }

    // MARK: - Queries

    /// The alarm point `id`, or nil.
    public func alarm(id: String) async throws -> AlarmRecord? {
        try await read("cannot read alarm \(id)") { db in try AlarmRecord.fetchOne(db, key: id) }
    }

    /// Alarms not in `normal` state: those waiting for acknowledgement first (oldest first),
    /// then acknowledged, shelved and out-of-service ones (oldest first).
    public func activeAlarms(asset: String? = nil) async throws -> [AlarmRecord] {
        try await read("cannot read active alarms") { db in
            var request = AlarmRecord.filter(AlarmRecord.Columns.state != AlarmState.normal.rawValue)
            if let asset { request = request.filter(AlarmRecord.Columns.asset == asset) }
            return
                try request
                .order(
                    SQL(
                        "CASE state WHEN 'unacknowledged' THEN 0 WHEN 'returned-unacknowledged' THEN 0 ELSE 1 END"
                    ),
                    SQL("coalesce(raised_at, updated_at)"), AlarmRecord.Columns.id
                )
                .fetchAll(db)
        }
    }

    /// Every alarm point of `asset` (or of the plant), whatever its state, by id.
    public func alarms(asset: String? = nil) async throws -> [AlarmRecord] {
        try await read("cannot read alarms") { db in
            var request = AlarmRecord.all()
            if let asset { request = request.filter(AlarmRecord.Columns.asset == asset) }
            return try request.order(AlarmRecord.Columns.id).fetchAll(db)
        }
    }

    /// Transitions of alarm `id`, oldest first (the most recent `limit`).
    public func alarmHistory(alarmID id: String, limit: Int = 1000) async throws -> [AlarmHistoryRecord] {
        try await read("cannot read the history of alarm \(id)") { db in
            try AlarmHistoryRecord.filter(AlarmHistoryRecord.Columns.alarmID == id)
                .order(AlarmHistoryRecord.Columns.id.desc).limit(limit).fetchAll(db).reversed()
        }
    }

    /// Transitions recorded after history row `id`, oldest first: how the daemon learns of operator
    /// commands written by other processes (filter on `actor`).
    public func alarmHistory(after id: Int64, limit: Int = 1000) async throws -> [AlarmHistoryRecord] {
        try await read("cannot read alarm history") { db in
            try AlarmHistoryRecord.filter(AlarmHistoryRecord.Columns.id > id)
                .order(AlarmHistoryRecord.Columns.id).limit(limit).fetchAll(db)
        }
    }

    /// Every transition recorded at or before `time`, in recording order, as the alarm-load
    /// figures read them (`AlarmLoadReport` reconstructs the states at the period's start from them).
    public func alarmHistoryEntries(until time: Double) async throws -> [AlarmHistoryEntry] {
        try await read("cannot read alarm history") { db in
            try AlarmHistoryRecord.filter(AlarmHistoryRecord.Columns.time <= time)
                .order(AlarmHistoryRecord.Columns.id).fetchAll(db)
                .map {
                    AlarmHistoryEntry(
                        alarmID: $0.alarmID, asset: $0.asset, time: $0.time, cause: $0.cause, to: $0.toState,
                        active: $0.active)
                }
        }
    }

    /// The first and last times in the alarm history, or nil when it is empty.
    public func alarmHistorySpan() async throws -> (first: Double, last: Double)? {
        try await read("cannot read alarm history") { db in
            guard
                let row = try Row.fetchOne(db, sql: "SELECT min(time) AS first, max(time) AS last FROM alarm_history"),
                let first = row["first"] as Double?, let last = row["last"] as Double?
            else { return nil }
            return (first, last)
        }
    }

    /// Shelved alarms whose shelve time has run out at `now` (the daemon unshelves them).
    public func expiredShelves(now: Double) async throws -> [AlarmRecord] {
        try await read("cannot read shelved alarms") { db in
            try AlarmRecord.filter(AlarmRecord.Columns.state == AlarmState.shelved.rawValue)
                .filter(AlarmRecord.Columns.shelvedUntil <= now).order(AlarmRecord.Columns.id).fetchAll(db)
        }
    }
}

/// One alarm change as the daemon records it: the alarm's new state, the transition that led
/// there (nil: a new message or value only), who made it, and how to build the alert of a
/// transition (from the alarm as merged with the stored row, see `recordAlarmTransitions`).
public struct AlarmChange: Sendable {
    public var alarm: AlarmRecord
    public var transition: AlarmTransition?
    public var actor: String
    public var alert: @Sendable (AlarmRecord, AlarmTransition) -> OutboxMessage?

    public init(
        alarm: AlarmRecord, transition: AlarmTransition?, actor: String,
        alert: @escaping @Sendable (AlarmRecord, AlarmTransition) -> OutboxMessage?
    ) {
        self.alarm = alarm
        self.transition = transition
        self.actor = actor
        self.alert = alert
    }
}
