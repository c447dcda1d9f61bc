import ArgumentParser
import Foundation
import Lockstep
import Logging
import MQTT
import PrognosCore
import Simulator
import Store

/// `prognos simulate PLANT.yaml`: a simulated plant served over Modbus TCP and MQTT, or offline
/// run-to-failure fleets exported as C-MAPSS-like CSV files.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a plant: serve its Modbus devices and MQTT sensors, or export run-to-failure fleets.",
        discussion: """
            Serving: every Modbus TCP device of the plant answers on its configured host and port with \
            the plant's register map, and every MQTT sensor is published (retained) to its broker, while \
            the physics runs --speed simulated seconds per second. Fault onsets, failures, repairs and \
            sensor faults are logged as they happen and written to --truth. Stop with Ctrl-C.

            Export: --export DIR writes DIR/<asset type>.csv for every asset type, --units run-to-failure \
            histories each (unit, hour, settings, sensors, failure_hour, failure_mode).
            """)

    @Argument(help: "The plant file (YAML).") var plant: String
    @Option(help: "Seed of everything random: the same seed gives the same run.") var seed: UInt64 = 1
    @Option(help: "Simulated seconds per wall-clock second (3600: an hour per second).") var speed: Double = 1
    @Option(help: "Simulated time to run, e.g. 2h or 30d (default: until stopped).") var duration: String?
    @Option(help: "Simulation step (serving default 1s; --export uses 10m unless given).") var step: String = "1s"
    @Option(help: "Scenario file of scheduled faults, duty changes and actions (YAML).") var scenario: String?
    @Option(help: "Write every fault onset, failure, repair and sensor fault to this CSV file.") var truth: String?
    @Option(
        help: ArgumentHelp(
            "Report each maintenance job of the scenario as done in this Prognos database when it ends.",
            discussion:
                "As an engineer would with `prognos maintenance done`: the daemon running on the database adopts it."
        )) var reportMaintenance: String?
    @Option(help: "Simulated start time, ISO 8601 or epoch seconds (default: now).") var start: String?
    @Option(
        help:
            "Start the simulated clock at this wall instant (epoch seconds) and keep pace with it: simulated time = start + (now − start) × speed, the clock `prognos run --clock-speed --clock-start` lives by."
    )
    var clockStart: Double?
    @Option(
        help:
            "Run the plant this long (e.g. 6h) before serving it, so it is served as a plant that has been running, not one that has just been switched on; the scenario's times count from the end of it."
    )
    var warmUp: String = "0s"
    @Option(
        help:
            "Take turns with `prognos run --lockstep FOLDER` instead of keeping pace with the wall clock: serve the plant at each --turn of simulated time and wait for the daemon before the next (needs --clock-start)."
    )
    var lockstep: String?
    @Option(help: "With --lockstep: simulated time between turns.") var turn: String = "10m"
    @Flag(help: "No natural degradation: only what the scenario schedules happens.") var noDegradation = false
    @Option(help: "Random sensor faults per sensor and simulated year.") var sensorFaultRate: Double = 0
    @Flag(help: "Do not serve Modbus.") var noModbus = false
    @Flag(help: "Do not publish MQTT.") var noMqtt = false
    @Option(help: "Log level (trace … critical).") var logLevel: Logger.Level = .info
    @Option(help: "Export run-to-failure histories to this directory instead of serving.") var export: String?
    @Option(help: "With --export: units per asset type.") var units: Int = 20
    @Option(help: "With --export or --export-cmapss: time between rows (default 1h).") var cycle: String = "1h"
    @Option(
        help: ArgumentHelp(
            "Run --scenario for --duration and write it to this file in C-MAPSS's layout with a label column, instead of serving.",
            discussion:
                "One unit per asset, one row per --cycle while it runs; `prognos eval forecast|anomalies --cmapss FILE` read it (see docs/world-model.md)."
        )) var exportCmapss: String?
    @Flag(
        help:
            "With --export-cmapss: declare a level transmitter on every pump's suction tank (context signal suction_level) where the plant file has none."
    )
    var tankLevels = false

    func validate() throws {
        guard speed > 0, speed.isFinite else { throw ValidationError("--speed must be a positive number") }
        guard let stepSeconds = parseDuration(step), stepSeconds > 0 else {
            throw ValidationError("--step is a duration such as 1s or 10m")
        }
        if let duration, parseDuration(duration) == nil {
            throw ValidationError("--duration is a duration such as 2h or 30d")
        }
        guard parseDuration(warmUp) != nil else { throw ValidationError("--warm-up is a duration such as 6h") }
        guard let cycleSeconds = parseDuration(cycle), cycleSeconds >= stepSeconds || export == nil else {
            throw ValidationError("--cycle is a duration at least one --step long")
        }
        if let start, parseTimeArgument(start) == nil {
            throw ValidationError("--start is ISO 8601 (2025-01-01T00:00:00Z) or epoch seconds")
        }
        if start != nil, clockStart != nil {
            throw ValidationError("--clock-start is the simulated start too: give one of --start and --clock-start")
        }
        if exportCmapss != nil, duration.flatMap(parseDuration) == nil {
            throw ValidationError("--export-cmapss needs --duration (e.g. 28d)")
        }
        guard units > 0 else { throw ValidationError("--units must be positive") }
        if lockstep != nil, clockStart == nil {
            throw ValidationError("--lockstep needs --clock-start (the plant time the turns start at)")
        }
        if lockstep != nil, noModbus && noMqtt {
            throw ValidationError("--lockstep serves the plant: drop --no-modbus or --no-mqtt")
        }
        guard let turnSeconds = parseDuration(turn), turnSeconds > 0 else {
            throw ValidationError("--turn is a duration such as 10m")
        }
        guard sensorFaultRate >= 0 else { throw ValidationError("--sensor-fault-rate cannot be negative") }
    }

    func run() async throws {
        StandardOutput.endQuietlyWhenTheReaderLeaves()
        let loaded = try loadPlantOrExit(plant)
        if let export {
            try runExport(loaded, to: export)
            return
        }
        bootstrapLogging(level: logLevel)
        let logger = Logger(label: "prognos.simulate")
        var natural = !noDegradation
        let loadedScenario = try scenario.map { try loadScenarioOrExit($0, for: loaded) }
        if let flag = loadedScenario?.naturalDegradation { natural = flag && !noDegradation }
        let startTime = clockStart ?? start.flatMap(parseTimeArgument) ?? Date().timeIntervalSince1970.rounded(.down)
        if let exportCmapss {
            try runScenarioExport(loaded, scenario: loadedScenario, start: startTime, to: exportCmapss)
            return
        }
        let warmUpSeconds = parseDuration(warmUp) ?? 0
        let options = SimulationOptions(
            seed: seed, start: startTime - warmUpSeconds, step: parseDuration(step) ?? 1, naturalDegradation: natural,
            sensorFaultsPerYear: sensorFaultRate)
        var simulation = PlantSimulation(plant: loaded, options: options)
        // A plant switched on settles for an hour or two (temperatures, duty); a served plant has been running.
        simulation.advance(by: warmUpSeconds)
        if let loadedScenario {
            try loadedScenario.validate(against: loaded)
            simulation.schedule(
                loadedScenario.events.map { event in
                    var shifted = event.event
                    shifted.at += simulation.elapsed
                    return shifted
                })
        }
        let truthLog: TruthLog?
        do {
            truthLog = try truth.map { try TruthLog(path: $0) }
        } catch {
            printError("prognos simulate: \(error)")
            throw ExitCode(1)
        }
        let server: PlantServer
        do {
            server = try PlantServer(simulation: simulation, logger: logger, modbus: !noModbus, mqtt: !noMqtt)
        } catch {
            printError("prognos simulate: \(error)")
            throw ExitCode(1)
        }
        defer { server.stop() }
        let devices = server.ports.sorted { $0.key < $1.key }.map { "\($0.key) :\($0.value)" }.joined(separator: ", ")
        StandardOutput.line(
            "prognos simulate: \(loaded.site.id), \(loaded.assets.count) assets, seed \(seed), \(speed)× real time")
        if !noModbus { StandardOutput.line("  Modbus  \(devices)") }
        if !noMqtt {
            StandardOutput.line(
                "  MQTT    " + loaded.brokers.map { "\($0.id) \($0.host):\($0.port)" }.joined(separator: ", "))
        }
        if let loadedScenario {
            StandardOutput.line("  scenario \(loadedScenario.name): \(loadedScenario.events.count) events")
        }
        if let truth { StandardOutput.line("  truth   \(truth)") }
        var runner = SimulationRunner(
            speed: speed, duration: duration.flatMap(parseDuration), logger: logger, anchor: clockStart)
        if let reportMaintenance {
            let store = try Store.open(path: reportMaintenance)
            let log = logger
            runner.maintenanceDone = { job in
                do {
                    _ = try await store.recordMaintenance(
                        MaintenanceRecord(
                            asset: job.asset, action: job.action, doneAt: job.doneAt, recordedBy: "simulator",
                            recordedAt: job.doneAt, note: "the scenario's job, reported as it ended"))
                } catch {
                    log.error(
                        "Cannot report the maintenance", metadata: ["asset.id": "\(job.asset)", "error": "\(error)"])
                }
            }
        }
        if let lockstep {
            await runner.run(
                &simulation, server: server, truth: truthLog, lockstep: Lockstep(folder: lockstep),
                turn: parseDuration(turn) ?? 600)
        } else {
            await runner.run(&simulation, server: server, truth: truthLog)
        }
        StandardOutput.line(
            "prognos simulate: simulated \(String(format: "%.1f", simulation.elapsed / 3600)) h, \(simulation.events.count) events"
        )
    }

    private func runExport(_ plant: Plant, to directory: String) throws {
        let options = FleetExport.Options(
            units: units, seed: seed, cycle: parseDuration(cycle) ?? 3600,
            step: step == "1s" ? 600 : (parseDuration(step) ?? 600))
        do {
            let written = try FleetExport.write(plant: plant, to: directory, options: options)
            for file in written {
                StandardOutput.line(
                    "\(file.path): \(file.units) units (\(file.failed) run to failure), \(file.rows) rows")
            }
        } catch {
            printError("prognos simulate: \(error)")
            throw ExitCode(1)
        }
    }

    private func runScenarioExport(_ plant: Plant, scenario: Scenario?, start: Double, to path: String) throws {
        let options = ScenarioExport.Options(
            seed: seed, start: start, duration: duration.flatMap(parseDuration) ?? 0,
            cycle: parseDuration(cycle) ?? 3600, step: step == "1s" ? 60 : (parseDuration(step) ?? 60),
            tankLevels: tankLevels)
        do {
            let export = try ScenarioExport.run(
                plant: plant, scenario: scenario ?? Scenario(name: "none", events: []), options: options)
            guard FileManager.default.createFile(atPath: path, contents: Data(export.text.utf8)) else {
                throw SimulationError("cannot write \(path)")
            }
            StandardOutput.line(
                "\(path): \(export.units.count) units (\(export.units.joined(separator: ", "))), \(export.rows) rows")
            if !export.leftOut.isEmpty {
                StandardOutput.line(
                    "left out (more than 3 context signals or 21 sensors): \(export.leftOut.joined(separator: ", "))")
            }
        } catch {
            printError("prognos simulate: \(error)")
            throw ExitCode(1)
        }
    }
}

/// A scenario file checked against the plant, or its problems on standard error and exit 2.
func loadScenarioOrExit(_ path: String, for plant: Plant) throws -> Scenario {
    do {
        let parsed = try Scenario.load(path: path)
        try parsed.validate(against: plant)
        return parsed
    } catch let error as ScenarioError {
        printError(error.description)
        throw ExitCode(2)
    } catch {
        printError("\(error)")
        throw ExitCode(2)
    }
}
