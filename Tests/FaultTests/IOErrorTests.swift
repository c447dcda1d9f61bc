import Foundation
import GRDB
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The disk fails under the daemon: with libfiu (`fiu-run -x`) every `pwrite` and `fdatasync` of the
/// daemon returns EIO for a while (SQLite's writes and syncs; sockets and logs use other calls), in
/// the middle of alarm bursts. Counted: a clear error in the log, the alerts raised meanwhile still
/// reach the subscriber (straight to MQTT), and once the disk works again the daemon recovers on its
/// own: the waiting alarm changes are written, the database is intact and the outbox drains.
@Suite("Fault injection: I/O errors", .serialized, .enabled(if: FaultSuite.isRoot && FaultSuite.installed("fiu-run")))
struct IOErrorTests {
    static let points = ["posix/io/rw/pwrite", "posix/io/sync/fdatasync"]

    @Test(
        "EIO on every disk write for 12 s: clear error, alerts published, recovery on its own", .timeLimit(.minutes(3)))
    func diskWritesFail() async throws {
        let plant = try FaultPlant(tag: "fiu")
        try plant.startBroker()
        try plant.startSubscriber()
        try plant.startSimulator(scenario: AlarmBursts.scenario(cycles: 4, start: 12, every: 12, down: 6))
        let control = plant.harness.path("fiu-ctrl")
        let daemon = try plant.startDaemon(
            arguments: ["--stale-after", "2"], wrapper: [Executable.path(named: "fiu-run"), "-x", "-f", control])
        try #require(
            plant.wait(60) { !plant.alarmsReceived().isEmpty },
            "no alarm before the fault:\n\(plant.harness.read("run.log").suffix(3000))")

        let failing = FaultSuite.now
        for point in Self.points { try Self.control(daemon, control, "enable name=\(point),failinfo=\(EIO)") }
        try await Task.sleep(for: .seconds(12))
        // What the subscriber had heard while the disk still failed.
        let heardDuringFault = Set(plant.alarmsReceived().map(\.eventID))
        for point in Self.points { try Self.control(daemon, control, "disable name=\(point)") }
        let healed = FaultSuite.now
        #expect(daemon.isRunning, "the daemon died of the I/O errors:\n\(plant.harness.read("run.log").suffix(3000))")
        let log = { plant.harness.read("run.log") }
        #expect(log().contains("Cannot write alarms to the store"), "no clear error in the log:\n\(log().suffix(3000))")

        // Recovery on its own: the alarm changes made during the fault reach the store, the outbox drains.
        let recovered = plant.wait(60) {
            try plant.outboxAlerts() == 0 && log().contains("Alarm writes succeed again")
        }
        let recovery = FaultSuite.now - healed
        #expect(recovered, "no recovery after the disk came back:\n\(log().suffix(3000))")
        let madeDuringFault = try await plant.openDatabase().read { db in
            try Row.fetchAll(
                db, sql: "SELECT alarm_id, time, cause FROM alarm_history WHERE time > ? AND time < ? ORDER BY id",
                arguments: [failing + 0.5, healed - 1]
            ).map { AlarmMessage.eventID(alarm: $0["alarm_id"], time: $0["time"], cause: $0["cause"]) }
        }
        #expect(!madeDuringFault.isEmpty, "no alarm change during the fault: the scenario tested nothing")
        // Every one of them was published while the disk failed, not only once it worked again.
        let unheard = madeDuringFault.filter { !heardDuringFault.contains($0) }
        #expect(
            unheard.isEmpty,
            "\(unheard.count) of \(madeDuringFault.count) alarm changes were not published during the fault: \(unheard.prefix(5))"
        )
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 30) == 0, "\(log().suffix(2000))")
        #expect(try plant.integrityCheck() == ["ok"])
        let expected = try plant.storedEventIDs()
        _ = plant.wait(20) { Set(plant.alarmsReceived().map(\.eventID)).isSuperset(of: expected) }
        let missing = Set(expected).subtracting(plant.alarmsReceived().map(\.eventID))
        #expect(missing.isEmpty, "stored but never published: \(missing.sorted().prefix(10))")
        FaultSuite.report(
            scenario: "Disk I/O errors (fiu: EIO on pwrite and fdatasync)",
            injected: "12 s of failing writes; \(madeDuringFault.count) alarm changes meanwhile",
            lost:
                "\(missing.count); \(madeDuringFault.count - unheard.count) of \(madeDuringFault.count) published during the fault",
            recovery: FaultSuite.seconds(recovery))
    }

    /// Sends a libfiu remote-control command to the daemon (through `fiu-ctrl`'s named pipes).
    static func control(_ daemon: ChildProcess, _ base: String, _ command: String) throws {
        let child = try ChildProcess(Executable.path(named: "fiu-ctrl"), ["-f", base, "-c", command, "\(daemon.pid)"])
        let status = child.wait(timeout: 10) ?? child.stop()
        guard status == 0 else { throw PeerError(message: "fiu-ctrl \(command) exited \(status)") }
    }
}
