import Benchmark
import Daemon
import Foundation
import PrognosCore
import Store

/// The daemon's hot path: sensor values through the per-asset runtimes (world model, alarms) and
/// into SQLite through the batch writer, for 1,000 assets of 20 sensors and 2 context signals.
let benchmarks: @Sendable () -> Void = {
    let sensors = 20
    let assetCount = 1000
    func asset(_ index: Int) -> Asset {
        let source = SignalSource.modbus(ModbusPoint(device: "plc", function: .inputRegister, address: 0, dataType: .float32))
        return Asset(
            id: "asset-\(index)", name: "Asset \(index)", type: "pump", areaID: "a", lineID: "l",
            sensors: (0..<sensors).map { Sensor(id: "s\($0)", unit: "degC", normal: 0...100, limits: Limits(alarmHigh: 150), source: source) },
            context: [Sensor(id: "speed", role: .speed, unit: "rpm", source: source), Sensor(id: "load", role: .load, unit: "%", source: source)],
            failureModes: [FailureMode(id: "wear", sensors: ["s0"], limit: FailureLimit(sensor: "s0", direction: .above, value: 140))])
    }
    var random = SystemRandomNumberGenerator()
    func readings(_ asset: String, at t: Double) -> [Reading] {
        let speed = 1200 + 300 * sin(t / 50)
        var out = (0..<sensors).map { j in
            Reading(asset: asset, sensor: "s\(j)", value: 40 + Double(j) + speed / 100 + Double.random(in: -0.5...0.5, using: &random), timestamp: t, quality: .good)
        }
        out.append(Reading(asset: asset, sensor: "speed", value: speed, timestamp: t, quality: .good))
        out.append(Reading(asset: asset, sensor: "load", value: 70, timestamp: t, quality: .good))
        return out
    }

    // One model fitted on healthy history, given to every asset (the cost of scoring does not depend on which).
    var configuration = RuntimeConfiguration()
    configuration.trainingSteps = 500
    var template = AssetRuntime(asset: asset(0), site: "bench", configuration: configuration, now: 0)
    for t in 0..<520 {
        var output = RuntimeOutput()
        template.ingest(readings("asset-0", at: Double(t)), into: &output)
        for request in output.refits { template.adopt(refitted: try! AssetRuntime.fit(request)) }
    }
    let model = template.model!

    Benchmark(
        "1,000 assets × 22 signals: runtimes and SQLite (values per iteration: 22,000)",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .throughput], maxDuration: .seconds(10), maxIterations: 30)
    ) { benchmark in
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("daemon-bench-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let writer = BatchWriter(store: try! Store.open(path: path))
        var runtimes = (0..<assetCount).map { index -> AssetRuntime in
            var runtime = AssetRuntime(asset: asset(index), site: "bench", configuration: RuntimeConfiguration(), now: 0)
            runtime.adopt(refitted: model)
            return runtime
        }
        let batches = (0..<assetCount).map { readings("asset-\($0)", at: 1000) }
        benchmark.startMeasurement()
        var output = RuntimeOutput()
        for index in 0..<assetCount {
            runtimes[index].ingest(batches[index], into: &output)
            writer.append(batches[index])
        }
        writer.append(output.batch)
        _ = try! await writer.flush()
        benchmark.stopMeasurement()
    }
}
