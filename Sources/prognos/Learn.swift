import ArgumentParser
import Commissioning
import Daemon
import Foundation
import PrognosCore
import Store

/// `prognos learn PLANT.yaml --db FILE --from-simulation`: commission the world models.
struct Learn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit every asset's world model on simulated healthy history and save it to the database.",
        discussion: """
            Commissioning without waiting: runs the plant's simulator offline for --days of healthy \
            operation sampled as the live daemon will see it (each device's poll interval × --speed), \
            fits the models and stores them as snapshots. `prognos run` then restores them and scores \
            from its first step. Without it, the daemon learns from its first --training-steps of live data.
            """)

    @Argument(help: "The plant file (YAML).") var plant: String
    @Option(help: "The daemon's SQLite database (created if missing).") var db: String
    @Flag(help: "Learn from the plant simulator (the only source for now).") var fromSimulation = false
    @Option(help: "Days of simulated healthy operation to learn from.") var days: Double = 7
    @Option(help: "Speed the live simulator will run at (simulated seconds per second).") var speed: Double = 600
    @Option(help: "The live daemon's step interval, in seconds.") var stepInterval: Double = 1
    @Option(help: "Seed of the simulated history.") var seed: UInt64 = 1

    func validate() throws {
        guard fromSimulation else {
            throw ValidationError("give --from-simulation (the only source of history for now)")
        }
        guard days > 0, speed > 0, stepInterval > 0 else {
            throw ValidationError("--days, --speed and --step-interval must be positive")
        }
    }

    func run() async throws {
        let loaded = try loadPlantOrExit(plant)
        let store = try Store.open(path: db)
        var options = Commissioning.Options()
        options.span = days * 86_400
        options.step = stepInterval * speed
        options.speed = speed
        options.seed = seed
        let started = Date()
        let result = try await Commissioning.learnFromSimulation(plant: loaded, store: store, options: options)
        print(
            "learnt \(result.assets.count) world models from \(result.steps) steps (\(Int(days)) simulated days, one step every \(Int(options.step)) s) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
        )
    }
}
