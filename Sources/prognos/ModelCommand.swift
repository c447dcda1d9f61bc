import ArgumentParser
import Foundation
import PrognosCore
import Store

/// `prognos model rebaseline --db FILE [ASSET [--by NAME] [--note TEXT]]`.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Act on the assets' world models.", subcommands: [Rebaseline.self])

    struct Rebaseline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Confirm an asset's present state as its new normal, or list the re-baselines recorded.",
            discussion: """
                For a machine whose normal has moved for good (a new operating point, a rebuilt part) and \
                whose deviation alarm says only that. The running daemon adopts it within a second: the \
                asset's model takes where its sensors are now as the baseline (a deviation alarm that the \
                old baseline drove clears), then learns its normal again — reference and thresholds — from \
                the data that follow. Its failure modes keep their health. Without ASSET: the re-baselines \
                recorded, newest first.
                """)

        @Option(help: "The daemon's SQLite database.") var db: String
        @Argument(help: "The asset to re-baseline (none: list).") var asset: String?
        @Option(help: "Who confirms the new normal (default: the login name).") var by: String =
            ProcessInfo.processInfo.environment["USER"] ?? "engineer"
        @Option(help: "Why, for the log.") var note: String?
        @Option(help: "Plant file to check the asset against (default: the one the daemon runs).") var plant: String?

        func run() async throws {
            let store = try openStoreOrExit(db, readOnly: asset == nil)
            guard let asset else {
                let records = try await store.recentRebaselines()
                print(pad("REQUESTED", 26) + pad("ASSET", 18) + pad("BY", 14) + "NOTE")
                for record in records {
                    print(
                        pad(isoTime(record.requestedAt), 26) + pad(record.asset, 18) + pad(record.recordedBy, 14)
                            + (record.note ?? ""))
                }
                if records.isEmpty { print("(no re-baselines recorded)") }
                return
            }
            if let known = try await knownPlant(store, path: plant) {
                _ = try knownAssetOrExit(asset, in: known, command: "model rebaseline")
            }
            let record = RebaselineRecord(
                asset: asset, requestedAt: try await plantNow(store), recordedBy: by, note: note)
            let id = try await store.recordRebaseline(record)
            print("re-baseline #\(id): \(asset) at \(isoTime(record.requestedAt)) (by \(by))")
        }
    }
}
