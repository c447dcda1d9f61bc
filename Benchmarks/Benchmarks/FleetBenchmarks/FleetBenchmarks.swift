import Benchmark
import Daemon
import Fleet
import Foundation
import Logging
import MQTT
import Orchestration
import PlantRuntime
import PrognosCore
import Store
import Synchronization

/// A real PostgreSQL (durable defaults: fsync and synchronous_commit on), a central mosquitto, a
/// plant mosquitto bridged to it by the generated configuration, and the fleet service in this
/// process. Messages are the daemon's own alarm and state documents.
final class Rig: Sendable {
    let postgres: PostgresServer
    let folder: TemporaryFolder
    let central: MosquittoBroker
    let plant: MosquittoBroker
    let database: FleetDatabase
    let service: FleetService
    let running: Task<Void, any Error>
    let tally = Tally()

    init() async throws {
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        postgres = try PostgresServer()
        folder = try TemporaryFolder()
        // As a central broker should be set up: mosquitto's default queue (1,000 per client) would drop
        // the QoS 1 messages the fleet service has not taken yet.
        central = try MosquittoBroker(folder: folder.path("central"), settings: "max_queued_messages 0\n")
        let bridge = try BridgeConfiguration(site: "bench", centralHost: "127.0.0.1", centralPort: central.port).text()
        plant = try MosquittoBroker(folder: folder.path("plant"), bridge: bridge)
        database = FleetDatabase(url: try PostgresURL(postgres.url()), logger: logger)
        let tally = self.tally
        service = try FleetService(
            options: FleetService.Options(
                mqtt: MQTTClientOptions(host: "127.0.0.1", port: central.port, clientID: "bench-fleet")),
            database: database, logger: logger,
            onCommit: { commit in
                tally.committed.add(commit.batch.count, ordering: .relaxed)
                let times = tally.sent.withLock { map in
                    commit.batch.alarms.compactMap { map.removeValue(forKey: $0.eventID) }
                }
                if !times.isEmpty { tally.delays.withLock { $0 += times.map { commit.committedAt - $0 } } }
            })
        let service = self.service
        running = Task { try await service.run() }
        let deadline = ContinuousClock.now + .seconds(20)
        while !service.isReady, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        guard service.isReady else { throw PeerError(message: "the fleet service did not subscribe") }
    }

    func stop() async {
        service.stop()
        _ = try? await running.value
        await database.close()
        plant.stop()
        central.stop()
        postgres.stop()
    }
}

/// What the service's commit callback counts: alarm event id → when it was published (for the
/// delay), the delays seen at commit (seconds), and messages committed.
final class Tally: Sendable {
    let sent = Mutex<[String: Double]>([:])
    let delays = Mutex<[Double]>([])
    let committed = Atomic<Int>(0)
}

let rig = Mutex<Rig?>(nil)
let iteration = Atomic<Int>(0)
let perIteration = 20_000

/// `count` alarm documents (80 %) and state documents (20 %) of site `bench`, unique per call.
func messages(count: Int, assets: Int = 500) -> [(topic: String, payload: String)] {
    let base = Date().timeIntervalSince1970 - 3_600 + Double(iteration.add(1, ordering: .relaxed).newValue) * 100
    return (0..<count).map { i in
        let asset = "asset-\(i % assets)"
        let time = base + Double(i) / 1000
        if i % 5 == 4 {
            let summary = AssetSummary(
                asset: asset, status: .normal, score: 0.4, threshold: 1, drivers: ["vibration_de"], rul: [],
                activeAlarms: 0,
                learning: false, time: time)
            return (AlertMessages.stateTopic(site: "bench", asset: asset), AlertMessages.state(summary, site: "bench"))
        }
        var machine = AlarmStateMachine()
        let transition = machine.update(conditionActive: true, at: time)!
        let record = AlarmRecord(
            id: "\(asset)/deviation", asset: asset, kind: .deviation, sensors: ["vibration_de", "vibration_nde"],
            priority: .high,
            machine: machine,
            message: "\(asset) deviates from its learned behaviour (score 3.3 × threshold): vibration_de 75 %",
            value: 3.3, threshold: 1, raisedAt: time, updatedAt: time)
        return (
            AlertMessages.alarmTopic(site: "bench", asset: asset),
            AlertMessages.alarm(
                site: "bench", alarm: record, transition: transition, actor: "prognos", diagnosis: "bearing-wear")
        )
    }
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

let benchmarks: @Sendable () -> Void = {
    let setup: @Sendable () async throws -> Void = {
        if let old = rig.withLock({ r -> Rig? in
            defer { r = nil }
            return r
        }) {
            await old.stop()
        }
        let made = try await Rig()
        rig.withLock { $0 = made }
    }
    let teardown: @Sendable () async throws -> Void = {
        if let old = rig.withLock({ r -> Rig? in
            defer { r = nil }
            return r
        }) {
            await old.stop()
        }
    }

    let writeRate = BenchmarkMetric.custom("messages/s stored", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark(
        "Fleet PostgreSQL write: batches of 5,000 (4,000 alarms, 1,000 states), one transaction each",
        configuration: .init(
            metrics: [.wallClock, writeRate], maxDuration: .seconds(20), maxIterations: 20, setup: setup,
            teardown: teardown)
    ) { benchmark in
        guard let rig = rig.withLock({ $0 }) else { return }
        var batch = FleetBatch()
        for message in messages(count: 5_000) {
            batch.append(try FleetMessage.decode(topic: message.topic, payload: Array(message.payload.utf8)))
        }
        let start = ContinuousClock.now
        benchmark.startMeasurement()
        _ = try await rig.database.write(batch)
        benchmark.stopMeasurement()
        benchmark.measurement(writeRate, Int(Double(batch.count) / seconds(ContinuousClock.now - start)))
    }

    let serviceRate = BenchmarkMetric.custom(
        "messages/s stored (wall clock)", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark(
        "Fleet service: 20,000 QoS 1 messages from mosquitto_pub → central broker → fleet service → PostgreSQL",
        configuration: .init(
            metrics: [.wallClock, serviceRate], maxDuration: .seconds(60), maxIterations: 10, setup: setup,
            teardown: teardown)
    ) { benchmark in
        guard let rig = rig.withLock({ $0 }) else { return }
        // One file per topic for mosquitto_pub -l (one message per line), written before the clock starts.
        // Four assets: eight topics, so eight publishers (mosquitto_pub -l sends to one topic).
        let byTopic = Dictionary(grouping: messages(count: perIteration, assets: 4), by: \.topic)
        var files: [(String, String)] = []
        for (n, (topic, items)) in byTopic.enumerated() {
            files.append(
                (topic, try rig.folder.write("lines-\(n).txt", items.map(\.payload).joined(separator: "\n") + "\n")))
        }
        // A few publishers at a time, like a handful of plants' bridges.
        let script =
            files.map { "mosquitto_pub -h 127.0.0.1 -p \(rig.central.port) -q 1 -t '\($0.0)' -l < \($0.1)" }
            .joined(separator: " & ") + " & wait"
        let target = rig.tally.committed.load(ordering: .relaxed) + perIteration
        let start = ContinuousClock.now
        benchmark.startMeasurement()
        let publisher = try ChildProcess("/bin/sh", ["-c", script])
        let deadline = ContinuousClock.now + .seconds(60)
        while rig.tally.committed.load(ordering: .relaxed) < target, ContinuousClock.now < deadline { usleep(2_000) }
        benchmark.stopMeasurement()
        _ = publisher.wait(timeout: 10)
        let stored = rig.tally.committed.load(ordering: .relaxed) - (target - perIteration)
        benchmark.measurement(serviceRate, Int(Double(stored) / seconds(ContinuousClock.now - start)))
    }

    let p50 = BenchmarkMetric.custom("delay p50 (µs)", polarity: .prefersSmaller, useScalingFactor: false)
    let p99 = BenchmarkMetric.custom("delay p99 (µs)", polarity: .prefersSmaller, useScalingFactor: false)
    let maximum = BenchmarkMetric.custom("delay max (µs)", polarity: .prefersSmaller, useScalingFactor: false)
    Benchmark(
        "Fleet delay: plant alarm (plant broker, bridge, central broker, fleet service) → committed in PostgreSQL, 200 alarms at 100/s",
        configuration: .init(
            metrics: [p50, p99, maximum], maxDuration: .seconds(60), maxIterations: 5, setup: setup, teardown: teardown)
    ) { benchmark in
        guard let rig = rig.withLock({ $0 }) else { return }
        let client = try MQTTClient(
            options: MQTTClientOptions(host: "127.0.0.1", port: rig.plant.port), logger: Logger(label: "bench"))
        defer { client.close() }
        client.start()
        guard await client.waitUntilReady(timeout: .seconds(10)) else { return }
        rig.tally.delays.withLock { $0 = [] }
        let alarms = messages(count: 250).filter { $0.topic.hasSuffix("/alarm") }.prefix(200)
        for message in alarms {
            let id = try FleetMessage.decode(topic: message.topic, payload: Array(message.payload.utf8))
            guard case .alarm(let event) = id else { continue }
            rig.tally.sent.withLock { $0[event.eventID] = Date().timeIntervalSince1970 }
            _ = try client.publish(topic: message.topic, payload: Array(message.payload.utf8), qos: .atLeastOnce)
            try await Task.sleep(for: .milliseconds(10))
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while rig.tally.delays.withLock({ $0.count }) < alarms.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        let sorted = rig.tally.delays.withLock { $0 }.sorted()
        guard !sorted.isEmpty else { return }
        func percentile(_ p: Double) -> Int { Int(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1e6) }
        benchmark.measurement(p50, percentile(0.5))
        benchmark.measurement(p99, percentile(0.99))
        benchmark.measurement(maximum, Int(sorted.last! * 1e6))
    }
}
