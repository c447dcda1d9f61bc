import Foundation
import Modbus
import PlantRuntime
import PrognosCore
import Simulator
import Store
import WorldModel

/// Commissioning from simulated history: runs the plant's simulator offline (healthy, no
/// degradation) for a span of simulated time, fits every asset's world model on it exactly as the
/// daemon would on live data, and saves the models as snapshots, so that `prognos run` starts
/// scoring at once instead of learning first. On a real plant the same models are learnt from the
/// first `--training-steps` of live data instead.
public enum Commissioning {
    public struct Options: Sendable {
        /// Simulated time to learn from, seconds.
        public var span: Double = 7 * 86_400
        /// Simulated seconds per model step: the live daemon's step interval times the simulator's speed.
        public var step: Double = 600
        /// The simulator's speed the live daemon will see (sampling follows each device's poll interval × speed).
        public var speed: Double = 600
        public var seed: UInt64 = 1
        /// Longest physics step, simulated seconds: the history is sampled every `step`, but the
        /// machines are integrated at most this far at a time, as the scenario export does. A
        /// step of an hour would collapse every thermal lag shorter than that (an inlet 10 minutes
        /// behind the weather, windings 30), and the models would learn physics without them.
        public var physicsStep: Double = 60
        /// Simulated time at which the history ends (default: now), so that its season and
        /// weather match what the live simulator will serve.
        public var end: Double = Date().timeIntervalSince1970
        public init() {}
    }

    public struct Result: Sendable {
        public var assets: [String]
        public var steps: Int
    }

    /// Fits and stores a model per asset; returns the assets fitted.
    public static func learnFromSimulation(plant: Plant, store: Store, options: Options) async throws -> Result {
        var simulation = PlantSimulation(
            plant: plant,
            options: SimulationOptions(
                seed: options.seed, start: options.end - options.span, step: min(options.step, options.physicsStep),
                naturalDegradation: false))
        var configuration = RuntimeConfiguration()
        configuration.stepInterval = options.step
        configuration.staleAfter = .infinity
        configuration.refitEvery = 0
        let steps = max(10, Int(options.span / options.step))
        configuration.trainingSteps = steps
        var runtimes = Dictionary(
            uniqueKeysWithValues: plant.assets.map {
                (
                    $0.id,
                    AssetRuntime(asset: $0, site: plant.site.id, configuration: configuration, now: simulation.time)
                )
            })
        // A signal is seen as fresh only every poll interval × speed of simulated time, as live.
        let samplePeriod = samplingPeriods(plant, speed: options.speed)
        var lastSample: [SignalRef: Double] = [:]
        let points = modbusPoints(plant)
        var requests: [RefitRequest] = []
        for _ in 0...steps {
            simulation.advance(by: options.step)
            let now = simulation.time
            let due = simulation.readings().compactMap { reading -> Reading? in
                let ref = SignalRef(asset: reading.asset, sensor: reading.sensor)
                if let last = lastSample[ref], now - last < samplePeriod[ref, default: 0] - 1e-9 { return nil }
                lastSample[ref] = now
                return points[ref].map { onTheWire(reading, $0) } ?? reading
            }
            var output = RuntimeOutput()
            for (asset, group) in Dictionary(grouping: due, by: \.asset) {
                runtimes[asset]?.ingest(group, into: &output)
            }
            requests += output.refits
        }
        // An asset that stood still part of the span (a duty cycle) learns from the hours it ran,
        // if they are a tenth of the span at least.
        for id in runtimes.keys.sorted() where !requests.contains(where: { $0.asset == id }) {
            if let request = runtimes[id]?.finishLearning(minimumRows: max(50, steps / 10)) { requests.append(request) }
        }
        var fitted: [String] = []
        for request in requests {
            let model = try AssetRuntime.fit(request)
            _ = try await store.saveSnapshot(
                asset: request.asset, format: AssetModel.snapshotFormat, bytes: Data(model.serialized()),
                at: Date().timeIntervalSince1970)
            fitted.append(request.asset)
        }
        return Result(assets: fitted.sorted(), steps: steps)
    }

    /// The reading as a Modbus client decodes it: the register type's resolution (an int16 with
    /// scale 0.1 holds tenths) is part of what the model must learn as normal.
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

    static func modbusPoints(_ plant: Plant) -> [SignalRef: ModbusPoint] {
        var points: [SignalRef: ModbusPoint] = [:]
        for asset in plant.assets {
            for signal in asset.signals {
                if case .modbus(let point) = signal.source {
                    points[SignalRef(asset: asset.id, sensor: signal.id)] = point
                }
            }
        }
        return points
    }

    /// Simulated seconds between fresh values of each signal: its device's poll interval × speed
    /// (MQTT signals: every step).
    static func samplingPeriods(_ plant: Plant, speed: Double) -> [SignalRef: Double] {
        var periods: [SignalRef: Double] = [:]
        for asset in plant.assets {
            for signal in asset.signals {
                guard case .modbus(let point) = signal.source, let device = plant.device(point.device) else { continue }
                periods[SignalRef(asset: asset.id, sensor: signal.id)] = device.pollInterval.inSeconds * speed
            }
        }
        return periods
    }
}
