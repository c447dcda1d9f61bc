import Foundation
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

    @Test("EIO on every disk write for 12 s: clear error, alerts published, recovery on its own", .timeLimit(.minutes(3)))
    func diskWritesFail() async throws {
        let plant = try FaultPlant(tag: "fiu")
        try plant.startBroker()
        try plant.startSubscriber()
        try plant.startSimulator(scenario: AlarmBursts.scenario(cycles: 4, start: 12, every: 12, down: 6))
        let control = plant.harness.path("fiu-ctrl")
        let daemon = try plant.startDaemon(
            arguments: ["--stale-after", "2"], wrapper: [Peers.findExecutable("fiu-run"), "-x", "-f", control])
        try #require(plant.wait(60) { !plant.alarmsReceived().isEmpty }, "no alarm before the fault:\n\(plant.harness.read("run.log").suffix(3000))")

        let failing = FaultSuite.now
        for point in Self.points { try Self.control(daemon, control, "enable name=\(point),failinfo=\(EIO)") }
        try await Task.sleep(for: .seconds(12))
        for point in Self.points { try Self.control(daemon, control, "disable name=\(point)") }
        let healed = FaultSuite.now
        #expect(daemon.isRunning, "the daemon died of the I/O errors:\n\(plant.harness.read("run.log").suffix(3000))")

        let log = { plant.harness.read("run.log") }
        #expect(log().contains("Cannot write alarms to the store"), "no clear error in the log:\n\(log().suffix(3000))")
        // Raised while the disk failed, and published all the same.
        let duringFault = plant.alarmsReceived().filter { message in
            guard let time = ISO8601DateFormatter.withFractions.date(from: message.time)?.timeIntervalSince1970 else { return false }
            return time > failing + 0.5 && time < healed
        }
        #expect(!duringFault.isEmpty, "no alarm raised during the fault reached the subscriber")

        // Recovery on its own: the alarm changes that waited are written, and the outbox drains.
        let waited = Set(duringFault.map(\.eventID))
        let recovered = plant.wait(60) { try waited.isSubset(of: plant.storedEventIDs()) && plant.outboxAlerts() == 0 }
        let recovery = FaultSuite.now - healed
        #expect(recovered, "the alarm changes made during the fault never reached the store:\n\(log().suffix(3000))")
        #expect(log().contains("Alarm writes succeed again"))
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 30) == 0, "\(log().suffix(2000))")
        #expect(try plant.integrityCheck() == ["ok"])
        let expected = try plant.storedEventIDs()
        _ = plant.wait(20) { Set(plant.alarmsReceived().map(\.eventID)).isSuperset(of: expected) }
        let missing = Set(expected).subtracting(plant.alarmsReceived().map(\.eventID))
        #expect(missing.isEmpty, "stored but never published: \(missing.sorted().prefix(10))")
        FaultSuite.report(
            scenario: "Disk I/O errors (fiu: EIO on pwrite and fdatasync)",
            injected: "12 s of failing writes; \(duringFault.count) alerts raised meanwhile",
            lost: "\(missing.count); \(duringFault.count) alerts published straight to MQTT", recovery: FaultSuite.seconds(recovery))
    }

    /// Sends a libfiu remote-control command to the daemon (through `fiu-ctrl`'s named pipes).
    static func control(_ daemon: ChildProcess, _ base: String, _ command: String) throws {
        let child = try ChildProcess(Peers.findExecutable("fiu-ctrl"), ["-f", base, "-c", command, "\(daemon.pid)"])
        let status = child.wait(timeout: 10) ?? child.stop()
        guard status == 0 else { throw Peers.PeerError(message: "fiu-ctrl \(command) exited \(status)") }
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let withFractions: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}
