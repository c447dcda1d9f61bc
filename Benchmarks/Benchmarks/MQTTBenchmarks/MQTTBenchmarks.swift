import Benchmark
import Foundation
import Logging
import MQTT
import Orchestration
import PrognosCore
import Synchronization

/// Counts delivered readings.
final class CountingSink: ReadingSink {
    let readings = Atomic<Int>(0)
    func deliver(_ batch: [Reading]) { readings.add(batch.count, ordering: .relaxed) }
}

/// A real mosquitto on a free loopback port and the collector subscribed to one topic with one
/// JSON-path sensor. Messages come from the real `mosquitto_pub -l` (one message per line of a
/// file), in its own process, so this process's CPU time is the subscriber's alone.
final class Rig: Sendable {
    let broker: ChildProcess
    let port: Int
    let collector: MQTTCollector
    let sink = CountingSink()
    let lines: String
    static let topic = "plant/pump-1/telemetry"

    init() async throws {
        let (broker, port) = try Mosquitto.start()
        self.broker = broker
        self.port = port
        lines = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-bench-\(port).txt").path
        let text = (0..<perBatch).map { String(decoding: payloads[$0 % payloads.count], as: UTF8.self) }.joined(
            separator: "\n")
        try (text + "\n").write(toFile: lines, atomically: true, encoding: .utf8)
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let sensor = Sensor(
            id: "temp", unit: "°C",
            source: .mqtt(
                MQTTPoint(
                    broker: "local", topic: Self.topic, valuePath: try JSONPath(parsing: "$.temp"),
                    timestampPath: try JSONPath(parsing: "$.ts"))))
        let asset = Asset(id: "pump-1", name: "Pump 1", type: "pump", areaID: "a", lineID: "l", sensors: [sensor])
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

    /// Publishes the file's lines with mosquitto_pub (QoS 0).
    func publishBatch() throws -> ChildProcess {
        try ChildProcess(
            "/bin/sh", ["-c", "exec mosquitto_pub -h 127.0.0.1 -p \(port) -t \(Self.topic) -q 0 -l < \(lines)"])
    }

    func stop() {
        collector.stop()
        broker.stop()
        try? FileManager.default.removeItem(atPath: lines)
    }
}

let rig = Mutex<Rig?>(nil)
let perBatch = 10_000

/// User + system CPU seconds of this process.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(
        usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
let payloads: [[UInt8]] = (0..<100).map { i in
    Array(
        #"{"ts": 1700000000\#(100 + i), "temp": \#(40 + Double(i) / 8), "vib": {"rms": 1.25, "peak": 3.5}, "speed": 1480, "state": "run"}"#
            .utf8)
}

let benchmarks: @Sendable () -> Void = {
    let decoder = PayloadDecoder(fields: [
        .init(value: try! JSONPath(parsing: "$.temp"), timestamp: try! JSONPath(parsing: "$.ts")),
        .init(value: try! JSONPath(parsing: "$.vib.rms"), timestamp: try! JSONPath(parsing: "$.ts")),
        .init(value: try! JSONPath(parsing: "$.speed")),
    ])
    Benchmark(
        "MQTT payload extraction (3 fields + timestamp, 110 B)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(3))
    ) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole(decoder.decode(payloads[i % payloads.count]))
        }
    }

    let wallRate = BenchmarkMetric.custom("messages/s (wall clock)", polarity: .prefersLarger, useScalingFactor: false)
    let cpuRate = BenchmarkMetric.custom(
        "messages per CPU-second (subscriber)", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark(
        "MQTT mosquitto_pub → broker → collector → readings (10,000 QoS 0 messages per iteration)",
        configuration: .init(
            metrics: [.wallClock, wallRate, cpuRate], maxDuration: .seconds(20), maxIterations: 20,
            setup: {
                rig.withLock { $0 = nil }
                let made = try await Rig()
                rig.withLock { $0 = made }
            },
            teardown: {
                rig.withLock {
                    $0?.stop()
                    $0 = nil
                }
            })
    ) { benchmark in
        guard let rig = rig.withLock({ $0 }) else { return }
        let target = rig.sink.readings.load(ordering: .relaxed) + perBatch
        let cpuStart = processCPUSeconds()
        let start = ContinuousClock.now
        benchmark.startMeasurement()
        let publisher = try? rig.publishBatch()
        let deadline = ContinuousClock.now + .seconds(30)
        // Polled every 2 ms, so the waiting costs this process next to nothing.
        while rig.sink.readings.load(ordering: .relaxed) < target, ContinuousClock.now < deadline { usleep(2_000) }
        benchmark.stopMeasurement()
        let elapsed = ContinuousClock.now - start
        let cpu = processCPUSeconds() - cpuStart
        _ = publisher?.wait(timeout: 5)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let delivered = rig.sink.readings.load(ordering: .relaxed) - (target - perBatch)
        benchmark.measurement(wallRate, Int(Double(delivered) / seconds))
        benchmark.measurement(cpuRate, Int(Double(delivered) / max(cpu, 1e-6)))
    }

    sparkplugBenchmarks()
}
