import Dashboard
import Foundation
import PrognosCore
import Store
import Testing

@Suite("Status words and keys")
struct ModelTests {
    @Test("NE 107 status from alarms, as the daemon derives it")
    func ne107() {
        func a(
            _ kind: AlarmKind, _ priority: AlarmPriority = .high, active: Bool = true, ack: Bool = false,
            shelved: Bool = false
        ) -> AlarmRecord {
            var (record, _) = Fixture.alarm(
                "x/\(kind)", asset: "x", kind: kind, priority: priority, message: "", raised: 0, active: active,
                acknowledged: ack)
            if shelved { _ = record.machine.shelve(until: 1e12, at: 10) }
            return record
        }
        #expect(NE107Status.of(alarms: []) == .normal)
        #expect(NE107Status.of(alarms: [a(.rul)]) == .maintenanceRequired)
        #expect(NE107Status.of(alarms: [a(.rul), a(.deviation)]) == .offSpec)
        #expect(NE107Status.of(alarms: [a(.limit), a(.communication)]) == .checkFunction)
        #expect(NE107Status.of(alarms: [a(.limit, .urgent), a(.communication)]) == .failure)
        #expect(NE107Status.of(alarms: [a(.limit, .urgent, ack: true)]) == .failure)
        #expect(
            NE107Status.of(alarms: [a(.limit, .urgent, active: false)]) == .normal,
            "returned to normal, not yet acknowledged")
        #expect(NE107Status.of(alarms: [a(.deviation, shelved: true)]) == .normal, "shelved alarms are not annunciated")
    }

    @Test("Plant sorted by risk; filter by area or type; open an asset with Enter")
    func navigate() async throws {
        let store = try await Fixture.store()
        let model = await Fixture.model(layout: try Fixture.layout("operator"), store: store)
        var text = model.render(width: 80, height: 24).text
        let pumpLines = text.split(separator: "\n").filter { $0.contains("pump-10") }
        #expect(pumpLines.first?.contains("pump-101") == true, "the riskiest pump first:\n\(text)")
        _ = model.handle(.character("/"))
        for c in "fan" { _ = model.handle(.character(c)) }
        _ = model.handle(.enter)
        text = model.render(width: 80, height: 24).text
        #expect(text.contains("fan-201") && text.contains("fan-202") && !text.contains("pump-101"))
        _ = model.handle(.escape)
        _ = model.handle(.character("/"))
        for c in "intake" { _ = model.handle(.character(c)) }
        _ = model.handle(.enter)
        text = model.render(width: 80, height: 24).text
        #expect(text.contains("pump-102") && !text.contains("fan-201"))
        _ = model.handle(.down)
        #expect(model.handle(.enter) == .refresh)
        #expect(model.state.view == .asset)
        #expect(model.state.openAsset == model.plantEntries().dropFirst().first?.id)
        _ = model.handle(.escape)
        #expect(model.state.view == .plant)
        #expect(model.handle(.character("q")) == .quit)
    }

    @Test("Acknowledge and shelve from the alarms view go through Store.apply and are recorded")
    func commands() async throws {
        let store = try await Fixture.store()
        let model = await Fixture.model(layout: try Fixture.layout("operator"), store: store)
        _ = model.handle(.character("2"))
        #expect(model.state.view == .alarms)
        _ = model.render(width: 80, height: 24)
        let first = try #require(model.snapshot.alarms.first)
        #expect(first.state == .unacknowledged)
        let action = model.handle(.character("a"))
        #expect(action == .command(.acknowledge, alarmID: first.id))
        let acked = try await store.apply(.acknowledge, toAlarm: first.id, by: "tester", at: Fixture.now)
        model.commandFinished(.acknowledge, alarmID: first.id, result: .success(acked))
        #expect(model.render(width: 80, height: 24).text.contains("\(first.id): acknowledged (by tester)"))
        #expect(try await store.alarm(id: first.id)?.acknowledgedBy == "tester")

        _ = model.handle(.down)
        _ = model.handle(.character("s"))
        #expect(model.render(width: 80, height: 24).text.contains("Shelve"))
        _ = model.handle(.backspace)
        _ = model.handle(.backspace)
        for c in "2h" { _ = model.handle(.character(c)) }
        let shelve = model.handle(.enter)
        guard case .command(.shelve(let until), let id) = shelve else {
            Issue.record("expected a shelve command, got \(shelve)")
            return
        }
        #expect(until == Fixture.now + 7200)
        #expect(id == model.state.selectedAlarm)
        _ = model.handle(.character("s"))
        _ = model.handle(.character("x"))
        #expect(model.handle(.enter) == .none, "a bad duration is refused")
        #expect(model.state.messageIsError)
    }
}
