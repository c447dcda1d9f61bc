import ArgumentParser
import Daemon
import Foundation
import PrognosCore
import Store

/// `prognos status --db FILE`: what is running and how far behind it is.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Say whether the daemon runs, how far behind it is, and what the database holds.")

    @Option(help: "The daemon's SQLite database.") var db: String

    func run() async throws {
        let store = try openStoreOrExit(db, readOnly: true)
        let now = Date().timeIntervalSince1970
        let status = try await store.status()
        if let daemon = try await store.daemonStatus() {
            let age = now - daemon.heartbeatAt
            let alive = age < 30 && kill(pid_t(daemon.pid), 0) == 0
            print("daemon       \(alive ? "running" : "not running") (pid \(daemon.pid), \(daemon.plant), heartbeat \(Int(age)) s ago)")
            print("started      \(isoTime(daemon.startedAt))")
            let clock = daemon.clock
            if !clock.isWall { print("clock        simulated, \(plainNumber(clock.speed))× the wall's since \(isoTime(clock.start)); now \(isoTime(daemon.plantTime(atWall: now)))") }
            print("ingest lag   \(daemon.ingestLag.map { String(format: "%.2f s", $0) } ?? "—")")
            print("ingested     \(daemon.readingsIngested) readings this run, \(daemon.readingsDropped) dropped")
            print("assets       \(daemon.assets)")
        } else {
            print("daemon       never ran on this database")
        }
        print("readings     \(status.readings) stored for \(status.series) signals; last data \(status.lastDataTime.map(isoTime) ?? "—")")
        let states = status.alarmsByState.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
        print("alarms       \(states.isEmpty ? "none" : states.joined(separator: ", "))")
        print("undelivered  \(status.outbox.alerts) alerts in the outbox")
    }
}
