import Benchmark
import Daemon
import Foundation
import Logging
import PlantRuntime
import PrognosCore
import Store
import Telemetry

/// The daemon's hot path: sensor values from the reading stream through the `RuntimeHub` (grouping
/// by asset, per-asset runtimes: limit alarms, world-model scoring, deviation and RUL alarms) into
/// SQLite through the batch writer, for 1,000 assets of 20 sensors and 2 context signals. Readings
/// come in batches of 10 assets (220 values), as a Modbus device's poll delivers them. An iteration
/// is 10 steps of every asset, so it holds the periodic work at its real rate (forecasts and RUL
/// every 10th step).
let benchmarks: @Sendable () -> Void = {
    let sensors = 20
    let assetCount = 1000
    let assetsPerBatch = 10
    func asset(_ index: Int) -> Asset {
        let source = SignalSource.modbus(
            ModbusPoint(device: "plc", function: .inputRegister, address: 0, dataType: .float32))
        return Asset(
            id: "asset-\(index)", name: "Asset \(index)", type: "pump", areaID: "a", lineID: "l",
            sensors: (0..<sensors).map {
                Sensor(id: "s\($0)", unit: "degC", normal: 0...100, limits: Limits(alarmHigh: 150), source: source)
            },
            context: [
                Sensor(id: "speed", role: .speed, unit: "rpm", source: source),
                Sensor(id: "load", role: .load, unit: "%", source: source),
            ],
            failureModes: [
                FailureMode(
                    id: "wear", sensors: ["s0"], limit: FailureLimit(sensor: "s0", direction: .above, value: 140))
            ])
    }
    var random = SystemRandomNumberGenerator()
    func readings(_ asset: String, at t: Double) -> [Reading] {
        let speed = 1200 + 300 * sin(t / 50)
        var out = (0..<sensors).map { j in
            Reading(
                asset: asset, sensor: "s\(j)",
                value: 40 + Double(j) + speed / 100 + Double.random(in: -0.5...0.5, using: &random), timestamp: t,
                quality: .good)
        }
        out.append(Reading(asset: asset, sensor: "speed", value: speed, timestamp: t, quality: .good))
        out.append(Reading(asset: asset, sensor: "load", value: 70, timestamp: t, quality: .good))
        return out
    }

    // One model fitted on healthy history, given to every asset (the cost of scoring does not depend on which).
    var configuration = RuntimeConfiguration()
    configuration.trainingSteps = 500
    configuration.trainingSpan = 0
    var template = AssetRuntime(asset: asset(0), site: "bench", configuration: configuration, now: 0)
    for t in 0..<520 {
        var output = RuntimeOutput()
        template.ingest(readings("asset-0", at: Double(t)), into: &output)
        for request in output.refits { template.adopt(refitted: try! AssetRuntime.fit(request)) }
    }
    let model = template.model!
    let assets = (0..<assetCount).map(asset)
    let plant = Plant(
        site: Site(id: "bench", name: "Bench"),
        areas: [Area(id: "a", name: "A", lines: [Line(id: "l", name: "L", assets: assets)])],
        devices: [], brokers: [], actions: [],
        economics: Economics(downtimeCostPerHour: 0, failureCost: 0, crewCapacity: 1, windows: []))
    let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
    let valuesPerSecond = BenchmarkMetric.custom(
        "values/s (wall clock)", polarity: .prefersLarger, useScalingFactor: false)
    let valuesPerCPUSecond = BenchmarkMetric.custom(
        "values per CPU-second", polarity: .prefersLarger, useScalingFactor: false)

    /// A hub over every asset, each with the fitted model, storing into a new SQLite file at `path`,
    /// every runtime past its first step (its first values are not what a running daemon does).
    func startedHub(path: String) async -> (RuntimeHub, BatchWriter) {
        let store = try! Store.open(path: path)
        let writer = BatchWriter(store: store)
        let alarmWriter = AlarmWriter(store: store, site: plant.site.id, logger: logger, publishDirectly: { _ in })
        let runtimes = assets.map { asset -> AssetRuntime in
            var runtime = AssetRuntime(asset: asset, site: "bench", configuration: RuntimeConfiguration(), now: 0)
            runtime.adopt(refitted: model)
            return runtime
        }
        let hub = RuntimeHub(
            runtimes: runtimes, plant: plant, writer: writer, alarmWriter: alarmWriter, store: store,
            logger: logger, publishPlan: { _ in })
        for first in stride(from: 0, to: assetCount, by: assetsPerBatch) {
            await hub.ingest((first..<first + assetsPerBatch).flatMap { readings("asset-\($0)", at: 999) }, now: 999)
        }
        _ = try! await writer.flush()
        return (hub, writer)
    }
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("daemon-bench-\(UUID().uuidString).sqlite").path
    }

    let steps = 10
    // With metrics: the same, and after every step of all assets the heartbeat's metrics published
    // and the exposition written as for a scrape (a heartbeat is every 5 s: this is more often).
    for withMetrics in [false, true] {
        Benchmark(
            "1,000 assets × 22 signals × 10 steps: stream → RuntimeHub → SQLite (values per iteration: 220,000)"
                + (withMetrics ? ", with metrics" : ""),
            configuration: .init(
                metrics: [.wallClock, .cpuTotal, valuesPerSecond, valuesPerCPUSecond, .mallocCountTotal],
                maxDuration: .seconds(30), maxIterations: 10)
        ) { benchmark in
            let path = temporaryPath()
            defer { removeDatabase(at: path) }
            let (hub, writer) = await startedHub(path: path)
            let batches = (0..<steps).flatMap { step in
                stride(from: 0, to: assetCount, by: assetsPerBatch).map { first in
                    (first..<first + assetsPerBatch).flatMap { readings("asset-\($0)", at: 1000 + Double(step)) }
                }
            }
            let values = batches.reduce(0) { $0 + $1.count }
            let metrics = withMetrics ? DaemonMetrics(version: "bench") : nil
            if let metrics { await hub.observeSteps { metrics.observeModelStep(took: $0) } }
            let batchesPerStep = assetCount / assetsPerBatch
            let cpuStart = processCPUSeconds()
            let start = ContinuousClock.now
            benchmark.startMeasurement()
            for (index, batch) in batches.enumerated() {
                await hub.ingest(batch, now: batch[0].timestamp)
                if let metrics, (index + 1) % batchesPerStep == 0 {
                    let status = DaemonStatus(
                        pid: 1, version: "bench", plant: "bench", startedAt: 0, heartbeatAt: batch[0].timestamp,
                        readingsIngested: await hub.ingested)
                    metrics.publish(
                        DaemonSample(
                            status: status, ingested: await hub.tally, droppedInStream: ReadingTally(),
                            droppedByStore: ReadingTally(), otherRecordsDroppedByStore: 0,
                            alarms: await hub.alarmCounts(), outbox: OutboxCount(alerts: 0, telemetry: 0),
                            outboxOldestAge: nil, storeCommits: writer.statistics.batches,
                            storeCommitSeconds: writer.statistics.commitSeconds))
                    blackHole(metrics.exposition())
                }
            }
            _ = try! await writer.flush()
            benchmark.stopMeasurement()
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            benchmark.measurement(valuesPerSecond, Int(Double(values) / seconds))
            benchmark.measurement(valuesPerCPUSecond, Int(Double(values) / max(processCPUSeconds() - cpuStart, 1e-6)))
        }
    }

    // A site-wide context value: one MQTT message (an ambient temperature, here `load`) is context
    // to every asset, so it reaches the hub as one batch of 1,000 readings, and a PLC's batch that
    // arrives meanwhile waits behind it (the slowest alarms of the 1,000-pump scale run).
    let siteWideBatch = BenchmarkMetric.custom(
        "site-wide batch of 1,000 context readings (µs)", polarity: .prefersSmaller, useScalingFactor: false)
    Benchmark(
        "1,000 assets: one context value for all of them, between their steps",
        configuration: .init(metrics: [siteWideBatch], maxDuration: .seconds(30), maxIterations: 10)
    ) { benchmark in
        let path = temporaryPath()
        defer { removeDatabase(at: path) }
        let (hub, writer) = await startedHub(path: path)
        for step in 0..<steps {
            let t = 1000 + Double(step)
            for first in stride(from: 0, to: assetCount, by: assetsPerBatch) {
                await hub.ingest((first..<first + assetsPerBatch).flatMap { readings("asset-\($0)", at: t) }, now: t)
            }
            let ambient = (0..<assetCount).map {
                Reading(asset: "asset-\($0)", sensor: "load", value: 70, timestamp: t + 0.5, quality: .good)
            }
            let started = ContinuousClock.now
            await hub.ingest(ambient, now: t + 0.5)
            benchmark.measurement(siteWideBatch, microseconds(ContinuousClock.now - started))
        }
        _ = try! await writer.flush()
    }

    alarmLatencyBenchmarks()
}

/// Removes a SQLite database with its WAL and shared-memory files.
func removeDatabase(at path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// User + system CPU seconds of this process.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(
        usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
