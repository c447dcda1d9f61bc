import Foundation
import Logging
import PlantRuntime
import PrognosCore
import Store
import Synchronization
import Testing

@testable import Daemon

/// The alarm writer's group commit: changes that arrive while it waits for the store go in one
/// transaction together, in order, each with its alert.
@Suite struct AlarmWriterTests {
    static func raised(_ pump: Int, at time: Double) -> AlarmUpdate {
        var machine = AlarmStateMachine()
        let transition = machine.update(conditionActive: true, at: time)!
        let alarm = AlarmRecord(
            id: "pump-\(pump)/limit/vibration_de/high", asset: "pump-\(pump)", kind: .limit, sensors: ["vibration_de"],
            priority: .high, machine: machine, message: "vibration above 7.1 mm/s", value: 9, threshold: 7.1,
            raisedAt: time, updatedAt: time)
        return AlarmUpdate(alarm: alarm, transition: transition, actor: "prognos")
    }

    @Test func changesThatArriveTogetherAreCommittedTogetherInOrder() async throws {
        let store = try Store.inMemory()
        let commits = Atomic<Int>(0)
        let writer = AlarmWriter(
            store: store, site: "plant", logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            publishDirectly: { _ in Issue.record("the store accepts writes: nothing goes around the outbox") },
            committed: { commits.add(1, ordering: .relaxed) })
        // Submitted before the writer runs: what a burst looks like while a commit is under way.
        for pump in 1...20 { writer.submit(Self.raised(pump, at: 1_000 + Double(pump))) }
        let running = Task { await writer.run() }
        writer.finish()
        await running.value

        #expect(commits.load(ordering: .relaxed) == 1, "one commit for the 20 changes")
        let history = try await store.alarmHistory(after: 0)
        #expect(history.map(\.alarmID) == (1...20).map { "pump-\($0)/limit/vibration_de/high" })
        let alerts = try await store.pendingOutbox(limit: 100)
        #expect(alerts.count == 20 && alerts.allSatisfy { $0.kind == .alert })
        #expect(alerts.map(\.topic) == (1...20).map { "prognos/plant/pump-\($0)/alarm" })
        #expect(writer.waiting == 0)
    }

    /// Writes `updates` through a writer of its own, as the daemon's writer does.
    static func write(_ updates: [AlarmUpdate], to store: Store) async {
        let writer = AlarmWriter(
            store: store, site: "plant", logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            publishDirectly: { _ in Issue.record("the store accepts writes: nothing goes around the outbox") })
        for update in updates { writer.submit(update) }
        let running = Task { await writer.run() }
        writer.finish()
        await running.value
    }

    /// The daemon's change of an alarm, made before it learnt of an operator's command on it.
    static func cleared(_ raised: AlarmUpdate, at time: Double) -> AlarmUpdate {
        var alarm = raised.alarm
        let transition = alarm.machine.update(conditionActive: false, at: time)
        (alarm.updatedAt, alarm.clearedAt) = (time, time)
        return AlarmUpdate(alarm: alarm, transition: transition, actor: "prognos")
    }

    @Test func anAcknowledgementMadeWhileTheDaemonsChangeWasOnItsWayIsKept() async throws {
        let store = try Store.inMemory()
        let raised = Self.raised(1, at: 1_000)
        await Self.write([raised], to: store)
        _ = try await store.markDelivered(ids: store.pendingOutbox().compactMap(\.id))
        try await store.apply(.acknowledge, toAlarm: raised.alarm.id, by: "ann", at: 1_001)

        await Self.write([Self.cleared(raised, at: 1_002)], to: store)
        let stored = try #require(try await store.alarm(id: raised.alarm.id))
        #expect(stored.state == .normal && !stored.active)
        #expect(stored.acknowledgedBy == "ann")
        let last = try #require(try await store.alarmHistory(alarmID: raised.alarm.id).last)
        #expect(
            last.transition == AlarmTransition(from: .acknowledged, to: .normal, cause: .conditionCleared, time: 1_002))
        let alerts = try await store.pendingOutbox().map(\.payload)
        #expect(alerts.count == 1)
        #expect(alerts.first?.contains(#""state":"normal""#) == true)
        #expect(alerts.first?.contains(#""previous_state":"acknowledged""#) == true)
    }

    @Test func anAlarmShelvedWhileTheDaemonsChangeWasOnItsWayStaysShelvedAndQuiet() async throws {
        let store = try Store.inMemory()
        let raised = Self.raised(1, at: 1_000)
        await Self.write([raised], to: store)
        _ = try await store.markDelivered(ids: store.pendingOutbox().compactMap(\.id))
        try await store.apply(.shelve(until: 5_000), toAlarm: raised.alarm.id, by: "bob", at: 1_001)

        await Self.write([Self.cleared(raised, at: 1_002)], to: store)
        let stored = try #require(try await store.alarm(id: raised.alarm.id))
        #expect(stored.state == .shelved && stored.shelvedUntil == 5_000 && stored.shelvedBy == "bob")
        #expect(!stored.active, "the condition is the daemon's")
        #expect(try await store.alarmHistory(alarmID: raised.alarm.id).map(\.cause) == [.conditionActivated, .shelved])
        #expect(try await store.pendingOutbox().isEmpty)
    }
}
