import Foundation
import Logging
import MQTT
import PostgresNIO
import PrognosCore
import TestSupport
import Testing

@testable import Fleet

#if canImport(Glibc)
import Glibc
#endif

/// Two plants, each with its own broker bridged (by the generated configuration) to a central
/// broker; the fleet service on the central broker writing to a real PostgreSQL.
@Suite("Fleet end to end: two plants, three brokers, PostgreSQL", .serialized)
struct FleetEndToEndTests {
    /// A plant: the demo plant under `site`, its broker bridged to `central`, its daemon.
    final class Plant {
        let site: String
        let harness: PlantHarness
        let broker: MosquittoBroker
        let daemon: ChildProcess

        init(site: String, central: MosquittoBroker, folder: TemporaryFolder) throws {
            self.site = site
            let port = Loopback.freePort()
            harness = try PlantHarness(brokerPort: port)
            let text = try String(contentsOfFile: harness.plantPath, encoding: .utf8)
            try text.replacingOccurrences(of: "id: riverside", with: "id: \(site)").write(
                toFile: harness.plantPath, atomically: true, encoding: .utf8)
            let bridgePath = folder.path("\(site)-bridge.conf")
            let written = try PrognosBinary.run([
                "deploy", "bridge", "--plant", harness.plantPath, "--central", "127.0.0.1:\(central.port)", "--out",
                bridgePath,
            ])
            guard written.status == 0 else { throw PeerError(message: "deploy bridge failed: \(written.output)") }
            broker = try MosquittoBroker(
                folder: folder.path("\(site)-broker"), port: port,
                bridge: try String(contentsOfFile: bridgePath, encoding: .utf8))
            // The real daemon: no simulator serves its devices, so it publishes states and communication alarms.
            daemon = try ChildProcess(
                PrognosBinary.path,
                ["run", harness.plantPath, "--db", harness.path("plant.sqlite"), "--stale-after", "2"],
                outputPath: harness.path("run.log"))
        }

        func stop() {
            daemon.stop()
            broker.stop()
        }
    }

    /// Publishes real alarm documents for the probe assets in `range` at `time`, each acknowledged by the
    /// plant broker; returns "site event_id" of each (event ids are unique within a site only).
    static func publishAlarms(
        _ client: MQTTClient, site: String, range: Range<Int>, time: Double
    ) async throws -> [String] {
        var ids: [String] = []
        for n in range {
            let alarm = RealMessages.alarm(site: site, asset: "probe-\(n)", time: time + Double(n) / 1000)
            _ = try await client.publishAcknowledged(
                topic: alarm.topic, payload: Array(alarm.payload.utf8), qos: .atLeastOnce, timeout: .seconds(5))
            ids.append(site + " " + alarm.eventID)
        }
        return ids
    }

    static func connect(to port: Int) async throws -> MQTTClient {
        let client = try MQTTClient(
            options: MQTTClientOptions(host: "127.0.0.1", port: port), logger: Logger(label: "probe"))
        client.start()
        guard await client.waitUntilReady(timeout: .seconds(10)) else {
            throw PeerError(message: "no connection to \(port)")
        }
        return client
    }

    @Test(
        "Both plants' alarms and states reach PostgreSQL; a cut bridge loses and duplicates nothing",
        .timeLimit(.minutes(4)))
    func twoPlantsCutAndRestored() async throws {
        let postgres = try PostgresServer()
        defer { postgres.stop() }
        let folder = try TemporaryFolder()
        let central = try MosquittoBroker(folder: folder.path("central"))
        defer { central.stop() }
        let riverside = try Plant(site: "riverside", central: central, folder: folder)
        defer { riverside.stop() }
        let lakeside = try Plant(site: "lakeside", central: central, folder: folder)
        defer { lakeside.stop() }

        let fleetLog = folder.path("fleet.log")
        let metricsPort = Loopback.freePort()
        let fleet = try ChildProcess(
            PrognosBinary.path,
            [
                "fleet", "--mqtt", "127.0.0.1:\(central.port)", "--db", postgres.url(), "--client-id", "fleet-test",
                "--metrics", "\(metricsPort)",
            ],
            outputPath: fleetLog)
        defer { fleet.stop() }
        let log = { (try? String(contentsOfFile: fleetLog, encoding: .utf8)) ?? "" }
        #expect(PlantHarness.wait(timeout: 30) { log().contains("fleet service running") }, "\(log())")
        let readiness = { HTTPProbe.get(port: metricsPort, "/readyz").map { "\($0.status) \($0.body)" } }
        #expect(PlantHarness.wait(timeout: 30) { HTTPProbe.get(port: metricsPort, "/healthz")?.status == 200 })
        #expect(PlantHarness.wait(timeout: 30) { readiness() == "200 ready\n" }, "\(readiness() ?? "no answer")")

        let database = FleetDatabase(url: try PostgresURL(postgres.url()), logger: Logger(label: "test"))
        defer { Task { [database] in await database.close() } }
        let count = { (sql: String) async -> Int in (try? await database.integer(sql)) ?? -1 }
        // The session exists on the central broker once the service subscribed: wait for a bridged message to land.
        let riversideClient = try await Self.connect(to: riverside.broker.port)
        defer { riversideClient.close() }
        let lakesideClient = try await Self.connect(to: lakeside.broker.port)
        defer { lakesideClient.close() }

        // The daemons' own states (retained, every 5 s) reach the fleet from both plants.
        var seen = false
        for _ in 0..<300 where !seen {
            seen =
                await count("SELECT count(DISTINCT site) FROM asset_states WHERE site IN ('riverside', 'lakeside')")
                == 2
            if !seen { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(
            seen,
            "states from both daemons; fleet log:\n\(log().suffix(2000))\nriverside daemon:\n\(riverside.harness.read("run.log").suffix(1500))"
        )
        let online = await count("SELECT count(*) FROM site_status WHERE online")
        #expect(online == 2)

        // Before the cut: 20 alarms at each plant, with the same event ids at both (both have probe-0…19,
        // raised at the same millisecond), and 5 of riverside's sent twice (QoS 1 may do that).
        let t0 = Date().timeIntervalSince1970.rounded()
        var expected = try await Self.publishAlarms(riversideClient, site: "riverside", range: 0..<20, time: t0)
        _ = try await Self.publishAlarms(riversideClient, site: "riverside", range: 0..<5, time: t0)
        let lakesideIDs = try await Self.publishAlarms(lakesideClient, site: "lakeside", range: 0..<20, time: t0)
        let probes = "SELECT count(*) FROM alarm_events WHERE asset LIKE 'probe-%'"
        var arrived = false
        for _ in 0..<200 where !arrived {
            arrived = await count(probes) == 40
            if !arrived { try await Task.sleep(for: .milliseconds(100)) }
        }
        let beforeCut = await count(probes)
        #expect(arrived, "\(beforeCut) of 40 probe alarms before the cut")

        // The cut: the central broker goes away; riverside keeps raising alarms, its broker queues them.
        central.stop()
        #expect(
            PlantHarness.wait(timeout: 10) {
                riverside.broker.log.contains("Socket error on client")
                    || riverside.broker.log.contains("Connecting bridge")
            })
        #expect(
            PlantHarness.wait(timeout: 30) {
                readiness() == "503 not subscribed: the central broker is not connected\n"
            }, "\(readiness() ?? "no answer")")
        expected += try await Self.publishAlarms(riversideClient, site: "riverside", range: 20..<50, time: t0 + 60)
        try await Task.sleep(for: .seconds(2))
        let duringCut = await count(probes)
        #expect(duringCut == 40, "nothing can arrive while the central broker is down")
        try central.restart()

        // Restored: every alarm once, none twice.
        var complete = false
        for _ in 0..<300 where !complete {
            complete = await count(probes) == 70
            if !complete { try await Task.sleep(for: .milliseconds(100)) }
        }
        let afterCut = await count(probes)
        #expect(
            complete, "\(afterCut) of 70 probe alarms after the bridge came back; fleet log:\n\(log().suffix(2000))")
        let distinct = await count(
            "SELECT count(DISTINCT (site, event_id)) FROM alarm_events WHERE asset LIKE 'probe-%'")
        #expect(distinct == 70)
        var stored = Set<String>()
        for try await id in try await database.client.query(
            "SELECT site || ' ' || event_id FROM alarm_events WHERE asset LIKE 'probe-%'"
        ).decode(String.self) {
            stored.insert(id)
        }
        #expect(stored == Set(expected + lakesideIDs))

        // The service's counts as metrics (published every second), ready again, and lint-clean.
        #expect(PlantHarness.wait(timeout: 30) { readiness() == "200 ready\n" }, "\(readiness() ?? "no answer")")
        // The plants' daemons go on raising alarms: the metric (published every second) must meet the
        // table's count as it stands when the metric is read, within 30 s.
        var inserted = 0
        var agreed = false
        let deadline = Date().addingTimeInterval(30)
        while !agreed, Date() < deadline {
            let body = HTTPProbe.get(port: metricsPort, "/metrics")?.body ?? ""
            inserted = await count("SELECT count(*) FROM alarm_events")
            agreed = body.contains("prognos_fleet_alarms_inserted_total \(inserted)\n")
            if !agreed { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(
            agreed,
            "\(inserted) alarm events in PostgreSQL; \(HTTPProbe.get(port: metricsPort, "/metrics")?.body ?? "")")
        let lint = try Promtool.checkMetrics(HTTPProbe.get(port: metricsPort, "/metrics")?.body ?? "")
        #expect(lint.status == 0, "\(lint.output)")

        // The fleet view of both plants, through the CLI.
        let printed = try PrognosBinary.run([
            "dashboard", "--fleet", postgres.url(), "--print", "plants", "--size", "120x30",
        ])
        #expect(printed.status == 0, "\(printed.output)")
        #expect(printed.output.contains("riverside") && printed.output.contains("lakeside"), "\(printed.output)")

        // SIGTERM: the service commits what it holds and exits 0.
        fleet.signal(SIGTERM)
        #expect(fleet.wait(timeout: 20) == 0, "\(log().suffix(2000))")
    }
}
