import Foundation
import GRDB
import PrognosCore
import Testing

@testable import Store

@Suite("Alarms and outbox")
struct AlarmOutboxTests {
    @Test("An alarm transition and its alert are written together")
    func transitionWithAlert() async throws {
        let store = try Store.inMemory()
        let (alarm, transition) = raisedAlarm(at: 1_000)
        let history = try await store.recordAlarmTransition(transition, of: alarm, outbox: alert("raised"))
        #expect(history?.id != nil)
        #expect(history?.fromState == .normal && history?.toState == .unacknowledged)
        #expect(try await store.alarm(id: alarm.id) == alarm)
        #expect(try await store.pendingOutbox().map(\.payload) == ["raised"])
        #expect(try await store.outboxCount() == OutboxCount(alerts: 1, telemetry: 0))
    }

    @Test("A failure in the middle of the transaction writes neither the transition nor its alert")
    func failureMidTransaction() async throws {
        let queue = try DatabaseQueue()
        let store = try Store(writer: queue)
        let (alarm, transition) = raisedAlarm(at: 1_000)
        try await store.recordAlarmTransition(transition, of: alarm, outbox: alert("raised"))

        // The outbox insert, the last statement of the transaction, fails.
        try await queue.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox
                    BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                    """)
        }
        var acknowledged = alarm
        let acknowledgement = acknowledged.machine.acknowledge(at: 1_100)
        let ack = try #require(acknowledgement)
        acknowledged.updatedAt = 1_100
        await #expect(throws: StoreError.self) {
            try await store.recordAlarmTransition(ack, of: acknowledged, actor: "ann", outbox: alert("acknowledged"))
        }
        let (second, raise2) = raisedAlarm(id: "pump-1/rul/bearing", at: 1_200)
        await #expect(throws: StoreError.self) {
            try await store.recordAlarmTransition(raise2, of: second, outbox: alert("second"))
        }
        // Nothing of either failed call is there: the first alarm is still unacknowledged.
        #expect(try await store.alarm(id: alarm.id)?.state == .unacknowledged)
        #expect(try await store.alarm(id: second.id) == nil)
        #expect(try await store.alarmHistory(alarmID: alarm.id).count == 1)
        #expect(try await store.alarmHistory(alarmID: second.id).isEmpty)
        #expect(try await store.pendingOutbox().map(\.payload) == ["raised"])

        // A transition that does not match the alarm's state is refused before anything is written.
        await #expect {
            try await store.recordAlarmTransition(raise2, of: acknowledged, outbox: nil)
        } throws: { ($0 as? StoreError)?.kind == .invalidValue }
    }

    @Test("Operator commands run the alarm's state machine and write history and alert together")
    func operatorCommands() async throws {
        let store = try Store.inMemory()
        let (alarm, transition) = raisedAlarm(at: 1_000)
        try await store.recordAlarmTransition(transition, of: alarm, outbox: nil)
        let payload: @Sendable (AlarmRecord, AlarmHistoryRecord?) -> OutboxMessage? = { alarm, history in
            alert("\(alarm.id) \(alarm.state.rawValue) by \(history?.actor ?? "-")", at: alarm.updatedAt)
        }

        let acked = try await store.apply(.acknowledge, toAlarm: alarm.id, by: "ann", at: 1_100, outbox: payload)
        #expect(acked.state == .acknowledged && acked.acknowledgedBy == "ann" && acked.acknowledgedAt == 1_100)
        await #expect {
            try await store.apply(.acknowledge, toAlarm: alarm.id, by: "ann", at: 1_150, outbox: payload)
        } throws: { error in
            let error = error as? StoreError
            return error?.kind == .invalidCommand && error!.message.contains("acknowledged")
        }
        await #expect {
            try await store.apply(.acknowledge, toAlarm: "nope", by: "ann", at: 1_150)
        } throws: { ($0 as? StoreError)?.kind == .notFound }

        let shelved = try await store.apply(
            .shelve(until: 5_000), toAlarm: alarm.id, by: "bob", at: 1_200, outbox: payload)
        #expect(shelved.state == .shelved && shelved.shelvedUntil == 5_000 && shelved.shelvedBy == "bob")
        // Re-shelving moves the end without a state change; the history records who moved it.
        let reshelved = try await store.apply(.shelve(until: 6_000), toAlarm: alarm.id, by: "dora", at: 1_300)
        #expect(reshelved.shelvedUntil == 6_000 && reshelved.state == .shelved && reshelved.shelvedBy == "dora")
        #expect(try await store.expiredShelves(now: 5_999).isEmpty)
        #expect(try await store.expiredShelves(now: 6_000).map(\.id) == [alarm.id])
        let unshelved = try await store.apply(.unshelve, toAlarm: alarm.id, by: "bob", at: 1_400, outbox: payload)
        #expect(unshelved.state == .acknowledged)  // still active, already acknowledged
        let oos = try await store.apply(.removeFromService, toAlarm: alarm.id, by: "carl", at: 1_500, outbox: payload)
        #expect(oos.state == .outOfService)
        await #expect(throws: StoreError.self) {
            try await store.apply(.shelve(until: 9_000), toAlarm: alarm.id, by: "bob", at: 1_550)
        }
        let back = try await store.apply(.returnToService, toAlarm: alarm.id, by: "carl", at: 1_600, outbox: payload)
        #expect(back.state == .acknowledged)

        let history = try await store.alarmHistory(alarmID: alarm.id)
        #expect(
            history.map(\.cause) == [
                .conditionActivated, .acknowledged, .shelved, .shelved, .unshelved, .removedFromService,
                .returnedToService,
            ])
        #expect(history[3].fromState == .shelved && history[3].toState == .shelved)
        #expect(history.map(\.actor) == ["prognos", "ann", "bob", "dora", "bob", "carl", "carl"])
        #expect(
            try await store.pendingOutbox().map(\.payload) == [
                "\(alarm.id) acknowledged by ann", "\(alarm.id) shelved by bob", "\(alarm.id) acknowledged by bob",
                "\(alarm.id) out-of-service by carl", "\(alarm.id) acknowledged by carl",
            ])
        // The daemon picks up what operators did after the history row it last saw.
        let afterFirst = try await store.alarmHistory(after: history[0].id!)
        #expect(afterFirst.count == 6 && afterFirst.allSatisfy { $0.actor != "prognos" })
        #expect(afterFirst.last?.transition.to == .acknowledged)
    }

    @Test("Active alarms: awaiting acknowledgement first, oldest first")
    func activeAlarmOrder() async throws {
        let store = try Store.inMemory()
        let ids = ["a", "b", "c", "d"]
        for (i, id) in ids.enumerated() {
            let (alarm, transition) = raisedAlarm(id: id, at: Double(1_000 + i * 10))
            try await store.recordAlarmTransition(transition, of: alarm, outbox: nil)
        }
        try await store.apply(.acknowledge, toAlarm: "a", by: "ann", at: 2_000)
        try await store.apply(.acknowledge, toAlarm: "d", by: "ann", at: 2_000)
        // "c" clears before anyone acknowledged it: returned-unacknowledged.
        var c = try #require(try await store.alarm(id: "c"))
        let clearing = c.machine.update(conditionActive: false, at: 2_100)
        let clear = try #require(clearing)
        c.clearedAt = 2_100
        c.updatedAt = 2_100
        try await store.recordAlarmTransition(clear, of: c, outbox: nil)
        #expect(c.state == .returnedUnacknowledged)
        // "e" is raised and cleared after acknowledgement: normal, not listed.
        var (e, raise) = raisedAlarm(id: "e", at: 900)
        try await store.recordAlarmTransition(raise, of: e, outbox: nil)
        e = try await store.apply(.acknowledge, toAlarm: "e", by: "ann", at: 950)
        let clearingE = e.machine.update(conditionActive: false, at: 960)
        let clearE = try #require(clearingE)
        try await store.recordAlarmTransition(clearE, of: e, outbox: nil)

        #expect(try await store.activeAlarms().map(\.id) == ["b", "c", "a", "d"])
        #expect(try await store.alarms().map(\.id) == ["a", "b", "c", "d", "e"])
        let status = try await store.status()
        #expect(status.alarmsByState == [.acknowledged: 2, .unacknowledged: 1, .returnedUnacknowledged: 1, .normal: 1])
    }

    @Test("Outbox: id order, attempts, markDelivered deletes")
    func outboxOrder() async throws {
        let store = try Store.inMemory()
        var ids: [Int64] = []
        for i in 0..<5 {
            guard case .queued(let id, _) = try await store.enqueue(alert("m\(i)")) else {
                Issue.record("not queued")
                return
            }
            ids.append(id)
        }
        #expect(ids == ids.sorted())
        #expect(try await store.pendingOutbox(limit: 3).map(\.payload) == ["m0", "m1", "m2"])
        try await store.recordAttempt(ids: [ids[0]], at: 2_000)
        #expect(try await store.pendingOutbox(limit: 1).first?.attempts == 1)
        #expect(try await store.markDelivered(id: ids[1]))
        #expect(try await !store.markDelivered(id: ids[1]))
        #expect(try await store.pendingOutbox().map(\.payload) == ["m0", "m2", "m3", "m4"])
        for id in ids { try await store.markDelivered(id: id) }
        // Ids are never reused, even after the outbox emptied.
        guard case .queued(let next, _) = try await store.enqueue(alert("m5")) else { return }
        #expect(next > ids.last!)
        // The schema refuses what MQTT cannot carry.
        await #expect {
            try await store.enqueue(OutboxMessage(kind: .alert, topic: "t", payload: "x", qos: 3, createdAt: 0))
        } throws: { ($0 as? StoreError)?.kind == .invalidValue }
    }

    @Test("A full outbox sheds telemetry, oldest first, and never alerts")
    func shedding() async throws {
        let store = try Store.inMemory(options: Store.Options(outboxCapacity: 4))
        try await store.enqueue(telemetry("t0"))
        try await store.enqueue(alert("a0"))
        try await store.enqueue(telemetry("t1"))
        try await store.enqueue(telemetry("t2"))
        // Full: a new alert sheds the oldest telemetry.
        #expect(try await store.enqueue(alert("a1")) == .queued(id: 5, shed: 1))
        #expect(try await store.pendingOutbox().map(\.payload) == ["a0", "t1", "t2", "a1"])
        // A new telemetry message sheds the oldest telemetry too.
        _ = try await store.enqueue(telemetry("t3"))
        #expect(try await store.pendingOutbox().map(\.payload) == ["a0", "t2", "a1", "t3"])
        // Alerts beyond capacity: all telemetry goes, then alerts are kept past capacity.
        for i in 2..<6 { try await store.enqueue(alert("a\(i)")) }
        #expect(try await store.outboxCount() == OutboxCount(alerts: 6, telemetry: 0))
        // Telemetry finding the outbox full of alerts is dropped.
        #expect(try await store.enqueue(telemetry("t4")) == .dropped)
        #expect(try await store.pendingOutbox().map(\.payload) == ["a0", "a1", "a2", "a3", "a4", "a5"])

        // Retained state on one topic: only the newest undelivered one is kept.
        let roomy = try Store.inMemory()
        for i in 0..<3 { try await roomy.enqueue(telemetry("s\(i)", topic: "prognos/site/pump-1/state", retain: true)) }
        try await roomy.enqueue(telemetry("s-other", topic: "prognos/site/pump-2/state", retain: true))
        #expect(try await roomy.pendingOutbox().map(\.payload) == ["s2", "s-other"])
    }

    @Test("Transitions recorded with a full outbox keep every alert")
    func transitionsWithFullOutbox() async throws {
        let store = try Store.inMemory(options: Store.Options(outboxCapacity: 2))
        try await store.enqueue(telemetry("t0"))
        for i in 0..<4 {
            let (alarm, transition) = raisedAlarm(id: "a\(i)", at: Double(i))
            try await store.recordAlarmTransition(transition, of: alarm, outbox: alert("a\(i)"))
        }
        #expect(try await store.pendingOutbox().map(\.payload) == ["a0", "a1", "a2", "a3"])
    }
}
