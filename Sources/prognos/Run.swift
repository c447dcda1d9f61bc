import ArgumentParser
import Daemon
import Lockstep
import Logging
import PlantRuntime
import PrognosCore
import ServiceLifecycle
import UnixSignals

/// `prognos run PLANT.yaml --db FILE`: the plant-floor daemon.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the plant-floor daemon: collect, model, alarm, store and publish.",
        discussion: """
            Reads every sensor of the plant, keeps a world model per asset (restored from the database \
            when one was saved), raises ISA-18.2 alarms, writes everything to the SQLite database and \
            publishes alarms (QoS 1, through an outbox) and retained asset states to the plant's first \
            MQTT broker. SIGTERM or SIGINT drain, flush and exit 0; SIGHUP reloads the plant file.
            """)

    @Argument(help: "The plant file (YAML).") var plant: String
    @Option(help: "The SQLite database (created if missing).") var db: String
    @Option(help: "Seconds between model steps (wall clock).") var stepInterval: Double = 1
    @Option(help: "Steps taken as healthy history before the first fit (when no snapshot exists).") var trainingSteps =
        600
    @Option(
        help:
            "And at least this many hours of the plant's running time (a normal learnt from less than a week flags the plant's week)."
    )
    var trainingHours: Double = 168
    @Option(help: "Seconds a signal may go without a good value before the communication alarm (wall clock).")
    var staleAfter: Double = 10
    @Option(help: "Median RUL below this many hours raises an RUL alarm.") var rulAlarmHours: Double = 168
    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).") var logLevel: Logger.Level =
        .info
    @Option(help: "Against a simulator run with the same --clock-start: plant seconds per wall second.") var clockSpeed:
        Double = 1
    @Option(
        help:
            "With --clock-speed: the wall instant (epoch seconds) at which the plant's clock starts, as given to `prognos simulate --clock-start`."
    )
    var clockStart: Double?
    @Option(
        help:
            "With --clock-start: take turns with `prognos simulate --lockstep FOLDER` on its clock (the folder both use), so that what the daemon decides depends on the simulation alone."
    )
    var lockstep: String?
    @Option(
        help:
            "Serve Prometheus metrics, /healthz and /readyz on HOST:PORT (PORT alone: on 127.0.0.1); overrides the plant file's metrics: listen."
    )
    var metrics: String?

    func validate() throws {
        guard trainingHours >= 0, trainingHours.isFinite else {
            throw ValidationError("--training-hours cannot be negative")
        }
        guard clockSpeed > 0, clockSpeed.isFinite else {
            throw ValidationError("--clock-speed must be a positive number")
        }
        if clockSpeed != 1, clockStart == nil {
            throw ValidationError("--clock-speed needs --clock-start (the simulator's)")
        }
        if lockstep != nil, clockStart == nil {
            throw ValidationError("--lockstep needs --clock-start (the simulator's)")
        }
        if let metrics, case .failure(let error) = ListenAddress.parse(metrics) {
            throw ValidationError("--metrics \(error.reason)")
        }
    }

    func run() async throws {
        let loaded = try loadPlantOrExit(plant)
        bootstrapLogging(level: logLevel)
        var logger = Logger(label: "prognos")
        logger[metadataKey: "site"] = "\(loaded.site.id)"
        var options = PlantDaemon.Options(plantPath: plant, databasePath: db)
        let clock = clockStart.map { PlantClock(speed: clockSpeed, start: $0) } ?? .wall
        options.clock = clock
        options.lockstep = lockstep.map(Lockstep.init(folder:))
        options.metrics = metrics.flatMap { try? ListenAddress.parse($0).get() }
        options.runtime.stepInterval = stepInterval
        options.runtime.trainingSteps = trainingSteps
        options.runtime.trainingSpan = trainingHours * 3600
        options.runtime.staleAfter = staleAfter
        // The runtimes count in the plant's seconds; their cadences and delays are the machinery's.
        options.runtime = options.runtime.onClock(clock)
        options.runtime.rulAlarmHorizon = rulAlarmHours * 3600
        let daemon: PlantDaemon
        do {
            daemon = try PlantDaemon(options: options, plant: loaded, logger: logger)
        } catch let error as PlantDaemon.StartError {
            printError("prognos run: \(error)")
            throw ExitCode(1)
        } catch {
            printError("prognos run: cannot open \(db): \(error)")
            throw ExitCode(1)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: daemon)], gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [], logger: logger))
        try await group.run()
    }
}
