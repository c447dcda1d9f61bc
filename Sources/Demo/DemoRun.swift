import Commissioning
import Dispatch
import Foundation
import Lockstep
import Logging
import MQTT
import Orchestration
import PlantFile
import PrognosCore
import Store

/// `prognos demo`: the whole system on the demo plant — a broker, the simulator, the daemon and
/// the dashboard as child processes of the `prognos` executable — or, without a terminal, a run
/// of `spanHours` in turns (see `Lockstep`) and its report.
public struct DemoRun: Sendable {
    public var plant: Plant
    public var plantPath: String
    public var scenarioPath: String
    public var speed: Double
    public var seed: UInt64
    public var spanHours: Double
    public var folder: String
    /// The dashboard in the foreground (a terminal), else the report.
    public var interactive: Bool
    /// The `prognos` executable the children are started from.
    public var executable: String

    public init(
        plant: Plant, plantPath: String, scenarioPath: String, speed: Double, seed: UInt64, spanHours: Double,
        folder: String,
        interactive: Bool, executable: String
    ) {
        self.plant = plant
        self.plantPath = plantPath
        self.scenarioPath = scenarioPath
        self.speed = speed
        self.seed = seed
        self.spanHours = spanHours
        self.folder = folder
        self.interactive = interactive
        self.executable = executable
    }

    /// Where the report's plant clock starts: a Monday morning, the same for every run (the models
    /// learn the week before it).
    public static let reportStart: Double = 1_749_456_000  // 2025-06-09T08:00:00Z

    /// Runs the demo; `say` gets each progress line (and the report) as it happens.
    public func run(say: @escaping @Sendable (String) -> Void) async throws {
        // Told to stop, the demo stops what it started. In the foreground, Ctrl-C is the dashboard's
        // (it quits, and the demo then stops the rest as after `q`).
        let children = DemoChildren()
        if interactive { signal(SIGINT, SIG_IGN) }
        children.stopAll(on: interactive ? [SIGTERM, SIGHUP] : [SIGTERM, SIGHUP, SIGINT])
        let folderURL = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        try FileManager.default.createDirectory(at: folderURL, withIntermediateDirectories: true)
        let db = folderURL.appendingPathComponent("prognos.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let truth = folderURL.appendingPathComponent("truth.csv").path
        try? FileManager.default.removeItem(atPath: truth)

        // The broker: a config of the demo's own, on a free loopback port.
        let broker = try MosquittoBroker(folder: folderURL.path, persistence: false)
        children.add(broker.process)
        defer { broker.stop() }
        let port = broker.port
        let config = broker.configPath
        // Every device is polled each second: at 600× a 5 s poll would be 50 simulated minutes,
        // and the models would compare a meter's old reading with the pumps' current flow.
        let copy = try PlantHarness(plant: plantPath, brokerPort: port, directory: folderURL.path, pollInterval: "1s")
        let watch = "mosquitto_sub -h 127.0.0.1 -p \(port) -t 'prognos/#' -v"
        say("broker      mosquitto on 127.0.0.1:\(port); watch the alerts with: \(watch)")

        // The simulator and the daemon share one clock, `speed` times the wall's from `clockStart`:
        // everything the daemon stores is in simulated time, and its wear trends are per simulated day.
        // The report's clock starts at a fixed plant time and runs in turns (see `Lockstep`).
        let clockStart = interactive ? Date().timeIntervalSince1970.rounded(.up) + 1 : Self.reportStart
        let turns = interactive ? nil : folderURL.appendingPathComponent("turns").path
        if let turns { try Lockstep(folder: turns).reset() }

        // Commissioning: the models learn a simulated healthy week, as the live daemon will sample it.
        let started = Date()
        var learning = Commissioning.Options()
        learning.speed = speed
        learning.step = speed
        // The machines integrated at the sampling step, as when the README's report was recorded:
        // the finer physics of `Commissioning.Options.physicsStep` moves five lines of it (the
        // owner's call, see docs/daemon.md "The drift scenario through the daemon").
        learning.physicsStep = speed
        learning.seed = seed
        learning.end = clockStart - 1
        let plantCopy = try PlantFileLoader.load(path: copy.plantPath)
        let learnt = try await Commissioning.learnFromSimulation(
            plant: plantCopy, store: try Store.open(path: db), options: learning)
        say(
            "learnt      \(learnt.assets.count) world models from a simulated healthy week in \(String(format: "%.0f", Date().timeIntervalSince(started))) s"
        )

        // The plant has been running for hours when the daemon first sees it (--warm-up); physics in
        // 10 s steps is plenty for a daemon that samples every 10 simulated minutes (one wall second).
        var simulate = [
            "simulate", copy.plantPath, "--speed", "\(speed)", "--seed", "\(seed)", "--scenario", scenarioPath,
            "--truth", truth,
            "--clock-start", "\(clockStart)", "--warm-up", "6h", "--step", "10s", "--report-maintenance", db,
        ]
        var run = ["run", copy.plantPath, "--db", db, "--clock-speed", "\(speed)", "--clock-start", "\(clockStart)"]
        if let turns {
            simulate += ["--lockstep", turns, "--turn", "\(Int(speed))s", "--duration", "\(Int(spanHours * 3600))s"]
            run += ["--lockstep", turns]
        }
        let simulator = children.add(
            try ChildProcess(executable, simulate, outputPath: folderURL.appendingPathComponent("simulate.log").path))
        defer { simulator.stop() }
        let daemon = children.add(
            try ChildProcess(executable, run, outputPath: folderURL.appendingPathComponent("daemon.log").path))
        defer { daemon.stop() }
        say("running     simulator at \(Int(speed))× with scenario \(scenarioPath); daemon on \(db)")

        let alerts = AlertCounter()
        var quiet = Logger(label: "prognos.demo")
        quiet.logLevel = .warning
        let listener = try MQTTClient(options: MQTTClientOptions(host: "127.0.0.1", port: port), logger: quiet)
        listener.onMessage { message in alerts.record(message) }
        try listener.subscribe("prognos/+/+/alarm", qos: .atLeastOnce)
        listener.start()
        defer { listener.close() }

        if interactive {
            let dashboard = children.add(
                try ChildProcess(executable, ["dashboard", "--db", db, "--plant", copy.plantPath], foreground: true))
            _ = dashboard.wait(timeout: .infinity)
        } else {
            say("simulating  \(plainNumber(spanHours)) h in turns of \(Int(speed / 60)) simulated minutes")
            // The simulator ends after its last turn; a stuck turn ends the demo after an hour.
            let status = simulator.wait(timeout: 3600)
            if let status, status != 0 {
                let log = folderURL.appendingPathComponent("simulate.log").path
                let tail = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(5)
                throw DemoError(
                    "the simulator stopped with status \(status) before the report's \(plainNumber(spanHours)) h:\n"
                        + tail.joined(separator: "\n") + "\n(all of it in \(log))")
            }
        }

        daemon.signal(SIGTERM)
        _ = daemon.wait(timeout: 30)
        try await Task.sleep(for: .milliseconds(500))
        simulator.stop()
        let store = try Store.openReadOnly(path: db)
        let summary = try await DemoReport.make(
            truthCSV: (try? String(contentsOfFile: truth, encoding: .utf8)) ?? "", store: store, plant: plant,
            start: clockStart, received: alerts.eventIDs)
        if !interactive { say(summary) }
        say("stopped     everything the demo started; database: \(db)")
        say("alerts      \(watch)   (start the broker again with: mosquitto -c \(config))")
    }
}

/// Counts the alarm messages that reached a subscriber, by event id.
final class AlertCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [String] = []

    func record(_ message: MQTTMessage) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any],
            let id = object["event_id"] as? String
        else { return }
        lock.lock()
        ids.append(id)
        lock.unlock()
    }

    var eventIDs: [String] {
        lock.lock()
        defer { lock.unlock() }
        return ids
    }
}

/// The demo could not run to its report.
public struct DemoError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
