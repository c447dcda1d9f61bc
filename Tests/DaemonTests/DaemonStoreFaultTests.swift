import Foundation
import PrognosCore
import Store
import TestSupport
import Testing

/// The store refusing writes while the daemon runs: the disk fills up, or another process holds
/// the write lock. The daemon says so clearly, keeps publishing alarms over MQTT from memory,
/// loses nothing already committed, and catches up on its own once writes succeed again.
@Suite("prognos run when the store refuses writes", .serialized)
struct DaemonStoreFaultTests {
    /// Silences the plant until `pump-101`'s communication alarm reached the subscriber, then lets it
    /// talk again until the alarm returned to normal.
    static func communicationOutage(_ plant: RunningPlant) throws -> (raised: Bool, returned: Bool) {
        plant.stopSimulator()
        let raised = PlantHarness.wait(timeout: 60) { plant.received("pump-101/communication", "unacknowledged") }
        try plant.startSimulator()
        let returned = PlantHarness.wait(timeout: 60) {
            plant.received("pump-101/communication", "returned-unacknowledged")
        }
        return (raised, returned)
    }

    @Test(
        "Disk full: a clear error, alarms still published, nothing committed lost, writes resume once space is freed",
        .timeLimit(.minutes(4)))
    func diskFull() async throws {
        let disk = FileManager.default.temporaryDirectory.appendingPathComponent("prognos-disk-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mount = try RunningPlant.run("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", disk])
        try #require(mount.status == 0, "cannot mount a tmpfs (the test needs root): \(mount.output)")
        defer {
            _ = try? RunningPlant.run("umount", ["-l", disk])
            try? FileManager.default.removeItem(atPath: disk)
        }
        let plant = try RunningPlant(database: disk + "/prognos.sqlite")
        let metricsPort = Loopback.freePort()
        let readiness = { HTTPProbe.get(port: metricsPort, "/readyz").map { "\($0.status) \($0.body)" } ?? "no answer" }
        try plant.startSimulator()
        try plant.startDaemon(["--metrics", "\(metricsPort)"])
        #expect(
            await eventually(timeout: 30) {
                ((try? await Store.openReadOnly(path: plant.database).status().readings) ?? 0) > 0
            })

        // Something committed before the disk fills: an outage's alarm transitions, and telemetry.
        let before = try Self.communicationOutage(plant)
        #expect(
            before.raised && before.returned,
            "no communication alarm before the disk filled; log:\n\(plant.log.suffix(3000))")
        #expect(await eventually(timeout: 30) { ((try? await Self.history(plant.database)) ?? []).count >= 2 })
        let committedHistory = try await Self.history(plant.database)
        let committedReadings = try await Store.openReadOnly(path: plant.database).status().readings
        #expect(committedReadings > 0)

        // Fill the disk. The daemon says why it cannot write, and keeps running.
        let mark = plant.log.count
        try RunningPlant.run("dd", ["if=/dev/zero", "of=\(disk)/filler", "bs=64k"])
        let complained = PlantHarness.wait(timeout: 60) {
            plant.log(after: mark).contains("Cannot write telemetry to the store")
        }
        #expect(complained, "no error in the log after the disk filled:\n\(plant.log(after: mark).suffix(3000))")
        #expect(
            plant.log(after: mark).contains("disk full"),
            "the error does not say the disk is full:\n\(plant.log(after: mark).suffix(3000))")
        // Not ready, and /readyz says why.
        #expect(
            PlantHarness.wait(timeout: 30) {
                readiness().hasPrefix("503 not writing: ") && readiness().contains("disk full")
            },
            "\(readiness())")

        // Alarms raised while the disk is full still reach MQTT subscribers, from memory.
        let subscriberMark = plant.alarms.count
        plant.stopSimulator()
        let published = PlantHarness.wait(timeout: 60) {
            plant.alarms.dropFirst(subscriberMark).contains {
                $0.alarmID == "pump-101/communication" && $0.state == "unacknowledged"
            }
        }
        #expect(
            published,
            """
            the communication alarm raised on a full disk never reached the subscriber; received: \
            \(plant.alarms.dropFirst(subscriberMark).map { "\($0.alarmID) \($0.state)" }); log:
            \(plant.log(after: mark).split(separator: "\n").filter { !$0.contains("delivered alerts") }.suffix(60)
                .joined(separator: "\n"))
            """)
        #expect(PlantHarness.wait(timeout: 30) { plant.log(after: mark).contains("Cannot write alarms to the store") })
        #expect(plant.daemon?.isRunning == true, "the daemon stopped on a full disk:\n\(plant.log.suffix(3000))")
        try plant.startSimulator()

        // Space is freed: writes resume by themselves, the waiting alarm changes are stored.
        try FileManager.default.removeItem(atPath: disk + "/filler")
        #expect(
            PlantHarness.wait(timeout: 60) { plant.log(after: mark).contains("Telemetry writes succeed again") },
            "telemetry writes did not resume:\n\(plant.log(after: mark).suffix(3000))")
        #expect(PlantHarness.wait(timeout: 60) { plant.log(after: mark).contains("Alarm writes succeed again") })
        #expect(
            await eventually(timeout: 30) {
                ((try? await Self.history(plant.database)) ?? []).count > committedHistory.count
            },
            "the alarm changes made while the disk was full were not stored")
        #expect(PlantHarness.wait(timeout: 60) { readiness() == "200 ready\n" }, "\(readiness())")

        plant.daemon?.signal(SIGTERM)
        #expect(plant.daemon?.wait(timeout: 30) == 0, "\(plant.log.suffix(2000))")
        let store = try Store.openReadOnly(path: plant.database)
        #expect(try await store.integrityCheck() == ["ok"])
        let history = try await Self.history(plant.database)
        #expect(
            Array(history.prefix(committedHistory.count)) == committedHistory,
            "alarm history committed before the disk filled was lost")
        #expect(try await store.status().readings > committedReadings)
    }

    @Test(
        "Locked database: a clear error, alarms still published, recovery on its own once the lock is released",
        .timeLimit(.minutes(4)))
    func lockedDatabase() async throws {
        let plant = try RunningPlant()
        try plant.startSimulator()
        try plant.startDaemon()
        #expect(
            await eventually(timeout: 30) {
                ((try? await Store.openReadOnly(path: plant.database).status().readings) ?? 0) > 0
            })

        // Another process takes the write lock and keeps it (sqlite3's own shell, sleeping inside a
        // transaction; the shell's echo says the lock is taken, sqlite3's own output is buffered).
        let mark = plant.log.count
        let holder = try ChildProcess(
            Executable.path(named: "sqlite3"),
            ["-bail", plant.database, ".timeout 10000", "BEGIN EXCLUSIVE;", ".shell echo locked; sleep 600"],
            outputPath: plant.harness.path("holder.log"))
        defer { holder.stop() }
        #expect(
            PlantHarness.wait(timeout: 20) { plant.harness.read("holder.log").contains("locked") },
            "sqlite3 did not get the lock")
        #expect(
            PlantHarness.wait(timeout: 60) { plant.log(after: mark).contains("Cannot write telemetry to the store") },
            "no error in the log while the database was locked:\n\(plant.log(after: mark).suffix(3000))")
        #expect(plant.log(after: mark).contains("database is locked"))
        let historyWhileLocked = try await Self.history(plant.database)

        // An alarm raised meanwhile still reaches the subscriber.
        let subscriberMark = plant.alarms.count
        plant.stopSimulator()
        #expect(
            PlantHarness.wait(timeout: 90) {
                plant.alarms.dropFirst(subscriberMark).contains {
                    $0.alarmID == "pump-101/communication" && $0.state == "unacknowledged"
                }
            }, "the alarm raised while the database was locked never reached the subscriber")
        #expect(PlantHarness.wait(timeout: 30) { plant.log(after: mark).contains("Cannot write alarms to the store") })
        #expect(
            try await Self.history(plant.database) == historyWhileLocked,
            "alarm changes were written although the database was locked")

        // The lock goes away: everything resumes by itself and the waiting change is stored.
        holder.stop()
        try plant.startSimulator()
        #expect(PlantHarness.wait(timeout: 60) { plant.log(after: mark).contains("Telemetry writes succeed again") })
        #expect(PlantHarness.wait(timeout: 60) { plant.log(after: mark).contains("Alarm writes succeed again") })
        #expect(
            await eventually(timeout: 30) {
                ((try? await Self.history(plant.database)) ?? []).dropFirst(historyWhileLocked.count).contains {
                    $0.alarm == "pump-101/communication"
                }
            }, "the alarm change made while the database was locked was not stored")
        plant.daemon?.signal(SIGTERM)
        #expect(plant.daemon?.wait(timeout: 30) == 0, "\(plant.log.suffix(2000))")
        #expect(try await Store.openReadOnly(path: plant.database).integrityCheck() == ["ok"])
    }

    struct HistoryRow: Equatable {
        var id: Int64
        var alarm: String
        var cause: String
    }

    /// The alarm history as stored, oldest first (read with a connection of our own, as any reader would).
    static func history(_ database: String) async throws -> [HistoryRow] {
        let rows = try await Store.openReadOnly(path: database).alarmHistory(after: 0, limit: 100_000)
        return rows.map { HistoryRow(id: $0.id ?? 0, alarm: $0.alarmID, cause: $0.cause.rawValue) }
    }
}

/// Waits until an async `condition` holds, polling every 200 ms; false after `timeout` seconds.
func eventually(timeout: Double, _ condition: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(200))
    }
    return await condition()
}
