import ArgumentParser
import Daemon
import Foundation
import PrognosCore
import Store

/// `prognos alarms --db FILE [list | ack ID | shelve ID --for 2h | unshelve ID]`.
struct Alarms: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, acknowledge and shelve alarms in a daemon's database.",
        discussion: "Commands are recorded with who and when, and reach MQTT subscribers like any alarm change.")

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case list, ack, shelve, unshelve
    }

    @Option(help: "The daemon's SQLite database.") var db: String
    @Argument(help: "list (default), ack, shelve or unshelve.") var action: Action = .list
    @Argument(help: "The alarm id (for ack, shelve, unshelve).") var id: String?
    @Option(name: .customLong("for"), help: "How long to shelve: 30m, 2h, 1d.") var duration: String?
    @Option(help: "Who is acting (default: the login name).") var by: String = ProcessInfo.processInfo.environment["USER"] ?? "operator"
    @Flag(help: "List every alarm point, not only the active ones.") var all = false

    func validate() throws {
        if action != .list, id == nil { throw ValidationError("'\(action.rawValue)' needs an alarm id (see 'prognos alarms --db FILE list')") }
        if action == .shelve, duration.flatMap(parseHours) == nil { throw ValidationError("'shelve' needs --for DURATION, such as 30m, 2h or 1d") }
    }

    func run() async throws {
        let store = try openStoreOrExit(db, readOnly: action == .list)
        switch action {
        case .list:
            let alarms = all ? try await store.alarms() : try await store.activeAlarms()
            print(pad("ID", 44) + pad("STATE", 25) + pad("PRIORITY", 9) + pad("SINCE", 26) + "MESSAGE")
            for alarm in alarms {
                let since = alarm.raisedAt.map(isoTime) ?? "—"
                print(pad(alarm.id, 44) + pad(alarm.state.rawValue, 25) + pad(alarm.priority.rawValue, 9) + pad(since, 26) + alarm.message)
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
                print("\(alarm.id): \(alarm.state.rawValue)\(alarm.shelvedUntil.map { " until \(isoTime($0))" } ?? "") (by \(by))")
            } catch let error as StoreError {
                printError("prognos alarms: \(error.message)")
                throw ExitCode(1)
            }
        }
    }
}

/// Hours in `30m`, `2h`, `1d`, `1.5h`.
func parseHours(_ text: String) -> Double? {
    let units: [(String, Double)] = [("m", 1.0 / 60), ("h", 1), ("d", 24), ("w", 168)]
    for (suffix, hours) in units where text.hasSuffix(suffix) {
        if let value = Double(text.dropLast()), value > 0, value.isFinite { return value * hours }
    }
    return nil
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
