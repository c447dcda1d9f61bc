import Benchmark
import Foundation
import Logging
import Modbus
import PrognosCore
import Synchronization

/// Counts delivered readings.
final class ReadingCounter: ReadingSink {
    let readings = Atomic<Int>(0)
    func deliver(_ batch: [Reading]) { readings.add(batch.count, ordering: .relaxed) }
}

/// Polling a demo-like plant (7 devices, 140 points) served by our `ModbusServer` on loopback.
///
/// - "full poll, sequential": one `ModbusDevicePoller.poll` per device on open connections — the
///   work a poll needs — against "raw libmodbus round trips": the same requests with bare C calls.
///   The difference is the collector's overhead (wrapper, decoding, qualities, readings).
/// - "pollOnce": what `prognos poll --once` does (a thread and a fresh connection per device).
/// - "collector flat out": every device thread polling back to back; the custom metric is
///   readings delivered per second.
let benchmarks: @Sendable () -> Void = {
    let logger = Logger(label: "bench.modbus", factory: { _ in SwiftLogNoOpLogHandler() })
    let rig = try! DemoLikePlant()
    let plant = rig.plant
    let requests = Dictionary(grouping: ModbusPollPlan.requests(for: plant), by: \.device)
    let sensors = Dictionary(
        plant.assets.flatMap { asset in asset.signals.map { (SignalRef(asset: asset.id, sensor: $0.id), $0) } },
        uniquingKeysWith: { a, _ in a })
    let pollers = plant.devices.map { device in
        ModbusDevicePoller(
            device: device,
            requests: requests[device.id, default: []].map { request in
                .init(request: request, plausible: request.slots.map { PlausibleRange(sensor: sensors[$0.signal]!) })
            },
            logger: logger)
    }
    let raw = plant.devices.map { device -> (RawLibmodbus, [ModbusRequest]) in
        guard case .tcp(_, let port) = device.transport else { fatalError() }
        return (RawLibmodbus(port: port), requests[device.id, default: []])
    }
    let requestCount = requests.values.reduce(0) { $0 + $1.count }
    print(
        "Demo-like plant: \(plant.devices.count) devices, \(rig.pointCount) points, \(requestCount) requests per poll")

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 20, maxDuration: .seconds(5),
        maxIterations: 2_000)

    Benchmark("Full poll, sequential: 7 devices, 140 readings (ModbusDevicePoller)") { benchmark in
        for _ in benchmark.scaledIterations {
            var good = 0
            for poller in pollers {
                for reading in poller.poll(budget: .seconds(1)) where reading.quality == .good { good += 1 }
            }
            precondition(good == rig.pointCount, "every reading good, got \(good)")
            blackHole(good)
        }
    }

    Benchmark("Raw libmodbus round trips of the same poll (baseline)") { benchmark in
        for _ in benchmark.scaledIterations {
            var failures = 0
            for (client, deviceRequests) in raw { failures += client.run(deviceRequests) }
            precondition(failures == 0)
            blackHole(failures)
        }
    }

    // The machine is shared and noisy: compare the two in alternation, so drift hits both alike.
    Benchmark(
        "Overhead of a full poll over its raw libmodbus round trips, interleaved",
        configuration: .init(
            metrics: [
                .custom("overhead (%)", polarity: .prefersSmaller, useScalingFactor: false),
                .custom("full poll p50 (us)", polarity: .prefersSmaller, useScalingFactor: false),
                .custom("raw round trips p50 (us)", polarity: .prefersSmaller, useScalingFactor: false),
            ],
            warmupIterations: 1, maxDuration: .seconds(60), maxIterations: 10)
    ) { benchmark in
        let clock = ContinuousClock()
        var ours: [Duration] = []
        var bare: [Duration] = []
        for _ in 0..<100 {
            ours.append(clock.measure { for poller in pollers { blackHole(poller.poll(budget: .seconds(1))) } })
            bare.append(clock.measure { for (client, deviceRequests) in raw { blackHole(client.run(deviceRequests)) } })
        }
        let median = { (samples: [Duration]) -> Double in
            let sorted = samples.sorted()
            let middle = sorted[sorted.count / 2]
            return Double(middle.components.seconds) * 1e6 + Double(middle.components.attoseconds) * 1e-12
        }
        let (oursMedian, bareMedian) = (median(ours), median(bare))
        benchmark.measurement(
            .custom("overhead (%)", polarity: .prefersSmaller, useScalingFactor: false),
            Int(((oursMedian / bareMedian - 1) * 100).rounded()))
        benchmark.measurement(
            .custom("full poll p50 (us)", polarity: .prefersSmaller, useScalingFactor: false),
            Int(oursMedian.rounded()))
        benchmark.measurement(
            .custom("raw round trips p50 (us)", polarity: .prefersSmaller, useScalingFactor: false),
            Int(bareMedian.rounded()))
    }

    let collector = ModbusCollector(plant: plant, sink: ReadingCounter(), logger: logger)
    Benchmark(
        "pollOnce: 7 devices in parallel, fresh connections (prognos poll --once)",
        configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(5), maxIterations: 500)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let readings = collector.pollOnce()
            precondition(readings.count == rig.pointCount)
            blackHole(readings)
        }
    }

    var flatOut = plant
    for index in flatOut.devices.indices { flatOut.devices[index].pollInterval = .zero }
    let counter = ReadingCounter()
    let running = ModbusCollector(plant: flatOut, sink: counter, logger: logger)
    Benchmark(
        "Collector flat out: 7 device threads polling back to back",
        configuration: .init(
            metrics: [.custom("readings/s", polarity: .prefersLarger, useScalingFactor: false)],
            warmupIterations: 1, maxDuration: .seconds(30), maxIterations: 7)
    ) { benchmark in
        let before = counter.readings.load(ordering: .relaxed)
        let started = ContinuousClock.now
        running.start()
        Thread.sleep(forTimeInterval: 1)
        running.stop()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        benchmark.measurement(
            .custom("readings/s", polarity: .prefersLarger, useScalingFactor: false),
            Int(Double(counter.readings.load(ordering: .relaxed) - before) / seconds))
    }
}
