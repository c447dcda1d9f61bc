import Foundation
import TestSupport
import Testing

/// `prognos run --metrics` against the real things: `promtool` lints the exposition, a real
/// Prometheus scrapes it and stores what `prognos status` says, and `/readyz` follows the plant
/// (ready after the first good readings, not ready without the broker, then without readings).
@Suite(.serialized) struct MonitoringEndToEndTests {
    /// The heartbeat's numbers as `prognos status --format json` prints them.
    struct StatusNumbers: Equatable {
        var heartbeatAt: Double
        var ingested: Double
        var dropped: Double
        var alarmsActive: Double
        var residentBytes: Double
        var writerQueue: Double
        var alarmQueue: Double
    }

    static func status(_ database: String) -> StatusNumbers? {
        guard let run = try? PrognosBinary.run(["status", "--db", database, "--format", "json"]), run.status == 0,
            let object = try? JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any],
            let daemon = object["daemon"] as? [String: Any], let heartbeat = daemon["heartbeat_at"] as? String,
            let heartbeatAt = ISO8601DateFormatter.withFractions.date(from: heartbeat)?.timeIntervalSince1970
        else { return nil }
        func number(_ key: String) -> Double { (daemon[key] as? NSNumber)?.doubleValue ?? -1 }
        return StatusNumbers(
            heartbeatAt: heartbeatAt, ingested: number("readings_ingested"), dropped: number("readings_dropped"),
            alarmsActive: number("alarms_active"), residentBytes: number("resident_bytes"),
            writerQueue: number("writer_queue"), alarmQueue: number("alarm_queue"))
    }

    /// The same numbers from Prometheus's storage, all evaluated at one instant (so from one scrape).
    static func stored(_ server: PrometheusServer, at time: Double) -> StatusNumbers? {
        guard let heartbeatAt = server.value("prognos_heartbeat_timestamp_seconds", at: time) else { return nil }
        return StatusNumbers(
            heartbeatAt: heartbeatAt, ingested: server.value("sum(prognos_readings_ingested_total)", at: time) ?? -1,
            // No series until something is dropped: a drop of nothing reads 0.
            dropped: server.value(
                "(sum(prognos_readings_dropped_total) or vector(0)) + sum(prognos_store_records_dropped_total)",
                at: time)
                ?? -1,
            alarmsActive: server.value("sum(prognos_alarms)", at: time) ?? 0,
            residentBytes: server.value("prognos_resident_memory_bytes", at: time) ?? -1,
            writerQueue: server.value("prognos_store_queue_records", at: time) ?? -1,
            alarmQueue: server.value("prognos_alarm_queue_changes", at: time) ?? -1)
    }

    @Test(
        "A real Prometheus scrapes prognos run and stores what prognos status says; /readyz follows the plant",
        .timeLimit(.minutes(5)))
    func prometheusScrapesTheDaemon() async throws {
        let plant = try RunningPlant()
        let port = Loopback.freePort()
        try plant.startSimulator()
        try plant.startDaemon(["--metrics", "127.0.0.1:\(port)"])
        #expect(await eventually(timeout: 60) { HTTPProbe.get(port: port, "/healthz")?.status == 200 }, "\(plant.log)")
        #expect(await eventually(timeout: 60) { HTTPProbe.get(port: port, "/readyz")?.status == 200 }, "\(plant.log)")

        // A second daemon cannot take the port: it says so and exits.
        let second = try PrognosBinary.run(
            ["run", plant.harness.plantPath, "--db", plant.harness.path("second.sqlite"), "--metrics", "\(port)"])
        #expect(second.status == 1)
        #expect(
            second.output.contains("prognos run: metrics: cannot listen on 127.0.0.1:\(port): "), "\(second.output)")

        // The exposition passes Prometheus's own lint, once the first heartbeat has filled it.
        #expect(
            await eventually(timeout: 30) {
                HTTPProbe.get(port: port, "/metrics")?.body.contains("prognos_readings_ingested_total{") == true
            })
        let exposition = try #require(HTTPProbe.get(port: port, "/metrics"))
        #expect(exposition.status == 200)
        let lint = try Promtool.checkMetrics(exposition.body)
        #expect(lint.status == 0, "\(lint.output)\n\(exposition.body)")

        // A real server scrapes it; a scrape of the heartbeat `prognos status` reads holds its numbers.
        let server = try PrometheusServer(scraping: port, folder: plant.harness.directory)
        #expect(
            await eventually(timeout: 60) { server.value("up{job=\"prognos\"}") == 1 },
            "\(plant.harness.read("prometheus.log").suffix(3000))")
        var pair: (status: StatusNumbers, stored: StatusNumbers)?
        #expect(
            await eventually(timeout: 90) {
                guard let status = Self.status(plant.database),
                    let stored = Self.stored(server, at: Date().timeIntervalSince1970),
                    abs(stored.heartbeatAt - status.heartbeatAt) < 0.002
                else { return false }
                pair = (status, stored)
                return true
            })
        let (status, stored) = try #require(pair)
        #expect(status.ingested > 0)
        #expect(stored.ingested == status.ingested)
        #expect(stored.dropped == status.dropped)
        #expect(stored.alarmsActive == status.alarmsActive)
        #expect(stored.residentBytes == status.residentBytes)
        #expect(stored.writerQueue == status.writerQueue)
        #expect(stored.alarmQueue == status.alarmQueue)
        #expect((server.value("sum(prognos_readings_ingested_total{quality=\"good\"})") ?? 0) > 0)
        #expect(server.value("prognos_build_info") == 1)
        #expect((server.value("sum(prognos_modbus_poll_seconds_count)") ?? 0) > 0)
        // Model steps are scoring steps: this uncommissioned plant is still learning, so none yet.
        #expect(server.value("prognos_model_step_seconds_count") == 0)

        // Hostile clients (garbage, an endless head, idle connections) leave the daemon serving.
        let idle = (0..<20).compactMap { _ in HTTPProbe.connected(port: port) }
        for _ in 0..<20 { _ = HTTPProbe.exchange(port: port, [0, 255, 13, 10, 13, 10], timeout: 10) }
        _ = HTTPProbe.exchange(port: port, Array("GET / HTTP/1.1\r\nX: ".utf8) + [UInt8](repeating: 65, count: 1 << 20))
        idle.forEach { close($0) }
        #expect(await eventually(timeout: 60) { HTTPProbe.get(port: port, "/healthz")?.status == 200 })
        #expect(plant.daemon?.isRunning == true)

        // Without the broker the outbox cannot drain; without the simulator nothing is collected.
        plant.stopBroker()
        #expect(
            await eventually(timeout: 60) {
                HTTPProbe.get(port: port, "/readyz").map {
                    $0.status == 503 && $0.body == "outbox not draining: the broker is not connected\n"
                } == true
            })
        plant.stopSimulator()
        #expect(
            await eventually(timeout: 60) {
                HTTPProbe.get(port: port, "/readyz").map {
                    $0.status == 503 && $0.body.hasPrefix("not collecting: no good reading for ")
                } == true
            })
        #expect(HTTPProbe.get(port: port, "/healthz")?.status == 200)

        plant.daemon?.signal(SIGTERM)
        #expect(plant.daemon?.wait(timeout: 30) == 0, "\(plant.log.suffix(2000))")
    }

    @Test("The plant file's metrics key opens the listener, and a reload (SIGHUP) keeps it", .timeLimit(.minutes(3)))
    func thePlantFileOpensTheListener() async throws {
        let plant = try RunningPlant()
        let port = Loopback.freePort()
        let text = plant.harness.read("plant.yaml") + "metrics:\n  listen: \"127.0.0.1:\(port)\"\n"
        try plant.harness.write("plant.yaml", text)
        try plant.startSimulator()
        try plant.startDaemon()
        #expect(await eventually(timeout: 60) { HTTPProbe.get(port: port, "/readyz")?.status == 200 }, "\(plant.log)")
        let mark = plant.log.count
        plant.daemon?.signal(SIGHUP)
        #expect(await eventually(timeout: 30) { plant.log(after: mark).contains("Plant file reloaded") })
        #expect(HTTPProbe.get(port: port, "/healthz")?.status == 200)
        plant.daemon?.signal(SIGTERM)
        #expect(plant.daemon?.wait(timeout: 30) == 0, "\(plant.log.suffix(2000))")
        #expect(!Loopback.isListening(port: port), "the listener outlived the daemon")
    }
}
