import Foundation
import PrognosCore
import Store
import TestSupport
import Testing

/// `prognos alarms --db FILE --report` on a database whose alarm history the test writes itself.
@Suite struct AlarmReportTests {
    static let start = 1_800_000_000.0

    /// p/deviation annunciates at +100, +130 and +150 s (acknowledged by alice at +160);
    /// q/limit/flow/low at +700 s (acknowledged at +1,000 s).
    static func database() async throws -> (folder: URL, path: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alarm-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("prognos.sqlite").path
        let store = try Store.open(path: path)
        for (id, kind, activations, ack) in [
            ("p/deviation", AlarmKind.deviation, [100.0, 130, 150], 160.0), ("q/limit/flow/low", .limit, [700], 1000),
        ] {
            var machine = AlarmStateMachine()
            func record(_ transition: AlarmTransition?, actor: String = "prognos") async throws {
                guard let transition else { return }
                let alarm = AlarmRecord(
                    id: id, asset: String(id.prefix(1)), kind: kind, sensors: [], priority: .high, machine: machine,
                    message: id,
                    updatedAt: transition.time)
                try await store.recordAlarmTransition(transition, of: alarm, actor: actor, outbox: nil)
            }
            for time in activations {
                try await record(machine.update(conditionActive: true, at: start + time))
                try await record(machine.update(conditionActive: false, at: start + time + 5))
            }
            try await record(machine.acknowledge(at: start + ack), actor: "alice")
        }
        return (folder, path)
    }

    @Test(.timeLimit(.minutes(3)))
    func tableShowsRatesChatteringAndLatency() async throws {
        let (folder, db) = try await Self.database()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (status, output) = try PrognosBinary.run(
            ["alarms", "--db", db, "--report", "--from", "\(Int(Self.start))", "--to", "\(Int(Self.start) + 3600)"])
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first == "Alarm load 2027-01-15T08:00:00.000Z – 2027-01-15T09:00:00.000Z (1.0 h)")
        #expect(lines.contains("annunciations           4"))
        // 4 in six 10-minute buckets, three of them in the first.
        #expect(
            lines.contains { $0.hasPrefix("per 10 min              average 0.667, peak 3 at 2027-01-15T08:00:00.000Z") }
        )
        #expect(lines.contains("floods > 10/10 min      0, 0 % of the time"))
        #expect(lines.contains("p/deviation: 3 within 60 s, 3 in all"))
        // Latencies 60, 30, 10 and 300 s: nearest-rank median 30 s, p90 300 s.
        #expect(lines.contains("acknowledgement         median 30 s, p90 5.0 min (4 acknowledged, 0 not)"))
        #expect(lines.contains { $0.hasPrefix("p/deviation") && $0.hasSuffix("3      75 %") })
    }

    @Test(.timeLimit(.minutes(3)))
    func jsonAndSimulatedTime() async throws {
        let (folder, db) = try await Self.database()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Recorded at 10×: the first 360 s of wall time are an hour of simulated time, and the three
        // annunciations of p/deviation lie 1,000, 1,300 and 1,500 simulated seconds from the start.
        let (status, output) = try PrognosBinary.run(
            [
                "alarms", "--db", db, "--report", "--format", "json", "--speed", "10", "--from", "\(Int(Self.start))",
                "--to", "\(Int(Self.start) + 360)",
            ])
        #expect(status == 0, "\(output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(json["speed"] as? Double == 10)
        let report = try #require(json["report"] as? [String: Any])
        #expect(report["annunciations"] as? Int == 3)
        #expect(report["to"] as? Double == Self.start + 3600)
        #expect((report["chattering"] as? [Any])?.isEmpty == true)
        let latency = try #require(report["acknowledgement"] as? [String: Any])
        #expect(latency["median"] as? Double == 300)
        #expect(latency["p90"] as? Double == 600)
        let top = try #require(report["top"] as? [[String: Any]])
        #expect(top.first?["alarm_id"] as? String == "p/deviation")
    }

    @Test(.timeLimit(.minutes(3)))
    func clearErrors() async throws {
        let missing = try PrognosBinary.run(["alarms", "--db", "/nonexistent/prognos.sqlite", "--report"])
        #expect(missing.status == 1)
        #expect(missing.output.contains("no database at /nonexistent/prognos.sqlite"))
        let withAction = try PrognosBinary.run([
            "alarms", "--db", "/nonexistent/prognos.sqlite", "--report", "ack", "p/deviation",
        ])
        #expect(withAction.status == 64)
        #expect(withAction.output.contains("--report takes no action or alarm id"))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alarm-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.sqlite").path
        _ = try Store.open(path: empty)
        let nothing = try PrognosBinary.run(["alarms", "--db", empty, "--report"])
        #expect(nothing.status == 1)
        #expect(nothing.output.contains("no alarm history"))
        let reversed = try PrognosBinary.run([
            "alarms", "--db", empty, "--report", "--from", "2027-01-02T00:00:00Z", "--to", "2027-01-01T00:00:00Z",
        ])
        #expect(reversed.status == 64)
        #expect(reversed.output.contains("--to must be later than --from"))
    }
}
