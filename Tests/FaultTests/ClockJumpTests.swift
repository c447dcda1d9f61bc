import Foundation
import GRDB
import PlantFile
import PrognosCore
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The wall clock steps an hour forward, then an hour back (an NTP step, a mis-set clock), while
/// the daemon runs under libfaketime (`FAKETIME_TIMESTAMP_FILE`, re-read as it changes; the
/// monotonic clock is left alone, as a real clock step leaves it). Counted: polls per phase (no burst
/// of catch-up polls, no gap), no communication alarm although every device answers, times in the
/// alerts and states in UTC, readings increasing within each phase, and a real silence after the
/// step back still raises the communication alarm.
@Suite("Fault injection: clock jumps", .serialized, .enabled(if: FaultSuite.isRoot && FaultSuite.installed("faketime")))
struct ClockJumpTests {
    static let library = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"

    @Test(
        "±1 h wall-clock steps: no catch-up polls, no spurious alarm, UTC times", .enabled(if: FaultSuite.long),
        .timeLimit(.minutes(3)))
    func clockSteps() async throws {
        let plant = try FaultPlant(tag: "clock")
        let offsetFile = try plant.harness.write("faketime", "+0\n")
        try plant.startBroker()
        try plant.startSubscriber()
        try plant.spawn(
            Executable.path(named: "mosquitto_sub"),
            ["-h", "127.0.0.1", "-p", "\(plant.brokerPort)", "-t", "prognos/+/+/state", "-v"],
            log: "states.log")
        try plant.startSimulator()
        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = Self.library
        environment["FAKETIME_TIMESTAMP_FILE"] = offsetFile
        environment["FAKETIME_NO_CACHE"] = "1"
        environment["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
        // Without it libfaketime 0.9.10 returns ETIMEDOUT at once from waits on CLOCK_MONOTONIC
        // condition variables (checked with a C probe): a fault of the tool, not of a real clock step.
        environment["FAKETIME_FORCE_MONOTONIC_FIX"] = "0"
        // Above the slowest device's period (energy-meters, 5 s): only a real silence is stale.
        let daemon = try plant.startDaemon(arguments: ["--stale-after", "8"], environment: environment)

        let watched = try #require(
            ModbusFaultTests.watchedSignals(try PlantFileLoader.load(path: plant.harness.plantPath))["plc-intake"])
        let started = FaultSuite.now
        try #require(
            plant.wait(60) {
                try plant.readings(asset: watched.asset, sensor: watched.sensor, from: started, to: started + 600).count
                    >= 5
            }, "the daemon never read plc-intake:\n\(plant.harness.read("run.log").suffix(3000))")

        // Phases of real time; the daemon's wall clock is offset by `shift` during each.
        let phases: [(name: String, offset: String, shift: Double)] = [
            ("before", "+0", 0), ("+1 h", "+1h", 3600), ("back −1 h", "+0", 0),
        ]
        var windows: [(name: String, from: Double, to: Double, shift: Double)] = []
        for phase in phases {
            try plant.harness.write("faketime", phase.offset + "\n")
            let from = FaultSuite.now
            try await Task.sleep(for: .seconds(10))
            windows.append((phase.name, from, FaultSuite.now, phase.shift))
        }
        // After the step back, a real silence is still noticed: plc-intake goes dark (DROP in the namespace).
        let port = try #require(plant.harness.devicePorts["plc-intake"])
        let rule = ["-p", "tcp", "--dport", "\(port)", "-j", "DROP"]
        try plant.namespace.addRule(rule)
        let dark = FaultSuite.now
        let silenceAlarm = "\(watched.asset)/communication"
        let noticed = plant.wait(20) {
            try plant.openDatabase().read { db in
                try Int.fetchOne(
                    db,
                    sql:
                        "SELECT count(*) FROM alarm_history WHERE alarm_id = ? AND to_state = 'unacknowledged' AND time > ?",
                    arguments: [silenceAlarm, dark]) ?? 0
            } > 0
        }
        let noticedAfter = FaultSuite.now - dark
        try plant.namespace.deleteRule(rule)
        #expect(noticed, "plc-intake dark after the clock went back: no communication alarm for \(watched.asset)")
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 30) == 0, "\(plant.harness.read("run.log").suffix(2000))")

        // Polls per phase, on the daemon's (shifted) clock: one per second, neither a burst nor a gap.
        var counts: [String] = []
        for window in windows {
            // The first second of a phase may still carry the previous offset (a poll in flight).
            let times = try plant.readings(
                asset: watched.asset, sensor: watched.sensor, from: window.from + 1 + window.shift,
                to: window.to + window.shift
            ).map(\.time)
            let expected = window.to - window.from - 1
            #expect(abs(Double(times.count) - expected) <= 2, "\(window.name): \(times.count) polls in \(expected) s")
            #expect(times == times.sorted(), "\(window.name): reading times go backwards within the phase")
            counts.append("\(window.name) \(times.count)/\(Int(expected.rounded()))")
        }

        // Every device answered all along: a clock step is not a silence.
        let communication = try await plant.openDatabase().read { db in
            try Int.fetchOne(
                db,
                sql:
                    "SELECT count(*) FROM alarm_history WHERE alarm_id LIKE '%/communication' AND to_state = 'unacknowledged' AND time < ?",
                arguments: [dark]) ?? 0
        }
        let raised = try await plant.openDatabase().read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT time, alarm_id FROM alarm_history WHERE alarm_id LIKE '%/communication' AND to_state = 'unacknowledged' AND time < ?",
                arguments: [dark]
            )
            .map { "\(Int(($0["time"] as Double) - started)) s \($0["alarm_id"] as String)" }
        }
        #expect(
            communication == 0,
            "\(communication) communication alarms raised by clock steps alone (s after start; phases \(windows.map { Int($0.from - started) })): \(raised.prefix(40))"
        )
        let ids = try plant.storedEventIDs()
        #expect(Set(ids).count == ids.count, "event ids repeat after the clock went back")

        // Published times are UTC ISO 8601 and follow the wall clock (an hour ahead in the +1 h phase).
        let stateTimes = plant.harness.read("states.log").split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: #""time":""#) else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(!stateTimes.isEmpty, "no state message was published")
        #expect(
            stateTimes.allSatisfy { $0.hasSuffix("Z") },
            "a published time is not UTC: \(stateTimes.filter { !$0.hasSuffix("Z") }.prefix(3))")
        FaultSuite.report(
            scenario: "Wall clock steps +1 h then −1 h (faketime)", injected: "two steps, 10 s apart",
            lost: "0 polls (per phase \(counts.joined(separator: ", "))); \(communication) spurious alarms",
            recovery:
                "— (no effect); a real silence after the step back alarmed after \(FaultSuite.seconds(noticedAfter)) (stale-after 8 s)"
        )
    }
}
