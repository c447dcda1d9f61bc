import Benchmark
import Daemon
import Foundation
import Logging
import MQTT
import Orchestration
import PlantRuntime
import PrognosCore
import Store
import Synchronization

/// The daemon's alert path with a real mosquitto on loopback: a runtime's alarm transition goes to
/// the `AlarmWriter` (one SQLite transaction, `synchronous=FULL`, alarm + history + outbox), the
/// `AlertPublisher` sends it from the outbox (QoS 1) and an MQTT subscriber in this process receives it.
final class AlarmPath: Sendable {
    let broker: ChildProcess
    let store: Store
    let path: String
    let writer: AlarmWriter
    let publisher: AlertPublisher
    let subscriber: MQTTClient
    let tasks: Mutex<[Task<Void, Never>]> = Mutex([])
    let marks = Marks()

    /// When the last alarm change committed, and when the subscriber received each one.
    final class Marks: Sendable {
        let committedAt = Mutex<ContinuousClock.Instant?>(nil)
        let receivedAt = Mutex<[ContinuousClock.Instant]>([])
    }

    init() async throws {
        let (broker, port) = try Mosquitto.start()
        self.broker = broker
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("alarm-latency-\(UUID().uuidString).sqlite")
            .path
        store = try Store.open(path: path)
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let brokerConfig = Broker(id: "local", host: "127.0.0.1", port: port)
        let publisher = try AlertPublisher(broker: brokerConfig, site: "bench", store: store, logger: logger)
        self.publisher = publisher
        let marks = self.marks
        writer = AlarmWriter(
            store: store, site: "bench", logger: logger, publishDirectly: { publisher.publishDirectly($0) },
            committed: {
                marks.committedAt.withLock { $0 = .now }
                publisher.wake()
            })
        var options = MQTTClientOptions(broker: brokerConfig)
        options.clientID = "latency-subscriber"
        subscriber = try MQTTClient(options: options, logger: logger)
        subscriber.onMessage { _ in
            let now = ContinuousClock.now
            marks.receivedAt.withLock { $0.append(now) }
        }
        try subscriber.subscribe("prognos/+/+/alarm", qos: .atLeastOnce)
        subscriber.start()
        guard await subscriber.waitUntilReady(timeout: .seconds(10)) else {
            throw PeerError(message: "subscriber not ready")
        }
        let writer = self.writer
        tasks.withLock { $0 = [Task { await writer.run() }, Task { await publisher.run() }] }
        guard await publisher.client.waitUntilReady(timeout: .seconds(10)) else {
            throw PeerError(message: "publisher not ready")
        }
    }

    var received: Int { marks.receivedAt.withLock { $0.count } }
    var lastCommit: ContinuousClock.Instant? { marks.committedAt.withLock { $0 } }
    var lastReceipt: ContinuousClock.Instant? { marks.receivedAt.withLock { $0.last } }

    func stop() async {
        writer.finish()
        for task in tasks.withLock({ $0 }) { task.cancel() }
        for task in tasks.withLock({ $0 }) { await task.value }
        await publisher.close()
        subscriber.close()
        broker.stop()
        removeDatabase(at: path)
    }
}

/// A runtime whose one sensor crosses its alarm limit at every step (no delays), so every call
/// gives one alarm transition with its alert, as a real limit alarm would.
struct AlarmSource {
    var runtime: AssetRuntime
    var time = 1_000.0

    init() {
        var configuration = RuntimeConfiguration()
        configuration.limitOnDelay = 0
        configuration.limitOffDelay = 0
        let source = SignalSource.modbus(
            ModbusPoint(device: "plc", function: .inputRegister, address: 0, dataType: .float32))
        let asset = Asset(
            id: "pump-1", name: "Pump 1", type: "pump", areaID: "a", lineID: "l",
            sensors: [Sensor(id: "temp", unit: "degC", normal: 0...100, limits: Limits(alarmHigh: 150), source: source)]
        )
        runtime = AssetRuntime(asset: asset, site: "bench", configuration: configuration, now: 0)
    }

    mutating func next() -> [AlarmUpdate] {
        time += 1
        var output = RuntimeOutput()
        let value = Int(time) % 2 == 0 ? 200.0 : 50.0
        runtime.ingest(
            [Reading(asset: "pump-1", sensor: "temp", value: value, timestamp: time, quality: .good)], into: &output)
        return output.alarmUpdates
    }
}

let alarmPath = Mutex<AlarmPath?>(nil)

func alarmLatencyBenchmarks() {
    let commitToReceipt = BenchmarkMetric.custom(
        "outbox commit → subscriber (µs)", polarity: .prefersSmaller, useScalingFactor: false)
    let transitionToReceipt = BenchmarkMetric.custom(
        "alarm transition → subscriber (µs)", polarity: .prefersSmaller, useScalingFactor: false)
    let source = Mutex(AlarmSource())
    Benchmark(
        "Alarm → MQTT latency on loopback (mosquitto, QoS 1, SQLite outbox with synchronous=FULL)",
        configuration: .init(
            metrics: [commitToReceipt, transitionToReceipt], maxDuration: .seconds(20), maxIterations: 1000,
            setup: {
                let made = try await AlarmPath()
                alarmPath.withLock { $0 = made }
            },
            teardown: {
                let path = alarmPath.withLock { path in
                    defer { path = nil }
                    return path
                }
                await path?.stop()
            })
    ) { benchmark in
        guard let path = alarmPath.withLock({ $0 }) else { return }
        let updates = source.withLock { $0.next() }
        guard !updates.isEmpty else { return }
        let expected = path.received + updates.filter { $0.transition != nil }.count
        let transition = ContinuousClock.now
        for update in updates { path.writer.submit(update) }
        let deadline = ContinuousClock.now + .seconds(10)
        while path.received < expected, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .microseconds(200))
        }
        guard path.received >= expected, let receipt = path.lastReceipt, let commit = path.lastCommit else { return }
        benchmark.measurement(commitToReceipt, microseconds(receipt - commit))
        benchmark.measurement(transitionToReceipt, microseconds(receipt - transition))
    }
}

func microseconds(_ duration: Duration) -> Int {
    Int(duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
}
