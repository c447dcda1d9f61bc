import ArgumentParser
import Daemon
import Foundation
import Lockstep
import Logging
import MQTT
import PrognosCore
import Store
import TestSupport

/// `prognos demo`: the whole system on the demo plant, in one command.
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
        let original = try loadPlantOrExit(plant)
        let interactive = !report && isatty(0) == 1 && isatty(1) == 1
        // Told to stop, the demo stops what it started. In the foreground, Ctrl-C is the dashboard's
        // (it quits, and the demo then stops the rest as after `q`).
        let children = DemoChildren()
        if interactive { signal(SIGINT, SIG_IGN) }
        children.stopAll(on: interactive ? [SIGTERM, SIGHUP] : [SIGTERM, SIGHUP, SIGINT])
        let self_ = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let folderURL = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        try FileManager.default.createDirectory(at: folderURL, withIntermediateDirectories: true)
        let db = folderURL.appendingPathComponent("prognos.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let truth = folderURL.appendingPathComponent("truth.csv").path
        try? FileManager.default.removeItem(atPath: truth)

        // The broker: a config of the demo's own, on a free loopback port.
        let port = Loopback.freePort()
        let config = folderURL.appendingPathComponent("mosquitto.conf").path
        try "listener \(port) 127.0.0.1\nallow_anonymous true\n".write(toFile: config, atomically: true, encoding: .utf8)
        let broker = children.add(try ChildProcess(Peers.findExecutable("mosquitto"), ["-c", config], outputPath: folderURL.appendingPathComponent("mosquitto.log").path))
        defer { broker.stop() }
        guard Loopback.waitUntilListening(port: port) else {
            printError("prognos demo: mosquitto did not start (see \(folder)/mosquitto.log)")
            throw ExitCode(1)
        }
        // Every device is polled each second: at 600× a 5 s poll would be 50 simulated minutes,
        // and the models would compare a meter's old reading with the pumps' current flow.
        let copy = try PlantHarness(plant: plant, brokerPort: port, directory: folderURL.path, pollInterval: "1s")
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
        learning.seed = seed
        learning.end = clockStart - 1
        let plantCopy = try loadPlantOrExit(copy.plantPath)
        let learnt = try await Commissioning.learnFromSimulation(plant: plantCopy, store: try Store.open(path: db), options: learning)
        say("learnt      \(learnt.assets.count) world models from a simulated healthy week in \(String(format: "%.0f", Date().timeIntervalSince(started))) s")

        // The plant has been running for hours when the daemon first sees it (--warm-up); physics in
        // 10 s steps is plenty for a daemon that samples every 10 simulated minutes (one wall second).
        var simulate = [
            "simulate", copy.plantPath, "--speed", "\(speed)", "--seed", "\(seed)", "--scenario", scenario, "--truth", truth,
            "--clock-start", "\(clockStart)", "--warm-up", "6h", "--step", "10s",
        ]
        var run = ["run", copy.plantPath, "--db", db, "--clock-speed", "\(speed)", "--clock-start", "\(clockStart)"]
        if let turns {
            simulate += ["--lockstep", turns, "--turn", "\(Int(speed))s", "--duration", "\(Int(spanHours * 3600))s"]
            run += ["--lockstep", turns]
        }
        let simulator = children.add(try ChildProcess(self_, simulate, outputPath: folderURL.appendingPathComponent("simulate.log").path))
        defer { simulator.stop() }
        let daemon = children.add(try ChildProcess(self_, run, outputPath: folderURL.appendingPathComponent("daemon.log").path))
        defer { daemon.stop() }
        say("running     simulator at \(Int(speed))× with scenario \(scenario); daemon on \(db)")

        let alerts = AlertCounter()
        var quiet = Logger(label: "prognos.demo")
        quiet.logLevel = .warning
        let listener = try MQTTClient(options: MQTTClientOptions(host: "127.0.0.1", port: port), logger: quiet)
        listener.onMessage { message in alerts.record(message) }
        try listener.subscribe("prognos/+/+/alarm", qos: .atLeastOnce)
        listener.start()
        defer { listener.close() }

        if interactive {
            let dashboard = children.add(try ChildProcess(self_, ["dashboard", "--db", db, "--plant", copy.plantPath], foreground: true))
            _ = dashboard.wait(timeout: .infinity)
        } else {
            say("simulating  \(format(spanHours)) h in turns of \(Int(speed / 60)) simulated minutes")
            // The simulator ends after its last turn; a stuck turn ends the demo after an hour.
            _ = simulator.wait(timeout: 3600)
        }

        daemon.signal(SIGTERM)
        _ = daemon.wait(timeout: 30)
        try await Task.sleep(for: .milliseconds(500))
        simulator.stop()
        let store = try Store.openReadOnly(path: db)
        let summary = try await DemoReport.make(
            truthCSV: (try? String(contentsOfFile: truth, encoding: .utf8)) ?? "", store: store, plant: original,
            start: clockStart, received: alerts.eventIDs)
        if !interactive { say(summary) }
        say("stopped     everything the demo started; database: \(db)")
        say("alerts      \(watch)   (start the broker again with: mosquitto -c \(config))")
    }

    /// Where the report's plant clock starts: a Monday morning, the same for every run (the models
    /// learn the week before it).
    static let reportStart: Double = 1_749_456_000  // 2025-06-09T08:00:00Z

    /// A progress line, written at once (a log or a pipe sees it as it happens, not when the demo ends).
    private func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
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

/// A number as people write it: 600, 0.5.
func format(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
