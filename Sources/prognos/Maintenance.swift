import ArgumentParser
import Daemon
import Foundation
import PlantFile
import PrognosCore
import Store

/// `prognos maintenance --db FILE [list | done ASSET ACTION [--at TIME] [--by NAME] [--note TEXT]]`.
struct Maintenance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report maintenance as done, or list what was reported.",
        discussion: """
            The daemon adopts what is reported: the planner does not propose the action on that asset \
            again at once, and the failure modes the action restores (its `resets`) start their health \
            history again. ACTION is an action id of the plant file's catalogue.
            """)

    enum Verb: String, ExpressibleByArgument, CaseIterable {
        case list, done
    }

    @Option(help: "The daemon's SQLite database.") var db: String
    @Argument(help: "list (default) or done.") var verb: Verb = .list
    @Argument(help: "The asset (for done).") var asset: String?
    @Argument(help: "The action id from the plant file (for done).") var action: String?
    @Option(help: "When it was done: ISO 8601 or epoch seconds (default: now, on the daemon's clock).") var at: String?
    @Option(help: "Who did it or reports it (default: the login name).") var by: String =
        ProcessInfo.processInfo.environment["USER"] ?? "engineer"
    @Option(help: "A note for the log.") var note: String?
    @Option(help: "Plant file to check the asset and action against (default: the one the daemon runs).") var plant:
        String?

    func validate() throws {
        if verb == .done, asset == nil || action == nil {
            throw ValidationError("'done' needs an asset and an action id, e.g. 'done pump-101 replace-bearings'")
        }
        if let at, time(at) == nil { throw ValidationError("--at is ISO 8601 (2026-11-29T06:00:00Z) or epoch seconds") }
    }

    func run() async throws {
        let store = try openStoreOrExit(db, readOnly: verb == .list)
        switch verb {
        case .list:
            let records = try await store.recentMaintenance()
            print(pad("DONE", 26) + pad("ASSET", 18) + pad("ACTION", 22) + pad("BY", 14) + "NOTE")
            for record in records {
                print(
                    pad(isoTime(record.doneAt), 26) + pad(record.asset, 18) + pad(record.action, 22)
                        + pad(record.recordedBy, 14) + (record.note ?? ""))
            }
            if records.isEmpty { print("(no maintenance reported)") }
        case .done:
            let asset = asset!, action = action!
            if let known = try await knownPlant(store, path: plant) {
                let entry = try knownAssetOrExit(asset, in: known, command: "maintenance")
                let applicable = known.actions.filter { a in
                    a.failureModes.isEmpty
                        || a.failureModes.contains { m in entry.failureModes.contains { $0.id == m } }
                }
                guard applicable.contains(where: { $0.id == action }) else {
                    printError(
                        "prognos maintenance: '\(action)' is not an action for \(asset); one of: \(applicable.map(\.id).joined(separator: ", "))"
                    )
                    throw ExitCode(2)
                }
            }
            let now = try await plantNow(store)
            let record = MaintenanceRecord(
                asset: asset, action: action, doneAt: at.flatMap(time) ?? now, recordedBy: by, recordedAt: now,
                note: note)
            let id = try await store.recordMaintenance(record)
            print("maintenance #\(id): \(action) on \(asset) done \(isoTime(record.doneAt)) (by \(by))")
        }
    }

    private func time(_ text: String) -> Double? {
        if let epoch = Double(text) { return epoch }
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}

/// The plant to check an operator's report against: `path` (--plant), else the one the daemon runs,
/// else none (not checked).
func knownPlant(_ store: Store, path: String?) async throws -> Plant? {
    if let path { return try loadPlantOrExit(path) }
    guard let running = try? await store.daemonStatus()?.plant, !running.isEmpty else { return nil }
    return try? PlantFileLoader.load(path: running)
}

/// The plant's asset `id`, or a message naming the assets it has and exit status 2.
func knownAssetOrExit(_ id: String, in plant: Plant, command: String) throws -> Asset {
    guard let asset = plant.asset(id) else {
        printError(
            "prognos \(command): no asset '\(id)' in \(plant.site.id); assets: \(plant.assets.map(\.id).joined(separator: ", "))"
        )
        throw ExitCode(2)
    }
    return asset
}

/// Now on the plant's clock: the daemon's (a simulation's runs faster), else the wall's.
func plantNow(_ store: Store) async throws -> Double {
    let wall = Date().timeIntervalSince1970
    guard let daemon = try? await store.daemonStatus() else { return wall }
    return daemon.plantTime(atWall: wall)
}
