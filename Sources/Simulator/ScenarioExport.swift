import Foundation
import PrognosCore

/// A scenario run of a whole plant written in the layout of NASA's C-MAPSS files, so that
/// `prognos eval forecast|anomalies --cmapss FILE` measure the world model on it as on C-MAPSS.
///
/// One unit per asset (in plant order), one row per `cycle` of simulated time while the asset
/// runs (a stopped machine is not scored by the daemon either, so the row after a stop is the
/// first of a warm-up): unit, cycle, 3 settings, 21 sensors, label — space-separated, as C-MAPSS,
/// plus the label column the C-MAPSS reader takes when present. The cycle counts `cycle`s since
/// the start, so the cycles in which a machine stood still are missing (C-MAPSS's engines never
/// stop, and their cycles follow one another). Settings are the asset's context
/// signals and sensors its modelled sensors, each padded with zeros (a column that never moves is
/// ignored by the model); label 1 while one of the asset's failure modes has started or failed,
/// 0 otherwise. Assets with more than 3 context signals or 21 modelled sensors are left out.
public enum ScenarioExport {
    public static let settingColumns = 3
    public static let sensorColumns = 21

    public struct Options: Sendable, Equatable {
        public var seed: UInt64
        /// Epoch seconds of simulated time zero.
        public var start: Double
        /// Simulated seconds to run.
        public var duration: Double
        /// Seconds between rows.
        public var cycle: Double
        /// Simulation step, seconds.
        public var step: Double
        /// Declare a level transmitter on every pump's suction tank (`Plant.declaringTankLevels`).
        public var tankLevels: Bool

        public init(
            seed: UInt64, start: Double, duration: Double, cycle: Double = 600, step: Double = 60,
            tankLevels: Bool = false
        ) {
            self.seed = seed
            self.start = start
            self.duration = duration
            self.cycle = cycle
            self.step = step
            self.tankLevels = tankLevels
        }
    }

    /// The file's text, the assets written (unit k is `units[k − 1]`) and those left out.
    public struct Export: Sendable, Equatable {
        public var text: String
        public var units: [String]
        public var leftOut: [String]
        public var rows: Int
    }

    /// Runs `scenario` (natural degradation as it says, else none) on `plant` and lays it out.
    public static func run(
        plant declared: Plant, scenario: Scenario, options: Options
    ) throws(SimulationError)
        -> Export
    {
        let plant = options.tankLevels ? declared.declaringTankLevels() : declared
        var sim = PlantSimulation(
            plant: plant,
            options: SimulationOptions(
                seed: options.seed, start: options.start, step: options.step,
                naturalDegradation: scenario.naturalDegradation ?? false))
        try sim.schedule(scenario)
        let fits = plant.assets.filter {
            $0.context.count <= settingColumns && $0.modelledSensors.count <= sensorColumns
        }
        let handles = fits.map { asset in
            (
                context: asset.context.compactMap { sim.handle(asset: asset.id, signal: $0.id) },
                sensors: asset.modelledSensors.compactMap { sim.handle(asset: asset.id, signal: $0.id) }
            )
        }
        var lines = [[String]](repeating: [], count: fits.count)
        var nextSample = options.cycle
        while sim.elapsed + 1e-9 < options.duration {
            sim.step()
            guard sim.elapsed + 1e-9 >= nextSample else { continue }
            let cycleNumber = Int((nextSample / options.cycle).rounded())
            nextSample += options.cycle
            for (k, asset) in fits.enumerated() where sim.status(of: asset.id) == .running {
                let settings = handles[k].context.map { sim.measuredValue($0) }
                let sensors = handles[k].sensors.map { sim.measuredValue($0) }
                guard (settings + sensors).allSatisfy({ $0?.isFinite == true }) else { continue }
                let degrading = sim.failureModes(of: asset.id).contains { $0.onset != nil || $0.failed }
                let padded =
                    settings.map { $0! } + zeros(settingColumns - settings.count) + sensors.map { $0! }
                    + zeros(sensorColumns - sensors.count)
                let fields = ["\(k + 1)", "\(cycleNumber)"] + padded.map(FleetExport.format)
                lines[k].append((fields + [degrading ? "1" : "0"]).joined(separator: " "))
            }
        }
        let rows = lines.reduce(0) { $0 + $1.count }
        return Export(
            text: lines.flatMap { $0 }.map { $0 + "\n" }.joined(), units: fits.map(\.id),
            leftOut: plant.assets.map(\.id).filter { id in !fits.contains { $0.id == id } }, rows: rows)
    }

    private static func zeros(_ count: Int) -> [Double] { [Double](repeating: 0, count: max(0, count)) }
}
