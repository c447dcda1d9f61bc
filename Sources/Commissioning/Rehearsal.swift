import PlantRuntime
import PrognosCore
import Simulator
import WorldModel

/// The daemon's runtimes run through a simulated scenario offline, at the daemon's own cadence,
/// counting the alarms they raise: what `prognos run` on that plant would annunciate, without
/// the network, the store or the wall clock (so a month at one step a second takes minutes).
///
/// The models are commissioned first as `prognos learn --from-simulation` does, on the healthy
/// days before the scenario's start (or, with no learning span, learnt from the first live steps
/// as a daemon without commissioning does). Then the scenario runs; every step the simulator's
/// readings, sampled and decoded as the daemon's collectors would see them (`SimulatedFeed`),
/// go to each asset's `AssetRuntime`, ticks follow, refits are fitted and adopted at once.
/// The scenario's maintenance is reported to the runtimes when each job ends, as an engineer
/// reports it with `prognos maintenance done` (`reportsMaintenance`; without it, as in a plant where
/// nobody tells Prognos, a stop for maintenance is a stop like any other).
public enum Rehearsal {
    public struct Options: Sendable {
        public var scenario: Scenario
        /// Epoch seconds at which the scenario starts.
        public var start: Double
        /// Simulated seconds to run the scenario.
        public var duration: Double
        /// The daemon's clock speed: it steps once per `speed` simulated seconds, and its cadences
        /// and delays stretch as `RuntimeConfiguration.onClock` says (1: a plant's own daemon).
        public var speed: Double = 1
        /// Healthy simulated seconds to commission the models on, ending at `start` (0: no
        /// commissioning; the runtimes learn from their first steps).
        public var learnSpan: Double = 7 * 86_400
        public var seed: UInt64 = 1
        public var reportsMaintenance = true
        /// The daemon's tunables before `onClock` stretches them.
        public var runtime = RuntimeConfiguration()

        public init(scenario: Scenario, start: Double, duration: Double) {
            self.scenario = scenario
            self.start = start
            self.duration = duration
        }
    }

    /// One asset's run.
    public struct AssetTally: Sendable, Equatable {
        public var asset: String
        /// Steps its model scored, and those flagged.
        public var steps = 0
        public var flaggedSteps = 0
        /// The alarms raised (condition activated), in order, with what an operator would have read
        /// as each was raised.
        public var alarms: [RaisedAlarm] = []
        /// The scenario's maintenance jobs reported to its runtime, in the order they ended.
        public var maintenance: [MaintenanceReports.Job] = []

        /// How many of each kind were raised (`AlarmKind` raw values).
        public var raised: [String: Int] { alarms.reduce(into: [:]) { $0[$1.kind.rawValue, default: 0] += 1 } }

        public var deviations: [RaisedAlarm] { alarms.filter { $0.kind == .deviation } }

        public var deviationAlarms: Int { alarms.count { $0.kind == .deviation } }
    }

    public struct RaisedAlarm: Sendable, Equatable {
        public var kind: AlarmKind
        public var time: Double
        public var message: String
    }

    public struct Result: Sendable, Equatable {
        public var assets: [AssetTally]
        /// Simulated days run.
        public var days: Double
        /// Steps a model was fitted on before the scenario (0: learnt live).
        public var commissioningSteps: Int
    }

    public static func run(plant: Plant, options: Options) throws -> Result {
        let clock = PlantClock(speed: options.speed, start: options.start)
        let configuration = options.runtime.onClock(clock).polling(plant.devices, on: clock)
        let step = configuration.stepInterval
        var commissioning = Commissioning.Options()
        commissioning.span = options.learnSpan
        commissioning.step = step
        commissioning.speed = options.speed
        commissioning.seed = options.seed
        commissioning.end = options.start
        let models =
            options.learnSpan > 0
            ? Dictionary(
                uniqueKeysWithValues: try Commissioning.fitFromSimulation(plant: plant, options: commissioning))
            : [:]

        var simulation = PlantSimulation(
            plant: plant,
            options: SimulationOptions(
                seed: options.seed, start: options.start, step: min(step, commissioning.physicsStep),
                naturalDegradation: options.scenario.naturalDegradation ?? false))
        try simulation.schedule(options.scenario)
        var runtimes = IndexedValues(
            plant.assets.map { asset in
                var runtime = AssetRuntime(
                    asset: asset, site: plant.site.id, configuration: configuration, now: simulation.time)
                if let model = models[asset.id] { runtime.adopt(refitted: model) }
                return runtime
            },
            id: \.asset.id)
        var tallies = plant.assets.map { AssetTally(asset: $0.id) }
        var feed = SimulatedFeed(plant: plant, speed: options.speed)
        var jobs = MaintenanceReports()
        while simulation.elapsed + 1e-9 < options.duration {
            simulation.advance(by: step)
            // The scenario's maintenance, reported as done when it ends, as an engineer would
            // (`prognos maintenance done`; the demo's simulator does it with `--report-maintenance`).
            for job in options.reportsMaintenance ? jobs.due(in: simulation) : [] {
                guard let action = plant.action(job.action), let i = runtimes.position(of: job.asset) else { continue }
                runtimes[i].maintained(by: action, at: job.doneAt, resetModel: true)
                tallies[i].maintenance.append(job)
            }
            var output = RuntimeOutput()
            for (asset, group) in feed.readings(of: simulation).groupedByAsset() {
                guard let i = runtimes.position(of: asset) else { continue }
                let before = runtimes[i].steps
                runtimes[i].ingest(group, into: &output)
                if runtimes[i].steps != before {
                    tallies[i].steps += 1
                    if runtimes[i].latest?.flagged == true { tallies[i].flaggedSteps += 1 }
                }
            }
            for i in 0..<runtimes.count { runtimes[i].tick(now: simulation.time, into: &output) }
            for update in output.alarmUpdates where update.transition?.cause == .conditionActivated {
                guard let i = runtimes.position(of: update.alarm.asset) else { continue }
                tallies[i].alarms.append(
                    RaisedAlarm(kind: update.alarm.kind, time: simulation.time, message: update.alarm.message))
            }
            // A fit that fails leaves the previous model scoring, as in the daemon.
            for request in output.refits {
                guard let model = try? AssetRuntime.fit(request) else { continue }
                runtimes.update(request.asset) { $0.adopt(refitted: model) }
            }
        }
        return Result(
            assets: tallies, days: options.duration / 86_400,
            commissioningSteps: options.learnSpan > 0 ? commissioning.steps : 0)
    }
}
