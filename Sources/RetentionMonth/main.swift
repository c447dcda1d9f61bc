// A simulated month of a pump plant on disk, bounded by retention (`make retention-month`,
// docs/performance.md): writes the plant's records through the daemon's write path on a simulated
// clock, runs retention as the daemon does, and prints the file after every simulated day.
import Foundation
import PlantMonth
import PrognosCore

let usage = """
    usage: RetentionMonth [--assets 1000] [--days 31] [--cadence 600] [--raw-days 14] [--summary-days 730]
                          [--flagged 0.01] [--chunk-rows 20000] [--seed 1] --db FILE (a new file)
    """

/// `--name value` pairs.
func parsed(_ arguments: [String]) -> [String: String] {
    var options: [String: String] = [:]
    var rest = arguments[...]
    while let name = rest.popFirst() {
        guard name.hasPrefix("--"), let value = rest.popFirst() else {
            FileHandle.standardError.write(Data((usage + "\n").utf8))
            exit(2)
        }
        options[String(name.dropFirst(2))] = value
    }
    return options
}
let options = parsed(Array(CommandLine.arguments.dropFirst()))

/// Prints a line at once, also into a file or a pipe: a line a simulated day, as it comes.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
@MainActor func number(_ name: String, _ fallback: Double) -> Double {
    guard let text = options[name] else { return fallback }
    guard let value = Double(text) else {
        FileHandle.standardError.write(Data("--\(name) \(text): not a number\n".utf8))
        exit(2)
    }
    return value
}
guard let path = options["db"], !FileManager.default.fileExists(atPath: path) else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
let plan = MonthPlan(
    assets: Int(number("assets", 1_000)), days: Int(number("days", 31)), cadence: number("cadence", 600),
    retention: Retention(rawDays: Int(number("raw-days", 14)), summaryDays: Int(number("summary-days", 730))),
    compactionChunkRows: Int(number("chunk-rows", 20_000)), flaggedFraction: number("flagged", 0.01),
    seed: UInt64(number("seed", 1)))

func mb(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }
func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }

say(
    "\(plan.assets) pumps × 12 signals, \(plan.days) days, a reading every \(Int(plan.cadence)) s, raw_days "
        + "\(plan.retention.rawDays), summary_days \(plan.retention.summaryDays); retention every "
        + "\(Int(plan.compactionInterval)) s of the simulated clock, \(plan.compactionTransactions) transactions of at most \(plan.compactionChunkRows) rows a run"
)
let columns: [(String, String)] = [
    ("readings", "readings"), ("readings_1m", "1m"), ("deviations", "deviations"), ("deviation_shares", "shares"),
    ("health", "health"),
]
say(
    ["day", "file MB", "WAL MB", "free pages"].map { pad($0, 11) }.joined()
        + columns.map { pad($0.1, 11) }.joined() + pad("retention", 10) + pad("rows", 10) + pad("s", 6)
        + pad("1 Hz GB", 9) + pad("wall s", 8))
let started = Date()
var last: DayOnDisk?
try await PlantMonth.run(plan, path: path) { day in
    last = day
    let oneHertz = OneHertz(day, plan: plan)
    say(
        [String(day.day), mb(day.fileBytes), mb(day.walBytes), String(day.freePages)].map { pad($0, 11) }.joined()
            + columns.map { pad(mb(day.tableBytes[$0.0, default: 0]), 11) }.joined()
            + pad(day.retention.caughtUp ? "done" : "BEHIND", 10) + pad(String(day.retention.rows), 10)
            + pad(String(format: "%.0f", day.retention.seconds), 6)
            + pad(String(format: "%.0f", oneHertz.fileBytes / 1e9), 9)
            + pad(String(format: "%.0f", Date().timeIntervalSince(started)), 8))
}
if let last {
    say("\nAfter day \(last.day), per table (with its indexes): rows, bytes a row, bytes an asset-day at 1 Hz:")
    let perAssetDay = OneHertz.bytesPerAssetDay(last, plan: plan)
    for table in DayOnDisk.tables {
        let rows = last.rows[table, default: 0]
        let bytes = last.tableBytes[table, default: 0]
        let perRow = rows > 0 ? String(format: "%.1f", Double(bytes) / Double(rows)) : "-"
        let daily = perAssetDay[table].map { String(format: "%.2f MB", $0 / 1e6) } ?? "bounded"
        say(pad(table, 18) + pad(String(rows), 12) + pad(perRow, 8) + pad(daily, 12))
    }
}
