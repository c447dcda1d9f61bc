import ArgumentParser
import Foundation
import PrognosCore
import Store

/// `prognos status --db FILE [--format text|json]`: what is running and how far behind it is.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say whether the daemon runs, how far behind it is, and what the database holds.")

    @Option(help: "The daemon's SQLite database.") var db: String
    @Option(help: "Output format: text, or json (one object, for scripts and monitoring).") var format: OutputFormat =
        .text

    func run() async throws {
        let store = try openStoreOrExit(db, readOnly: true)
        let now = Date().timeIntervalSince1970
        let status = try await store.status()
        let daemon = try await store.daemonStatus()
        switch format {
        case .text: printText(status, daemon, now: now)
        case .json: print(json(status, daemon, now: now))
        }
    }

    /// Whether the daemon's heartbeat is fresh and its process is there.
    func isAlive(_ daemon: DaemonStatus, now: Double) -> Bool {
        now - daemon.heartbeatAt < 30 && kill(pid_t(daemon.pid), 0) == 0
    }

    func printText(_ status: StoreStatus, _ daemon: DaemonStatus?, now: Double) {
        if let daemon {
            let age = now - daemon.heartbeatAt
            print(
                "daemon       \(isAlive(daemon, now: now) ? "running" : "not running") (pid \(daemon.pid), \(daemon.plant), heartbeat \(Int(age)) s ago)"
            )
            print("started      \(isoTime(daemon.startedAt))")
            let clock = daemon.clock
            if !clock.isWall {
                print(
                    "clock        simulated, \(plainNumber(clock.speed))× the wall's since \(isoTime(clock.start)); now \(isoTime(daemon.plantTime(atWall: now)))"
                )
            }
            print("ingest lag   \(daemon.ingestLag.map { String(format: "%.2f s", $0) } ?? "—")")
            print("ingested     \(daemon.readingsIngested) readings this run, \(daemon.readingsDropped) dropped")
            print("assets       \(daemon.assets)")
            if let bytes = daemon.details.residentBytes { print("memory       \(bytes / 1_048_576) MB resident") }
            if let writer = daemon.details.writerQueue, let alarms = daemon.details.alarmQueue {
                print("queues       \(writer) records for the store, \(alarms) alarm changes waiting")
            }
        } else {
            print("daemon       never ran on this database")
        }
        print(
            "readings     \(status.readings) stored for \(status.series) signals; last data \(status.lastDataTime.map(isoTime) ?? "—")"
        )
        let states = status.alarmsByState.sorted { $0.key.rawValue < $1.key.rawValue }.map {
            "\($0.value) \($0.key.rawValue)"
        }
        print("alarms       \(states.isEmpty ? "none" : states.joined(separator: ", "))")
        print("undelivered  \(status.outbox.alerts) alerts in the outbox")
    }

    func json(_ status: StoreStatus, _ daemon: DaemonStatus?, now: Double) -> String {
        func optional(_ value: Double?) -> String { value.map(JSONText.number) ?? "null" }
        func optional(_ value: Int?) -> String { value.map(String.init) ?? "null" }
        var daemonFields: String = "null"
        if let daemon {
            daemonFields = JSONText.object([
                ("running", JSONText.bool(isAlive(daemon, now: now))), ("pid", String(daemon.pid)),
                ("plant", JSONText.string(daemon.plant)), ("version", JSONText.string(daemon.version)),
                ("started_at", JSONText.time(daemon.startedAt)), ("heartbeat_at", JSONText.time(daemon.heartbeatAt)),
                ("heartbeat_age_s", JSONText.number(now - daemon.heartbeatAt)),
                ("ingest_lag_s", optional(daemon.ingestLag)),
                ("readings_ingested", String(daemon.readingsIngested)),
                ("readings_dropped", String(daemon.readingsDropped)),
                ("assets", String(daemon.assets)), ("alarms_active", String(daemon.alarmsActive)),
                ("resident_bytes", optional(daemon.details.residentBytes)),
                ("writer_queue", optional(daemon.details.writerQueue)),
                ("alarm_queue", optional(daemon.details.alarmQueue)),
                ("clock_speed", optional(daemon.details.clockSpeed)),
                ("clock_start", optional(daemon.details.clockStart)),
            ])
        }
        let alarms = JSONText.object(
            status.alarmsByState.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                ($0.key.rawValue, String($0.value))
            })
        return JSONText.object([
            ("daemon", daemonFields),
            ("readings_stored", String(status.readings)), ("signals", String(status.series)),
            ("last_data_at", status.lastDataTime.map(JSONText.time) ?? "null"), ("alarms", alarms),
            (
                "outbox",
                JSONText.object([
                    ("alerts", String(status.outbox.alerts)), ("telemetry", String(status.outbox.telemetry)),
                ])
            ),
            ("database_bytes", String(status.databaseBytes)),
        ])
    }
}
