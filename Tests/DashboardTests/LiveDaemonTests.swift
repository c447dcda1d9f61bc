import Foundation
import PrognosCore
import Store
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The dashboard on a store that the real daemon fills from the real simulator (through Modbus and
/// a real mosquitto), read while the daemon writes it.
@Suite("prognos dashboard on a live daemon", .serialized)
struct LiveDaemonTests {
    @Test("An operator sees the plant, acknowledges a live alarm and opens an asset", .timeLimit(.minutes(3)))
    func liveDaemon() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (broker, brokerPort) = try Mosquitto.start()
        defer { broker.stop() }
        let plant = try PlantHarness(brokerPort: brokerPort, directory: directory).plantPath
        let db = directory + "/prognos.db"
        // The daemon first: with nothing serving Modbus yet, communication alarms come within seconds.
        let daemon = try ChildProcess(
            PrognosBinary.path,
            [
                "run", plant, "--db", db, "--training-steps", "30", "--training-hours", "0", "--step-interval", "0.25",
                "--stale-after", "2",
                "--log-level", "warning",
            ],
            outputPath: directory + "/daemon.log")
        defer { daemon.stop() }
        var alarm: AlarmRecord?
        let deadline = Date().addingTimeInterval(25)
        while alarm == nil, Date() < deadline {
            try await Task.sleep(for: .milliseconds(300))
            if let store = try? Store.openReadOnly(path: db) {
                alarm = try? await store.activeAlarms().first { $0.state == .unacknowledged }
            }
        }
        _ = try #require(
            alarm,
            "the daemon raised no alarm: \((try? String(contentsOfFile: directory + "/daemon.log", encoding: .utf8)) ?? "")"
        )
        let simulator = try ChildProcess(
            PrognosBinary.path, ["simulate", plant, "--speed", "60", "--seed", "5", "--log-level", "warning"],
            outputPath: directory + "/simulate.log")
        defer { simulator.stop() }

        let tmux = Tmux(directory: directory)
        defer { tmux.kill() }
        let command = [PrognosBinary.path, "dashboard", "--db", db, "--by", "floor-operator"].map(shellQuote).joined(
            separator: " ")
        try tmux.start(command, width: 120, height: 40)
        var screen = try tmux.wait("the plant view with a running daemon") {
            $0.contains("daemon running") && $0.contains("pump-101") && $0.contains("Raw-water intake")
        }
        #expect(screen.contains("Riverside Water Works"))

        try tmux.send("2")
        screen = try tmux.wait("the alarms view") { $0.contains("STATE") && $0.contains("active") }
        #expect(screen.contains("unacknowledged"))
        // Acknowledge the first alarm (oldest unacknowledged); the message line names it.
        try tmux.send("Home")
        try tmux.send("a")
        screen = try tmux.wait("the acknowledgement") { $0.contains("(by floor-operator)") }
        let message = try #require(screen.split(separator: "\n").first { $0.contains("(by floor-operator)") })
        let id = String(message.prefix { $0 != ":" })
        let store = try Store.openReadOnly(path: db)
        let history = try await store.alarmHistory(alarmID: id)
        #expect(history.contains { $0.actor == "floor-operator" && $0.cause == .acknowledged }, "\(id): \(history)")
        #expect(try await store.alarm(id: id)?.acknowledgedBy == "floor-operator")

        try tmux.send("Enter")
        screen = try tmux.wait("the asset view") { $0.contains("SENSOR") && $0.contains("FORECAST") }
        try tmux.send("q")
        _ = try tmux.wait("the dashboard to end") { $0.contains("Pane is dead") || !$0.contains("SENSOR") }
        #expect(daemon.isRunning, "the daemon keeps running next to the dashboard")
    }
}
