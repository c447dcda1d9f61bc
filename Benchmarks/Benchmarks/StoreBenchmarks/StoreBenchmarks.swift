import Benchmark
import Foundation
import PrognosCore
import Store

/// A counter shared between benchmark iterations (timestamps must keep increasing, or the
/// readings would be ignored as duplicates).
final class Clock: @unchecked Sendable {
    var next = 1_700_000_000.0
}

/// `size` readings as collectors deliver them: 100 signals (10 assets × 10 sensors) per timestamp.
func readingsBatch(size: Int, clock: Clock) -> [Reading] {
    var readings: [Reading] = []
    readings.reserveCapacity(size)
    while readings.count < size {
        for asset in 0..<10 {
            for sensor in 0..<10 where readings.count < size {
                readings.append(
                    Reading(
                        asset: "asset-\(asset)", sensor: "s\(sensor)", value: Double(readings.count) * 0.1,
                        timestamp: clock.next, quality: .good))
            }
        }
        clock.next += 1
    }
    return readings
}

func temporaryDatabase(_ name: String) -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prognos-bench-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent(name).path
}

/// Batched readings into a file database (WAL) as the daemon's BatchWriter does, and the outbox
/// round trip of one alert.
let benchmarks: @Sendable () -> Void = {
    // One iteration = 100,000 readings written in batches of `batchSize` (one transaction each):
    // readings/s = 100,000 / time. CPU time is the process's (user + system): the "one core" figure.
    for (batchSize, full) in [(1_000, true), (10_000, true), (10_000, false)] {
        let synchronous = full ? "FULL" : "NORMAL"
        let store = try! Store.open(
            path: temporaryDatabase("readings.sqlite"), options: Store.Options(synchronousFull: full))
        let clock = Clock()
        Benchmark(
            "Write 100k readings in batches of \(batchSize) (file, WAL, synchronous=\(synchronous))",
            configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(10), maxIterations: 30)
        ) { benchmark async in
            for _ in benchmark.scaledIterations {
                let batches = (0..<(100_000 / batchSize)).map { _ in readingsBatch(size: batchSize, clock: clock) }
                benchmark.startMeasurement()
                for batch in batches { try! await store.write(readings: batch) }
                benchmark.stopMeasurement()
            }
        }
    }

    let outbox = try! Store.open(path: temporaryDatabase("outbox.sqlite"))
    Benchmark(
        "Outbox: queue one alert and mark it delivered (file, WAL, synchronous=FULL)",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .throughput], maxDuration: .seconds(5))
    ) { benchmark async in
        for i in benchmark.scaledIterations {
            let message = OutboxMessage.alert(
                topic: "prognos/site/pump-1/alarm", payload: #"{"alarm":"pump-1/limit/temp/high","n":\#(i)}"#,
                createdAt: 1_700_000_000)
            guard case .queued(let id, _) = try! await outbox.enqueue(message) else { fatalError("dropped") }
            try! await outbox.markDelivered(id: id)
        }
    }

    // The minute a 1,000-pump plant stages (12,000 signals at 1 Hz), packed a row per signal-minute
    // (`Store.pack`, after the flush that ends the minute): its wall time is what an alarm's commit
    // may wait for once a minute. The minute is staged before the measurement, as flushes do.
    Benchmark(
        "Pack a minute of 12,000 signals at 1 Hz (720,000 staged readings; file, WAL)",
        configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(60), maxIterations: 5)
    ) { benchmark async in
        for _ in benchmark.scaledIterations {
            let store = try! Store.open(path: temporaryDatabase("pack.sqlite"))
            let start = 1_700_000_040.0  // a minute boundary
            for second in 0..<61 {
                var batch: [Reading] = []
                batch.reserveCapacity(12_000)
                for asset in 0..<1_000 {
                    let time = start + Double(second) + Double(asset) / 1_000
                    for sensor in 0..<12 {
                        batch.append(
                            Reading(
                                asset: "pump-\(asset)", sensor: "s\(sensor)", value: 40 + Double(sensor) + time / 1e9,
                                timestamp: time, quality: .good))
                    }
                }
                try! await store.write(readings: batch)
            }
            benchmark.startMeasurement()
            let report = try! await store.pack(before: start + 60)
            benchmark.stopMeasurement()
            precondition(report.readings == 720_000)
        }
    }

    // The forecasts a 1,000-pump plant stores every 10 steps: 4 horizons of 20 sensors of each
    // asset, over the run before, in transactions of the `BatchWriter`'s size (500 records).
    Benchmark(
        "Write a forecast run of 1,000 assets × 20 sensors × 4 horizons over the one before (80,000 records; file, WAL)",
        configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(20), maxIterations: 20)
    ) { benchmark async in
        let store = try! Store.open(path: temporaryDatabase("forecasts.sqlite"))
        func run(madeAt made: Double) -> [StoreBatch] {
            var forecasts: [ForecastRecord] = []
            for asset in 0..<1_000 {
                for sensor in 0..<20 {
                    for steps in [3, 6, 9, 12] {
                        forecasts.append(
                            ForecastRecord(
                                asset: "asset-\(asset)", sensor: "s\(sensor)", madeAt: made,
                                targetTime: made + Double(steps), mean: 50, lower50: 49,
                                upper50: 51, lower80: 48, upper80: 52, lower90: 47, upper90: 53))
                    }
                }
            }
            let size = BatchWriter.Configuration().maxBatch
            return stride(from: 0, to: forecasts.count, by: size).map {
                StoreBatch(forecasts: Array(forecasts[$0..<min($0 + size, forecasts.count)]))
            }
        }
        var made = 1_700_000_000.0
        for batch in run(madeAt: made) { try! await store.write(batch) }
        for _ in benchmark.scaledIterations {
            made += 10
            let batches = run(madeAt: made)
            benchmark.startMeasurement()
            for batch in batches { try! await store.write(batch) }
            benchmark.stopMeasurement()
        }
    }
}
