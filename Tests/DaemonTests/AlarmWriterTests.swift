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
}
