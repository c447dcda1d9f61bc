import ArgumentParser
import Demo
import Foundation
import PrognosCore

/// `prognos demo`: the whole system on the demo plant, in one command (see `DemoRun`).
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole system on the demo plant: broker, simulator, daemon and dashboard.",
        discussion: """
            Starts a mosquitto broker on a free loopback port (with a config written into --folder), \
            learns the world models from a simulated healthy week, serves the plant from the simulator \
            at --speed with the --scenario's faults (a bearing that wears, a filter that clogs, a sensor \
            that drifts), runs the daemon on a database in --folder, and opens the dashboard. Quitting \
            the dashboard stops everything the demo started. Without a terminal (CI, a pipe) it runs \
            --span of simulated time instead and prints a report: faults injected, when each was \
            flagged, what the planner proposed, and the alerts delivered. The report's run starts \
            at a fixed plant time, and the simulator and the daemon take turns on its clock (ten \
            simulated minutes a turn) instead of keeping pace with the wall: the same seed gives \
            the same report on a quiet or a loaded machine.
            """)

    @Option(help: "The plant file.") var plant = "Plants/demo.yaml"
    @Option(help: "The scenario of faults, duty changes and actions.") var scenario = "Plants/scenarios/demo.yaml"
    @Option(help: "Simulated seconds per second.") var speed: Double = 600
    @Option(help: "Seed of the simulation (the same seed, the same plant and faults).") var seed: UInt64 = 1
    @Option(help: "Without a terminal: hours of simulated time to run before the report.") var spanHours: Double = 8
    @Option(help: "Folder for the database, the logs and the broker's config.") var folder = "demo"
    @Flag(help: "Print the report instead of opening the dashboard, even on a terminal.") var report = false

    func run() async throws {
        let loaded = try loadPlantOrExit(plant)
        let demo = DemoRun(
            plant: loaded, plantPath: plant, scenarioPath: scenario, speed: speed, seed: seed, spanHours: spanHours,
            folder: folder,
            interactive: !report && isatty(0) == 1 && isatty(1) == 1,
            executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path)
        do {
            try await demo.run(say: StandardOutput.line)
        } catch {
            printError("prognos demo: \(error)")
            throw ExitCode(1)
        }
    }
}
