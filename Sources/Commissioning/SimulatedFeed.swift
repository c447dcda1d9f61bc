import Modbus
import PrognosCore
import Simulator

/// What a live daemon would receive from a simulated plant at each of its steps: a Modbus signal
/// fresh once per its device's poll interval × the simulator's speed and decoded as a Modbus
/// client decodes it (an int16 with scale 0.1 holds tenths: the register's resolution is part of
/// what the models must take as normal), an MQTT signal at every step.
struct SimulatedFeed {
    private let periodOf: [SignalRef: Double]
    private let pointOf: [SignalRef: ModbusPoint]
    /// Per signal, in the order `PlantSimulation.readings()` lists them (taken from its first list,
    /// so that a step looks nothing up by name).
    private var periods: [Double] = []
    private var points: [ModbusPoint?] = []
    private var lastSample: [Double?] = []

    init(plant: Plant, speed: Double) {
        var periodOf: [SignalRef: Double] = [:]
        var pointOf: [SignalRef: ModbusPoint] = [:]
        for asset in plant.assets {
            for signal in asset.signals {
                guard case .modbus(let point) = signal.source else { continue }
                let ref = SignalRef(asset: asset.id, sensor: signal.id)
                pointOf[ref] = point
                periodOf[ref] = (plant.device(point.device)?.pollInterval.inSeconds ?? 0) * speed
            }
        }
        self.periodOf = periodOf
        self.pointOf = pointOf
    }

    /// The readings of `simulation` now that are due.
    mutating func readings(of simulation: PlantSimulation) -> [Reading] {
        let now = simulation.time
        let all = simulation.readings()
        if periods.count != all.count {
            let refs = all.map { SignalRef(asset: $0.asset, sensor: $0.sensor) }
            periods = refs.map { periodOf[$0] ?? 0 }
            points = refs.map { pointOf[$0] }
            lastSample = [Double?](repeating: nil, count: all.count)
        }
        var due: [Reading] = []
        due.reserveCapacity(all.count)
        for (i, reading) in all.enumerated() {
            if let last = lastSample[i], now - last < periods[i] - 1e-9 { continue }
            lastSample[i] = now
            due.append(points[i].map { Self.onTheWire(reading, $0) } ?? reading)
        }
        return due
    }

    static func onTheWire(_ reading: Reading, _ point: ModbusPoint) -> Reading {
        guard let value = reading.value else { return reading }
        let decoded =
            point.function.isBitAddressed
            ? ModbusCodec.decode(bit: ModbusCodec.encodeBit(value, for: point), point: point)
            : ModbusCodec.decode(registers: ModbusCodec.encode(value, for: point), point: point)
        var wire = reading
        wire.value = decoded.value
        wire.quality = decoded.quality
        return wire
    }
}
