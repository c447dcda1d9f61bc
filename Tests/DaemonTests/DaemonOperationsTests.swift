import Foundation
import PrognosCore
import Store
import TestSupport
import Testing

/// What operators do to a running daemon: change the plant file and send SIGHUP, ask
/// `prognos status` how it is doing.
@Suite("prognos run operations", .serialized)
struct DaemonOperationsTests {
    /// pump-101's drive-end bearing temperature as the demo plant defines it, and with an alarm
    /// limit that any running pump exceeds (limits in order: normal ≤ alarm ≤ trip).
    static let bearingLimits =
        "normal: [15, 75], alarm: {high: 85}, trip: {high: 95}, modbus: {device: plc-intake, function: input, address: 6,"
    static let lowBearingLimit =
        "normal: [0, 1], alarm: {high: 2}, trip: {high: 95}, modbus: {device: plc-intake, function: input, address: 6,"
    /// An alarm limit above the trip limit: the loader rejects it.
    static let invalidBearingLimit =
        "normal: [0, 1], alarm: {high: 200}, trip: {high: 95}, modbus: {device: plc-intake, function: input, address: 6,"
    static let alarm = "pump-101/limit/bearing_temp_de/high"

    @Test(
        "SIGHUP adopts a valid changed plant file and rejects an invalid one with file:line:column, the old plant running on",
        .timeLimit(.minutes(3)))
    func reloadOnHangup() async throws {
        let plant = try RunningPlant()
        try plant.startSimulator()
        try plant.startDaemon()
        let original = plant.harness.read("plant.yaml")
        try #require(
            original.components(separatedBy: Self.bearingLimits).count == 2,
            "pump-101's bearing temperature line not found once")
        let line = original.components(separatedBy: Self.bearingLimits)[0].filter { $0 == "\n" }.count + 1
        #expect(
            await eventually(timeout: 30) {
                ((try? await Store.openReadOnly(path: plant.database).status().readings) ?? 0) > 0
            })
        #expect(!plant.received(Self.alarm, "unacknowledged"))

        // A lower alarm limit: adopted at once, the pump's bearing temperature is now above it.
        try plant.harness.write(
            "plant.yaml", original.replacingOccurrences(of: Self.bearingLimits, with: Self.lowBearingLimit))
        plant.daemon?.signal(SIGHUP)
        #expect(
            PlantHarness.wait(timeout: 20) { plant.log.contains("Plant file reloaded") }, "\(plant.log.suffix(2000))")
        #expect(
            PlantHarness.wait(timeout: 30) { plant.received(Self.alarm, "unacknowledged") },
            "the new limit raised no alarm")

        // An invalid file: rejected with where and why; the daemon runs on with the plant it had.
        let mark = plant.log.count
        let invalid = original.replacingOccurrences(of: Self.bearingLimits, with: Self.invalidBearingLimit)
        try plant.harness.write("plant.yaml", invalid)
        plant.daemon?.signal(SIGHUP)
        #expect(
            PlantHarness.wait(timeout: 20) { plant.log(after: mark).contains("Plant file rejected on reload") },
            "\(plant.log.suffix(2000))")
        let rejection = plant.log(after: mark)
        #expect(
            rejection.contains("\(plant.harness.plantPath):\(line):"),
            "no file:line:column of the error in:\n\(rejection)")
        #expect(rejection.contains("limits must lie in order"))
        #expect(plant.daemon?.isRunning == true)
        // The limit it had stays in force while readings keep coming: the alarm does not return to normal.
        let readings = try await Store.openReadOnly(path: plant.database).status().readings
        #expect(
            await eventually(timeout: 60) {
                ((try? await Store.openReadOnly(path: plant.database).status().readings) ?? 0) > readings + 2000
            })
        #expect(!plant.received(Self.alarm, "returned-unacknowledged"), "the rejected file's limit was applied")
        #expect(!plant.log(after: mark).contains("Plant file reloaded"))

        // The original file again: adopted, and the alarm returns to normal.
        try plant.harness.write("plant.yaml", original)
        plant.daemon?.signal(SIGHUP)
        #expect(
            PlantHarness.wait(timeout: 30) { plant.received(Self.alarm, "returned-unacknowledged") },
            "\(plant.log.suffix(2000))")
        plant.daemon?.signal(SIGTERM)
        #expect(plant.daemon?.wait(timeout: 30) == 0)
    }

    @Test(
        "prognos status says whether the daemon runs, its lag, and the store's counts of readings, alarms and undelivered alerts",
        .timeLimit(.minutes(3)))
    func status() async throws {
        let plant = try RunningPlant()
        try plant.startSimulator()
        try plant.startDaemon()
        #expect(
            await eventually(timeout: 30) {
                guard let store = try? Store.openReadOnly(path: plant.database), let status = try? await store.status()
                else { return false }
                return status.readings > 0 && status.daemon != nil
            })

        // The broker goes away, then the plant falls silent: communication alarms wait in the outbox.
        plant.stopBroker()
        plant.stopSimulator()
        #expect(
            await eventually(timeout: 60) {
                ((try? await Store.openReadOnly(path: plant.database).outboxCount().alerts) ?? 0) > 0
            })
        #expect(await eventually(timeout: 60) { await Self.alarmsSettled(plant.database) })

        let store = try Store.openReadOnly(path: plant.database)
        let before = try await store.status()
        let running = try PrognosBinary.run(["status", "--db", plant.database])
        let after = try await store.status()
        #expect(running.status == 0, "\(running.output)")
        let report = Self.fields(running.output)
        #expect(report["daemon"]?.hasPrefix("running (pid \(plant.daemon!.pid),") == true, "\(running.output)")
        #expect(
            report["ingest lag"].map { $0.range(of: #"^\d+\.\d\d s$"#, options: .regularExpression) != nil } == true,
            "\(running.output)")
        let shown = Self.storedReadings(report)
        #expect(
            shown.map { before.readings <= $0 && $0 <= after.readings } == true,
            "shown \(shown.map(String.init) ?? "nothing"), store \(before.readings)…\(after.readings)")
        #expect(report["alarms"] == Self.alarmsLine(after), "\(running.output)")
        #expect(before.outbox.alerts == after.outbox.alerts)
        #expect(report["undelivered"] == "\(after.outbox.alerts) alerts in the outbox")

        // Stopped: not running, and the same counts as the store.
        plant.daemon?.signal(SIGTERM)
        #expect(plant.daemon?.wait(timeout: 30) == 0, "\(plant.log.suffix(2000))")
        let stopped = try PrognosBinary.run(["status", "--db", plant.database])
        let final = try await store.status()
        let heartbeat = try #require(try await store.daemonStatus())
        let stoppedReport = Self.fields(stopped.output)
        #expect(stoppedReport["daemon"]?.hasPrefix("not running") == true, "\(stopped.output)")
        #expect(stoppedReport["ingest lag"] == heartbeat.ingestLag.map { String(format: "%.2f s", $0) })
        #expect(Self.storedReadings(stoppedReport) == final.readings, "\(stopped.output)")
        #expect(stoppedReport["alarms"] == Self.alarmsLine(final))
        #expect(final.alarmsByState[.unacknowledged, default: 0] > 0)
        #expect(stoppedReport["undelivered"] == "\(final.outbox.alerts) alerts in the outbox")
        #expect(final.outbox.alerts > 0)

        // The same facts as one JSON object for scripts and monitoring, with the daemon's memory and queues.
        let json = try PrognosBinary.run(["status", "--db", plant.database, "--format", "json"])
        #expect(json.status == 0, "\(json.output)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any], "\(json.output)")
        let daemon = try #require(object["daemon"] as? [String: Any], "\(json.output)")
        #expect(daemon["running"] as? Bool == false)
        #expect(daemon["pid"] as? Int == heartbeat.pid)
        #expect(daemon["readings_ingested"] as? Int == heartbeat.readingsIngested)
        #expect(daemon["readings_dropped"] as? Int == heartbeat.readingsDropped)
        #expect((daemon["resident_bytes"] as? Int).map { $0 > 1_000_000 } == true, "\(json.output)")
        #expect(daemon["writer_queue"] as? Int != nil && daemon["alarm_queue"] as? Int != nil, "\(json.output)")
        #expect(object["readings_stored"] as? Int == final.readings)
        #expect((object["outbox"] as? [String: Any])?["alerts"] as? Int == final.outbox.alerts)
    }

    /// Whether the alarms in the store stopped changing (two reads a second apart agree).
    static func alarmsSettled(_ database: String) async -> Bool {
        guard let store = try? Store.openReadOnly(path: database), let first = try? await store.status() else {
            return false
        }
        try? await Task.sleep(for: .seconds(1))
        guard let second = try? await store.status() else { return false }
        return first.alarmsByState == second.alarmsByState && first.outbox == second.outbox
    }

    /// `prognos status` lines as label → text (labels are padded to a column).
    static func fields(_ output: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let gap = line.range(of: "  ") else { continue }
            fields[String(line[..<gap.lowerBound])] = line[gap.upperBound...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    static func storedReadings(_ fields: [String: String]) -> Int? {
        fields["readings"].flatMap { $0.split(separator: " ").first }.flatMap { Int($0) }
    }

    /// The alarms line as the store's counts say it should read.
    static func alarmsLine(_ status: StoreStatus) -> String {
        let states = status.alarmsByState.sorted { $0.key.rawValue < $1.key.rawValue }.map {
            "\($0.value) \($0.key.rawValue)"
        }
        return states.isEmpty ? "none" : states.joined(separator: ", ")
    }
}
