import ArgumentParser
import Commissioning
import Evaluation
import Foundation
import LinearAlgebra
import PlantRuntime
import PrognosCore
import Simulator

/// `prognos eval alarms PLANT.yaml --scenario FILE`: the alarms the daemon would raise on a
/// simulated scenario, at its own cadence (see `Rehearsal`).
struct EvalAlarms: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alarms",
        abstract:
            "Run the daemon's runtimes through a simulated scenario offline, at their own cadence, and count the alarms raised.",
        discussion: """
            The models are commissioned as `prognos learn --from-simulation` does, on --learn-days of \
            healthy history ending at --start (0: learnt from the first live steps, as by a daemon \
            without commissioning); then the scenario runs for --duration and every asset's runtime \
            takes the simulator's readings as the daemon's collectors would see them, one model step \
            per --speed simulated seconds (1: the daemon of a plant, one step a second). Nothing is \
            served or stored; the scenario's maintenance is reported to the runtimes when each job \
            ends, as an engineer would (--unreported-maintenance: never). A healthy scenario's \
            alarms are false alarms: `--scenario Plants/scenarios/drift.yaml --start \
            2025-04-01T00:00:00Z --duration 28d` measures issue 18's "< 1 alarm per asset-week".
            """)

    @Argument(help: "The plant file (YAML).") var plant: String
    @Option(help: "Scenario file (YAML); default: the healthy plant, nothing scheduled.") var scenario: String?
    @Option(help: "Simulated start of the scenario, ISO 8601 or epoch seconds.") var start: String =
        "2025-04-01T00:00:00Z"
    @Option(help: "Simulated time to run the scenario, e.g. 7d.") var duration: String = "7d"
    @Option(help: "The daemon's clock speed: one model step per this many simulated seconds.") var speed: Double = 1
    @Option(help: "Days of healthy history to commission the models on (0: learn from the first live steps).")
    var learnDays: Double = 7
    @Option(help: "Seed of the simulated history and of the scenario's run.") var seed: UInt64 = 1
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @Option(help: "Seconds of plant time a deviation must hold before its alarm is raised (default: the daemon's).")
    var deviationOnDelay = RuntimeConfiguration().deviationOnDelayInPlantTime
    @Option(help: "Seconds of plant time a deviation must be clear before its alarm returns (default: the daemon's).")
    var deviationOffDelay = RuntimeConfiguration().deviationOffDelayInPlantTime
    @Option(help: "With --learn-days 0: hours of running the first fit waits for (default: the daemon's).")
    var trainingHours = RuntimeConfiguration().trainingSpan / 3600
    @Option(help: "Consecutive rows in each block the decimated histories keep (default: the daemon's).")
    var historyBlock = RuntimeConfiguration().historyBlock
    @Option(help: "Plant seconds between refits on recent healthy history (0: never; default: the daemon's).")
    var refitInterval = RuntimeConfiguration().refitInterval
    @Flag(help: "Do not report the scenario's maintenance to the runtimes (a plant where nobody tells Prognos).")
    var unreportedMaintenance = false

    func validate() throws {
        guard speed > 0, speed.isFinite else { throw ValidationError("--speed must be a positive number") }
        guard let seconds = parseDuration(duration), seconds > 0 else {
            throw ValidationError("--duration is a duration such as 7d")
        }
        guard parseTimeArgument(start) != nil else {
            throw ValidationError("--start is ISO 8601 (2025-04-01T00:00:00Z) or epoch seconds")
        }
        guard learnDays >= 0, learnDays.isFinite, trainingHours >= 0, trainingHours.isFinite else {
            throw ValidationError("--learn-days and --training-hours cannot be negative")
        }
    }

    func run() async throws {
        BLASThreads.useSingleThread()
        let loaded = try loadPlantOrExit(plant)
        let parsed =
            try scenario.map { try loadScenarioOrExit($0, for: loaded) } ?? Scenario(name: "healthy", events: [])
        var options = Rehearsal.Options(
            scenario: parsed, start: parseTimeArgument(start) ?? 0, duration: parseDuration(duration) ?? 0)
        options.speed = speed
        options.learnSpan = learnDays * 86_400
        options.reportsMaintenance = !unreportedMaintenance
        options.seed = seed
        options.runtime.deviationOnDelayInPlantTime = deviationOnDelay
        options.runtime.deviationOffDelayInPlantTime = deviationOffDelay
        options.runtime.refitInterval = refitInterval
        options.runtime.trainingSpan = trainingHours * 3600
        options.runtime.historyBlock = max(1, historyBlock)
        let clock = ContinuousClock()
        let began = clock.now
        let result: Rehearsal.Result
        do {
            result = try Rehearsal.run(plant: loaded, options: options)
        } catch {
            printError("prognos eval alarms: \(error)")
            throw ExitCode(1)
        }
        let seconds = (clock.now - began).inSeconds
        switch format {
        case .json: try printJSON(result, scenario: parsed.name, seconds: seconds)
        case .text: printText(result, scenario: parsed.name, seconds: seconds)
        }
    }

    private func assetWeeks(_ result: Rehearsal.Result) -> Double {
        Double(result.assets.count) * result.days / 7
    }

    private func printText(_ result: Rehearsal.Result, scenario: String, seconds: Double) {
        let learnt =
            result.commissioningSteps > 0
            ? "commissioned on \(formatted(learnDays)) days (\(result.commissioningSteps) steps)"
            : "learning from its first live steps"
        print(
            "\(plant) through \(scenario): \(formatted(result.days)) days from \(start), one model step every \(formatted(speed)) s, \(learnt)"
        )
        print("asset             steps  flagged  deviation alarms  other alarms")
        for tally in result.assets {
            let flagged = tally.steps > 0 ? 100 * Double(tally.flaggedSteps) / Double(tally.steps) : 0
            let others = otherAlarms(tally.raised)
            print(
                "\(tally.asset.padding(toLength: 16, withPad: " ", startingAt: 0)) \(String(format: "%7d  %6.2f %%  %16d", tally.steps, flagged, tally.deviationAlarms))  \(others.isEmpty ? "-" : others)"
            )
        }
        let deviations = result.assets.reduce(0) { $0 + $1.deviationAlarms }
        let steps = result.assets.reduce(0) { $0 + $1.steps }
        let flagged = result.assets.reduce(0) { $0 + $1.flaggedSteps }
        let others = otherAlarms(total(result))
        print(
            "all \(result.assets.count) assets: \(deviations) deviation alarms, \(String(format: "%.2f", Double(deviations) / assetWeeks(result))) per asset-week; \(String(format: "%.2f", steps > 0 ? 100 * Double(flagged) / Double(steps) : 0)) % of steps flagged; other alarms: \(others.isEmpty ? "none" : others) (\(String(format: "%.0f", seconds)) s)"
        )
    }

    private func printJSON(_ result: Rehearsal.Result, scenario: String, seconds: Double) throws {
        let deviations = result.assets.reduce(0) { $0 + $1.deviationAlarms }
        let assets: [[String: Any]] = result.assets.map { tally in
            [
                "asset": tally.asset, "steps": tally.steps, "flagged_steps": tally.flaggedSteps, "raised": tally.raised,
                "deviation_alarms": tally.deviations.map { ["time": isoTime($0.time), "message": $0.message] },
                "other_alarms": tally.alarms.filter { $0.kind != .deviation }.map {
                    ["kind": $0.kind.rawValue, "time": isoTime($0.time), "message": $0.message]
                },
                "maintenance_reported": tally.maintenance.map { ["action": $0.action, "time": isoTime($0.doneAt)] },
            ]
        }
        try EvalData.printJSON([
            "plant": plant, "scenario": scenario, "start": start, "days": result.days, "speed": speed,
            "learn_days": learnDays, "commissioning_steps": result.commissioningSteps, "assets": assets,
            "deviation_alarms": deviations, "deviation_alarms_per_asset_week": Double(deviations) / assetWeeks(result),
            "raised": total(result), "seconds": seconds,
        ])
    }

    private func total(_ result: Rehearsal.Result) -> [String: Int] {
        result.assets.reduce(into: [:]) { sum, tally in sum.merge(tally.raised, uniquingKeysWith: +) }
    }

    private func otherAlarms(_ raised: [String: Int]) -> String {
        raised.filter { $0.key != AlarmKind.deviation.rawValue }.sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    private func formatted(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
    }
}
