import Benchmark
import Foundation
import Logging
import MQTT
import Orchestration
import PrognosCore
import Sparkplug
import Synchronization

/// Sparkplug B beside JSON through the same rig: a real mosquitto, the collector with one sensor,
/// and one publisher process for both (Benchmarks/Peers/publish_records.py, paho-mqtt), so the two
/// figures differ only by the payload and its decoding. Each iteration is 10,000 messages of three
/// values and their timestamps; Sparkplug's open with an NBIRTH and a DBIRTH (a new session), then
/// DDATA by alias with consecutive `seq`.
final class FormatRig: Sendable {
    enum Format: String, Sendable { case json, sparkplug }

    let broker: ChildProcess
    let port: Int
    let collector: MQTTCollector
    let sink = CountingSink()
    let records: String
    /// Readings one iteration delivers.
    let expected: Int

    init(_ format: Format) async throws {
        let (broker, port) = try Mosquitto.start()
        self.broker = broker
        self.port = port
        records = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(format)-\(port).bin").path
        let source: SignalSource
        var messages: [(String, [UInt8])]
        switch format {
        case .json:
            source = .mqtt(
                MQTTPoint(
                    broker: "local", topic: Rig.topic, valuePath: try JSONPath(parsing: "$.temp"),
                    timestampPath: try JSONPath(parsing: "$.ts")))
            messages = (0..<perBatch).map { (Rig.topic, payloads[$0 % payloads.count]) }
            expected = perBatch
        case .sparkplug:
            source = .sparkplug(SparkplugPoint(broker: "local", group: "G", edgeNode: "E", device: "D", metric: "temp"))
            messages = sparkplugSession()
            expected = perBatch + 1  // the DBIRTH's value too
        }
        try Data(Self.encode(messages)).write(to: URL(fileURLWithPath: records))
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let asset = Asset(
            id: "pump-1", name: "Pump 1", type: "pump", areaID: "a", lineID: "l",
            sensors: [Sensor(id: "temp", unit: "°C", source: source)])
        let plant = Plant(
            site: Site(id: "s", name: "S"),
            areas: [Area(id: "a", name: "A", lines: [Line(id: "l", name: "L", assets: [asset])])],
            devices: [], brokers: [Broker(id: "local", host: "127.0.0.1", port: port)], actions: [],
            economics: Economics(downtimeCostPerHour: 0, failureCost: 0, crewCapacity: 1, windows: []))
        collector = MQTTCollector(plant: plant, sink: sink, logger: logger)
        try collector.start()
        guard await collector.waitUntilReady(timeout: .seconds(10)) else {
            throw PeerError(message: "broker not ready")
        }
    }

    static func encode(_ messages: [(String, [UInt8])]) -> [UInt8] {
        var bytes: [UInt8] = []
        func length(_ n: Int) { bytes += withUnsafeBytes(of: UInt32(n).bigEndian, Array.init) }
        for (topic, payload) in messages {
            length(topic.utf8.count)
            bytes += Array(topic.utf8)
            length(payload.count)
            bytes += payload
        }
        return bytes
    }

    func publishBatch() throws -> ChildProcess {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Peers/publish_records.py").path
        let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".venv/bin/python").path
        return try ChildProcess(python, [script, String(port), records])
    }

    func stop() {
        collector.stop()
        broker.stop()
        try? FileManager.default.removeItem(atPath: records)
    }
}

/// The Sparkplug messages of one iteration: births, then DDATA of three metrics by alias.
func sparkplugSession() -> [(String, [UInt8])] {
    let node = SparkplugTopic(kind: .nodeBirth, group: "G", edgeNode: "E")
    var device = SparkplugTopic(kind: .deviceBirth, group: "G", edgeNode: "E", device: "D")
    let nodeBirth = SparkplugPayload(
        timestamp: 1_700_000_000_000, seq: 0,
        metrics: [SparkplugMetric(name: "bdSeq", dataType: .uint64, value: .long(0))])
    let deviceBirth = SparkplugPayload(
        timestamp: 1_700_000_000_000, seq: 1,
        metrics: [
            SparkplugMetric(name: "temp", alias: 1, dataType: .double, value: .double(40)),
            SparkplugMetric(name: "vib", alias: 2, dataType: .double, value: .double(1.25)),
            SparkplugMetric(name: "speed", alias: 3, dataType: .int32, value: .int(1480)),
        ])
    var messages = [(node.description, nodeBirth.serialized()), (device.description, deviceBirth.serialized())]
    device.kind = .deviceData
    for i in 0..<perBatch {
        let time = UInt64(1_700_000_000_100 + i)
        let data = SparkplugPayload(
            timestamp: time, seq: UInt64(i + 2) % 256,
            metrics: [
                SparkplugMetric(alias: 1, timestamp: time, value: .double(40 + Double(i % 100) / 8)),
                SparkplugMetric(alias: 2, timestamp: time, value: .double(1.25)),
                SparkplugMetric(alias: 3, timestamp: time, value: .int(1480)),
            ])
        messages.append((device.description, data.serialized()))
    }
    return messages
}

let formatRig = Mutex<FormatRig?>(nil)

func sparkplugBenchmarks() {
    let session = sparkplugSession()
    let topics = session.map { try! SparkplugTopic(parsing: $0.0) }
    Benchmark(
        "Sparkplug payload decode + host state machine (3 metrics by alias, ~60 B)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(3))
    ) { benchmark in
        var host = SparkplugHost()
        _ = host.receive(topics[0], try! SparkplugPayload(decoding: session[0].1), receivedAt: 0)
        _ = host.receive(topics[1], try! SparkplugPayload(decoding: session[1].1), receivedAt: 0)
        for i in benchmark.scaledIterations {
            let index = 2 + i % (session.count - 2)
            // Out-of-order seq when the loop wraps: a gap a batch, as in the rig.
            blackHole(host.receive(topics[index], try! SparkplugPayload(decoding: session[index].1), receivedAt: 0))
        }
    }

    Benchmark(
        "Sparkplug payload decode alone (3 metrics by alias, ~60 B)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(3))
    ) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole(try! SparkplugPayload(decoding: session[2 + i % (session.count - 2)].1))
        }
    }

    let cpuRate = BenchmarkMetric.custom(
        "messages per CPU-second (subscriber)", polarity: .prefersLarger, useScalingFactor: false)
    for format in [FormatRig.Format.json, .sparkplug] {
        Benchmark(
            "MQTT \(format.rawValue): paho publisher → broker → collector → readings (10,000 QoS 0 messages per iteration)",
            configuration: .init(
                metrics: [.wallClock, cpuRate], maxDuration: .seconds(30), maxIterations: 20,
                setup: {
                    formatRig.withLock { $0 = nil }
                    let made = try await FormatRig(format)
                    formatRig.withLock { $0 = made }
                },
                teardown: {
                    formatRig.withLock {
                        $0?.stop()
                        $0 = nil
                    }
                })
        ) { benchmark in
            guard let rig = formatRig.withLock({ $0 }) else { return }
            let target = rig.sink.readings.load(ordering: .relaxed) + rig.expected
            let cpuStart = processCPUSeconds()
            benchmark.startMeasurement()
            // A publisher that cannot start (no .venv: run `make venv`) ends the run instead of timing nothing.
            let publisher = try rig.publishBatch()
            let deadline = ContinuousClock.now + .seconds(60)
            while rig.sink.readings.load(ordering: .relaxed) < target, ContinuousClock.now < deadline { usleep(2_000) }
            benchmark.stopMeasurement()
            let cpu = processCPUSeconds() - cpuStart
            _ = publisher.wait(timeout: 5)
            let delivered = rig.sink.readings.load(ordering: .relaxed) - (target - rig.expected)
            benchmark.measurement(cpuRate, Int(Double(delivered) / max(cpu, 1e-6)))
        }
    }
}
