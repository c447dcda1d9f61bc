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

        /// Model steps the history holds (at least 10).
        public var steps: Int { max(10, Int(span / step)) }
    }

    public struct Result: Sendable {
        public var assets: [String]
        public var steps: Int
    }

    /// Fits and stores a model per asset; returns the assets fitted.
    public static func learnFromSimulation(plant: Plant, store: Store, options: Options) async throws -> Result {
        let models = try fitFromSimulation(plant: plant, options: options)
        for (asset, model) in models {
            _ = try await store.saveSnapshot(
                asset: asset, format: AssetModel.snapshotFormat, bytes: Data(model.serialized()),
                at: Date().timeIntervalSince1970)
        }
        return Result(assets: models.map(\.asset).sorted(), steps: options.steps)
    }

    /// A model per asset fitted on simulated healthy history, as `learnFromSimulation` stores them.
    public static func fitFromSimulation(plant: Plant, options: Options) throws -> [(asset: String, model: AssetModel)]
    {
        var simulation = PlantSimulation(
            plant: plant,
            options: SimulationOptions(
                seed: options.seed, start: options.end - options.span, step: min(options.step, options.physicsStep),
                naturalDegradation: false))
        var configuration = RuntimeConfiguration()
        configuration.stepInterval = options.step
        configuration.staleAfter = .infinity
        configuration.refitInterval = 0
        let steps = options.steps
        configuration.trainingSteps = steps
        configuration.trainingSpan = 0
        var runtimes = Dictionary(
            uniqueKeysWithValues: plant.assets.map {
                (
                    $0.id,
                    AssetRuntime(asset: $0, site: plant.site.id, configuration: configuration, now: simulation.time)
                )
            })
        var feed = SimulatedFeed(plant: plant, speed: options.speed)
        var requests: [RefitRequest] = []
        for _ in 0...steps {
            simulation.advance(by: options.step)
            var output = RuntimeOutput()
            for (asset, group) in feed.readings(of: simulation).groupedByAsset() {
                runtimes[asset]?.ingest(group, into: &output)
            }
            requests += output.refits
        }
        // An asset that stood still part of the span (a duty cycle) learns from the hours it ran,
        // if they are a tenth of the span at least.
        for id in runtimes.keys.sorted() where !requests.contains(where: { $0.asset == id }) {
            if let request = runtimes[id]?.finishLearning(minimumRows: max(50, steps / 10)) { requests.append(request) }
        }
        return try requests.map { ($0.asset, try AssetRuntime.fit($0)) }
    }
}
