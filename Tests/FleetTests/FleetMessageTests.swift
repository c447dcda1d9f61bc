import Daemon
import Fleet
import Foundation
import PrognosCore
import Testing

@Suite("Fleet messages: the daemon's alarm, state and plan documents decoded and checked")
struct FleetMessageTests {
    let time = 1_795_927_894.884

    @Test("An alarm transition made by the daemon's encoder decodes with its event id, states and time")
    func alarm() throws {
        let message = RealMessages.alarm(site: "riverside", asset: "pump-101", time: time)
        guard case .alarm(let event) = try FleetMessage.decode(topic: message.topic, payload: Array(message.payload.utf8)) else {
            Issue.record("not decoded as an alarm")
            return
        }
        #expect(event.eventID == message.eventID)
        #expect(event.site == "riverside" && event.asset == "pump-101" && event.alarmID == "pump-101/communication")
        #expect(event.state == .unacknowledged && event.previousState == .normal && event.cause == "condition-activated")
        #expect(abs(event.time - time) < 0.0005)
        #expect(event.value == 10 && event.threshold == 6 && event.active)
    }

    @Test("A state keeps the shortest remaining life; a plan its proposals")
    func stateAndPlan() throws {
        let state = RealMessages.state(site: "riverside", asset: "pump-101", status: .offSpec, time: time, score: 2.5, rulDays: 9)
        guard case .state(let s) = try FleetMessage.decode(topic: state.topic, payload: Array(state.payload.utf8)) else {
            Issue.record("not a state")
            return
        }
        #expect(s.status == "off-spec" && s.score == 2.5 && s.rulMode == "bearing-wear" && s.rulMedian == 9 * 86_400)
        let plan = RealMessages.plan(site: "riverside", createdAt: time, version: 7, asset: "pump-101", windowStart: time + 86_400)
        guard case .plan(let p) = try FleetMessage.decode(topic: plan.topic, payload: Array(plan.payload.utf8)) else {
            Issue.record("not a plan")
            return
        }
        #expect(p.version == 7 && p.proposals.count == 1 && p.proposals[0].action == "replace-bearings" && p.proposals[0].crew == 2)
    }

    @Test(
        "Bad messages are refused with the topic and the field",
        arguments: [
            ("prognos/riverside/pump-101/alarm", "not json", "not JSON"),
            ("prognos/riverside/pump-101/alarm", "[1,2]", "not a JSON object"),
            ("prognos/lakeside/pump-101/state", "STATE", "site riverside is not the topic's"),
            ("prognos/riverside/pump-9/state", "STATE", "asset pump-101 is not the topic's"),
            ("prognos/riverside/pump-101/alarm", "STATE", "\"event_id\" is missing"),
            ("prognos/riverside/pump-101/other", "STATE", "not an alarm, state, plan or status topic"),
        ])
    func refused(topic: String, payload: String, reason: String) {
        let state = RealMessages.state(site: "riverside", asset: "pump-101", status: .normal, time: time).payload
        let text = payload == "STATE" ? state : payload
        let error = #expect(throws: FleetMessageError.self) {
            try FleetMessage.decode(topic: topic, payload: Array(text.utf8))
        }
        #expect(error?.description.contains(reason) == true && error?.topic == topic, "\(String(describing: error))")
    }

    @Test("true/false are not numbers: a number where a boolean belongs is refused")
    func booleans() {
        let state = RealMessages.state(site: "riverside", asset: "pump-101", status: .normal, time: time).payload
            .replacingOccurrences(of: "\"learning\":false", with: "\"learning\":0")
        #expect(throws: FleetMessageError.self) {
            try FleetMessage.decode(topic: "prognos/riverside/pump-101/state", payload: Array(state.utf8))
        }
    }
}
