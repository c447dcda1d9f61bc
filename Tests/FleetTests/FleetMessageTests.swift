import Daemon
import Fleet
import Foundation
import PrognosCore
import Testing
import WorldModel

@Suite("Fleet messages: the daemon's alarm, state and plan documents decoded and checked")
struct FleetMessageTests {
    let time = 1_795_927_894.884

    @Test("An alarm transition made by the daemon's encoder decodes with its event id, states and time")
    func alarm() throws {
        let message = RealMessages.alarm(site: "riverside", asset: "pump-101", time: time)
        guard
            case .alarm(let event) = try FleetMessage.decode(topic: message.topic, payload: Array(message.payload.utf8))
        else {
            Issue.record("not decoded as an alarm")
            return
        }
        #expect(event.eventID == message.eventID)
        #expect(event.site == "riverside" && event.asset == "pump-101" && event.alarmID == "pump-101/communication")
        #expect(
            event.state == .unacknowledged && event.previousState == .normal && event.cause == "condition-activated")
        #expect(abs(event.time - time) < 0.0005)
        #expect(event.value == 10 && event.threshold == 6 && event.active)
    }

    @Test("A state keeps the shortest remaining life; a plan its proposals")
    func stateAndPlan() throws {
        let state = RealMessages.state(
            site: "riverside", asset: "pump-101", status: .offSpec, time: time, score: 2.5, rulDays: 9)
        guard case .state(let s) = try FleetMessage.decode(topic: state.topic, payload: Array(state.payload.utf8))
        else {
            Issue.record("not a state")
            return
        }
        #expect(s.status == "off-spec" && s.score == 2.5 && s.rulMode == "bearing-wear" && s.rulMedian == 9 * 86_400)
        let plan = RealMessages.plan(
            site: "riverside", createdAt: time, version: 7, asset: "pump-101", windowStart: time + 86_400)
        guard case .plan(let p) = try FleetMessage.decode(topic: plan.topic, payload: Array(plan.payload.utf8)) else {
            Issue.record("not a plan")
            return
        }
        #expect(
            p.version == 7 && p.proposals.count == 1 && p.proposals[0].action == "replace-bearings"
                && p.proposals[0].crew == 2)
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

    /// What a broker may carry from a broken or hostile publisher: every message either decodes or
    /// is refused with a reason; nothing traps (a version of 1e300 once did, in Int64(_:)).
    @Test("Mangled documents are decoded or refused, never a crash")
    func mangled() {
        let documents = [
            RealMessages.alarm(site: "riverside", asset: "pump-101", time: time).payload,
            RealMessages.state(
                site: "riverside", asset: "pump-101", status: .offSpec, time: time, score: 2.5, rulDays: 9
            ).payload,
            RealMessages.plan(
                site: "riverside", createdAt: time, version: 7, asset: "pump-101", windowStart: time + 86_400
            ).payload,
        ]
        let topics = ["prognos/riverside/pump-101/alarm", "prognos/riverside/pump-101/state", "prognos/riverside/plan"]
        // Values a field should never hold, put where numbers, words and lists were.
        let strange = [
            "1e300", "-1e300", "null", "true", "\"\"", "[]", "{}", "1.5", "-0", "\"\\u0000\"", "9223372036854775808",
        ]
        var rng = SplitMix64(seed: 0x5EED)
        func below(_ n: Int) -> Int { Int.random(in: 0..<n, using: &rng) }
        var decoded = 0, refused = 0
        for round in 0..<6_000 {
            let k = round % documents.count
            var bytes = Array(documents[k].utf8)
            switch below(3) {
            case 0:  // a value replaced after some ':'
                let colons = bytes.indices.filter { bytes[$0] == UInt8(ascii: ":") }
                let at = colons[below(colons.count)] + 1
                let end = bytes[at...].firstIndex { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "}") } ?? bytes.count
                bytes.replaceSubrange(at..<end, with: Array(strange[below(strange.count)].utf8))
            case 1:  // cut short
                bytes = Array(bytes.prefix(below(bytes.count)))
            default:  // a byte changed
                bytes[below(bytes.count)] = UInt8.random(in: 0...255, using: &rng)
            }
            do {
                _ = try FleetMessage.decode(topic: topics[k], payload: bytes)
                decoded += 1
            } catch {
                #expect(!error.reason.isEmpty && error.topic == topics[k])
                refused += 1
            }
        }
        #expect(decoded + refused == 6_000 && refused > 3_000, "decoded \(decoded), refused \(refused)")
    }
}
