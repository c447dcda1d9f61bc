import ArgumentParser
import Daemon
import Foundation
import PrognosCore
import Store

/// `prognos alarms --db FILE [list | ack ID | shelve ID --for 2h | unshelve ID]`, and
/// `prognos alarms --db FILE --report` for the alarm-load figures.
struct Alarms: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, acknowledge and shelve alarms in a daemon's database.",
        discussion: """
            Commands are recorded with who and when, and reach MQTT subscribers like any alarm change. \
            --report prints the EEMUA 191 / ISA-18.2 alarm-load figures of the alarm history: rates per \
            10 min, hour and day, floods (> 10 in 10 min), the top 10 alarms, chattering (>= 3 in 60 s), \
            standing and stale alarms (> 24 h), shelving and acknowledgement latency.
            """)

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case list, ack, shelve, unshelve
    }

    @Option(help: "The daemon's SQLite database.") var db: String
    @Argument(help: "list (default), ack, shelve or unshelve.") var action: Action = .list
    @Argument(help: "The alarm id (for ack, shelve, unshelve).") var id: String?
    @Option(name: .customLong("for"), help: "How long to shelve: 30m, 2h, 1d.") var duration: String?
    @Option(help: "Who is acting (default: the login name).") var by: String =
        ProcessInfo.processInfo.environment["USER"] ?? "operator"
    @Flag(help: "List every alarm point, not only the active ones.") var all = false
    @Flag(help: "Print the alarm-load figures (EEMUA 191 / ISA-18.2) instead of the alarms.") var report = false
    @Option(help: "With --report: start of the period, ISO 8601 or epoch seconds (default: the history's start).")
    var from: String?
    @Option(help: "With --report: end of the period (default: the last record or the daemon's last heartbeat).") var to:
        String?
    @Option(help: "With --report: table or json.") var format: AlarmLoadFormat = .table
    @Option(
        help: """
            With --report: the history was recorded while a simulator ran this many times faster than real \
            time; durations from the period's start are stretched by it, so the figures are in simulated time.
            """) var speed: Double = 1

    func validate() throws {
        if report {
            if action != .list || id != nil { throw ValidationError("--report takes no action or alarm id") }
            if let from, parseTimeArgument(from) == nil {
                throw ValidationError("--from is ISO 8601 (2026-11-01T00:00:00Z) or epoch seconds")
            }
            if let to, parseTimeArgument(to) == nil {
                throw ValidationError("--to is ISO 8601 (2026-12-01T00:00:00Z) or epoch seconds")
            }
            if let start = from.flatMap(parseTimeArgument), let end = to.flatMap(parseTimeArgument), end <= start {
                throw ValidationError("--to must be later than --from")
            }
            guard speed > 0, speed.isFinite else { throw ValidationError("--speed must be a positive number") }
            return
        }
        if action != .list, id == nil {
            throw ValidationError("'\(action.rawValue)' needs an alarm id (see 'prognos alarms --db FILE list')")
        }
        if action == .shelve, duration.flatMap(parseHours) == nil {
            throw ValidationError("'shelve' needs --for DURATION, such as 30m, 2h or 1d")
        }
    }

    func run() async throws {
        let store = try openStoreOrExit(db, readOnly: action == .list)
        if report {
            try await AlarmLoadCommand(
                store: store, db: db, from: from.flatMap(parseTimeArgument),
                to: to.flatMap(parseTimeArgument), speed: speed, format: format
            ).run()
            return
        }
        switch action {
        case .list:
            let alarms = all ? try await store.alarms() : try await store.activeAlarms()
            print(pad("ID", 44) + pad("STATE", 25) + pad("PRIORITY", 9) + pad("SINCE", 26) + "MESSAGE")
            for alarm in alarms {
                let since = alarm.raisedAt.map(isoTime) ?? "—"
                print(
                    pad(alarm.id, 44) + pad(alarm.state.rawValue, 25) + pad(alarm.priority.rawValue, 9) + pad(since, 26)
                        + alarm.message)
            }
            if alarms.isEmpty { print(all ? "(no alarm points yet)" : "(no active alarms)") }
        case .ack, .shelve, .unshelve:
            let command: AlarmCommand
            // The daemon's clock: on a simulation's, a shelve for 2 h is two simulated hours.
            let now = try await plantNow(store)
            switch action {
            case .ack: command = .acknowledge
            case .shelve: command = .shelve(until: now + duration.flatMap(parseHours)! * 3600)
            default: command = .unshelve
            }
            do {
                let alarm = try await OperatorCommands(store: store).apply(command, to: id!, by: by, at: now)
                print(
                    "\(alarm.id): \(alarm.state.rawValue)\(alarm.shelvedUntil.map { " until \(isoTime($0))" } ?? "") (by \(by))"
                )
            } catch let error as StoreError {
                printError("prognos alarms: \(error.message)")
                throw ExitCode(1)
            }
        }
    }
}

/// Hours in `30m`, `2h`, `1d`, `1.5h`; nil unless longer than zero.
func parseHours(_ text: String) -> Double? {
    guard let seconds = DurationText.seconds(text), seconds > 0 else { return nil }
    return seconds / 3600
}

func openStoreOrExit(_ path: String, readOnly: Bool) throws -> Store {
    guard FileManager.default.fileExists(atPath: path) else {
        printError("no database at \(path): start the daemon with 'prognos run PLANT.yaml --db \(path)' first")
        throw ExitCode(1)
    }
    do {
        return readOnly ? try Store.openReadOnly(path: path) : try Store.open(path: path)
    } catch {
        printError("cannot open \(path): \(error)")
        throw ExitCode(1)
    }
}
