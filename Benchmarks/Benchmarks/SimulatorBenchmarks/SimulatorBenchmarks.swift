import Benchmark
import Foundation
import Logging
import Modbus
import PlantFile
import PrognosCore
import Simulator

/// The simulator's speed on the demo plant (simulated asset-hours per second: multiply the
/// throughput by the asset-hours one iteration simulates) and the Modbus requests per second its
/// servers sustain on loopback.
let benchmarks: @Sendable () -> Void = {
    let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Plants/demo.yaml").path
    let plant = try! PlantFileLoader.load(path: demo)
    let assets = Double(plant.assets.count)

    // A simulated year of the whole plant at a 60 s step: the issue asks for under a minute.
    for (step, span, label) in [
        (60.0, 86400.0, "one simulated day at a 60 s step"),
        (600.0, 7 * 86400.0, "one simulated week at a 10 min step (planner)"),
        (1.0, 3600.0, "one simulated hour at a 1 s step (serving)"),
    ] {
        let assetHours = assets * span / 3600
        Benchmark(
            "Demo plant, \(label) = \(Int(assetHours)) asset-hours",
            configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(5))
        ) { benchmark in
            var sim = PlantSimulation(plant: plant, options: SimulationOptions(seed: 1, step: step))
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                sim.advance(by: span)
            }
            benchmark.stopMeasurement()
            blackHole(sim.elapsed)
        }
    }

    // Requests per second on loopback: one client, one request at a time (latency-bound), against the
    // collectors' ModbusServer (plc-intake, one unit) and the simulator's multi-unit gateway (vfd-gateway).
    var onFreePorts = plant
    for i in onFreePorts.devices.indices {
        if case .tcp(let host, _) = onFreePorts.devices[i].transport {
            onFreePorts.devices[i].transport = .tcp(host: host, port: 0)
        }
    }
    let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
    for (device, unit, table, count) in [
        ("plc-intake", UInt8(1), ModbusFunction.inputRegister, 52),
        ("vfd-gateway", UInt8(4), ModbusFunction.holdingRegister, 9),
    ] {
        Benchmark(
            "Modbus requests on loopback: \(device) (\(count) registers)",
            configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(3))
        ) { benchmark in
            let sim = PlantSimulation(plant: onFreePorts, options: SimulationOptions(seed: 1))
            let server = try! PlantServer(simulation: sim, logger: logger, modbus: true, mqtt: false)
            let port = server.ports[device]!
            let client = try! ModbusClient(
                deviceID: device, transport: .tcp(host: "127.0.0.1", port: port), timeout: .seconds(1))
            try! client.connect()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try! client.readRegisters(table, unit: unit, address: 0, count: count))
            }
            benchmark.stopMeasurement()
            client.close()
            server.stop()
        }
    }
}
