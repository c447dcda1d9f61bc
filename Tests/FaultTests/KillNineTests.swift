import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
import PrognosCore
#endif

/// `kill -9` of the daemon at random moments while it writes telemetry, alarms and their alerts:
/// after every kill the database passes `PRAGMA integrity_check`, and every alert a subscriber
/// received (an alert leaves through the outbox only after its transaction committed) is still in
/// the store. At the end a clean run delivers everything the store holds.
@Suite("Fault injection: kill -9 of the daemon", .serialized, .enabled(if: FaultSuite.isRoot))
struct KillNineTests {
    /// `make faults`: 1,000 kills (PROGNOS_FAULTS_KILLS overrides); `make test`: 10 (about 17 s).
    static var kills: Int {
        if let text = FaultSuite.environment["PROGNOS_FAULTS_KILLS"], let count = Int(text) { return count }
        return FaultSuite.long ? 1000 : 10
    }

    @Test("kill -9 at random moments: integrity ok every time, no committed alert lost", .timeLimit(.minutes(60)))
    func killedAtRandom() async throws {
        let kills = Self.kills
        let plant = try FaultPlant(tag: "kill")
        try plant.startBroker()
        try plant.startSubscriber()
        // Outages all along the run keep alarms, alerts and telemetry being written.
        try plant.startSimulator(scenario: AlarmBursts.scenario(cycles: kills / 4 + 8, start: 4, every: 8, down: 4))
        var random = SplitMix64(seed: UInt64(FaultSuite.environment["PROGNOS_FAULTS_SEED"] ?? "") ?? 10)
        let started = FaultSuite.now
        var failures: [String] = []
        var checked = 0
        for kill in 1...kills {
            let daemon = try plant.startDaemon(arguments: ["--stale-after", "2"], log: "run.log")
            // Uniform over 0.2–3 s after the spawn: at start-up, migration, restore, or steady writing.
            try await Task.sleep(for: .milliseconds(200 + Int(random.next() % 2800)))
            daemon.signal(SIGKILL)
            _ = daemon.wait(timeout: 10)
            // Killed before it created the file: nothing was committed yet.
            guard FileManager.default.fileExists(atPath: plant.db) else { continue }
            let integrity = try plant.integrityCheck()
            if integrity != ["ok"] { failures.append("kill \(kill): integrity_check \(integrity.prefix(3))") }
            let stored = Set(try plant.storedEventIDs())
            let received = plant.alarmsReceived().map(\.eventID)
            let lost = Set(received).subtracting(stored)
            if !lost.isEmpty {
                failures.append("kill \(kill): received but not in the store: \(lost.sorted().prefix(5))")
            }
            checked = received.count
            if failures.count > 5 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        let killing = FaultSuite.now - started

        // A clean run afterwards: it starts, delivers everything the store holds, and stops with 0.
        let restarted = FaultSuite.now
        let daemon = try plant.startDaemon(arguments: ["--stale-after", "2"], log: "run-final.log")
        let drained = plant.wait(60) { try plant.outboxAlerts() == 0 }
        let recovery = FaultSuite.now - restarted
        #expect(drained, "the outbox never drained after the kills")
        try await Task.sleep(for: .seconds(3))
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 30) == 0, "\(plant.harness.read("run-final.log").suffix(2000))")
        let expected = try plant.storedEventIDs()
        _ = plant.wait(20) { Set(plant.alarmsReceived().map(\.eventID)).isSuperset(of: expected) }
        let delivery = DeliveryCount(expected: expected, arrived: plant.alarmsReceived().map(\.eventID))
        #expect(delivery.missing.isEmpty, "never arrived: \(delivery.missing.prefix(20))")
        #expect(expected.count > 0, "no alarm was ever stored: the kills tested nothing")
        #expect(try plant.integrityCheck() == ["ok"])
        FaultSuite.report(
            scenario: "kill -9 of the daemon at random moments",
            injected:
                "\(kills) kills in \(Int(killing)) s; \(expected.count) transitions stored, \(checked) received while killing",
            lost: "\(delivery.missing.count); integrity_check ok \(kills - failures.count)/\(kills)",
            recovery: "\(FaultSuite.seconds(recovery)) (outbox empty after restart)")
    }
}
