import ArgumentParser
import Daemon
import Foundation
import PrognosCore
import Store

enum AlarmLoadFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// `prognos alarms --db FILE --report`: reads the alarm history, computes `AlarmLoadReport` and prints it.
struct AlarmLoadCommand {
    var store: Store
    var db: String
    var from: Double?
    var to: Double?
    var speed: Double
    var format: AlarmLoadFormat

    func run() async throws {
        let span = try await store.alarmHistorySpan()
        let status = try await store.daemonStatus()
        // The period runs from the daemon's start (or the first record) to its last heartbeat (or the last record).
        let start = from ?? [span?.first, status?.startedAt].compactMap { $0 }.min()
        let end = to ?? [span?.last, status?.heartbeatAt].compactMap { $0 }.max()
        guard let start, let end, end > start else {
            printError(
                "prognos alarms: no alarm history in \(db) to report on; give --from and --to to report an empty period"
            )
            throw ExitCode(1)
        }
        // Simulated time: every instant moves away from the period's start by `speed` times as much.
        func simulated(_ time: Double) -> Double { start + (time - start) * speed }
        let history = try await store.alarmHistoryEntries(until: end).map { entry in
            var entry = entry
            entry.time = simulated(entry.time)
            return entry
        }
        // Healthy assets never alarm: count them from the daemon's status, or from the telemetry.
        var assets = status?.assets ?? 0
        if assets <= 0 { assets = try await store.assets().count }
        let report: AlarmLoadReport
        do {
            report = try AlarmLoadReport(
                history: history, from: start, to: simulated(end), assets: assets > 0 ? assets : nil)
        } catch {
            printError("prognos alarms: \(error)")
            throw ExitCode(1)
        }
        switch format {
        case .table: print(AlarmLoadTable(report: report, speed: speed).text)
        case .json: print(try AlarmLoadJSON(report: report, speed: speed).text())
        }
    }
}

/// The report for people: one figure a line, EEMUA 191's benchmark beside the rates, then the top alarms.
struct AlarmLoadTable {
    var report: AlarmLoadReport
    var speed: Double

    var text: String {
        let r = report
        let scale = speed == 1 ? "" : "; recorded at \(number(speed))×, figures in simulated time"
        var lines = [
            "Alarm load \(isoTime(r.from)) – \(isoTime(r.to)) (\(duration(r.to - r.from))\(r.assets.map { ", \($0) assets" } ?? "")\(scale))",
            row("annunciations", "\(r.annunciations)"),
            row("per 10 min", "\(rate(r.perTenMinutes)) (EEMUA 191: ≤ 1 manageable, > 10 is a flood)"),
            row("per hour", rate(r.perHour)),
            row("per day", rate(r.perDay)),
            row("per asset-week", r.perAssetWeek.map { number($0) } ?? "— (no asset count)"),
            row(
                "floods > \(r.settings.floodThreshold)/10 min",
                "\(r.floods.count), \(number(r.floodShare * 100)) % of the time"),
        ]
        for flood in r.floods {
            lines.append(
                row("", "\(isoTime(flood.start)) – \(isoTime(flood.end)): \(flood.annunciations) annunciations"))
        }
        lines.append(
            row(
                "chattering ≥ \(r.settings.chatterCount)/\(number(r.settings.chatterWindow)) s",
                r.chattering.isEmpty ? "none" : "\(r.chattering.count)"))
        for alarm in r.chattering {
            lines.append(
                row(
                    "",
                    "\(alarm.alarmID): \(alarm.mostInWindow) within \(number(r.settings.chatterWindow)) s, \(alarm.annunciations) in all"
                ))
        }
        for (name, list) in [("standing > 24 h", r.standing), ("stale > 24 h unacked", r.stale)] {
            lines.append(row(name, list.isEmpty ? "none" : "\(list.count)"))
            for alarm in list {
                lines.append(row("", "\(alarm.alarmID) since \(isoTime(alarm.since)) (\(duration(alarm.duration)))"))
            }
        }
        lines.append(
            row(
                "shelved",
                "\(r.shelveCommands) shelve commands on \(r.alarmsShelved) alarms, \(r.shelvedAtEnd) shelved at the end"
            ))
        let ack = r.acknowledgement
        lines.append(
            row(
                "acknowledgement",
                "median \(ack.median.map(duration) ?? "—"), p90 \(ack.p90.map(duration) ?? "—") (\(ack.acknowledged) acknowledged, \(ack.unacknowledged) not)"
            ))
        lines.append("")
        lines.append(pad("TOP \(r.settings.top)", 52) + pad("COUNT", 7) + "SHARE")
        for alarm in r.top {
            lines.append(pad(alarm.alarmID, 52) + pad("\(alarm.annunciations)", 7) + "\(number(alarm.share * 100)) %")
        }
        if r.top.isEmpty { lines.append("(no annunciation in the period)") }
        return lines.joined(separator: "\n")
    }

    private func row(_ name: String, _ value: String) -> String { pad(name, 24) + value }

    private func rate(_ rate: AlarmLoadReport.Rate) -> String {
        "average \(number(rate.average)), peak \(rate.peak)\(rate.peakAt.map { " at \(isoTime($0))" } ?? "")"
    }
}

/// The report for programs: the figures with snake_case keys, times in unix seconds.
struct AlarmLoadJSON: Encodable {
    var report: AlarmLoadReport
    var speed: Double

    enum CodingKeys: String, CodingKey {
        case report, speed
    }

    func text() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// A figure with at most three significant decimals: 0.833, 12.5, 120.
private func number(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    let text = String(format: abs(value) >= 100 ? "%.1f" : abs(value) >= 1 ? "%.2f" : "%.3g", value)
    return text.contains(".") && !text.contains("e") ? String(text.reversed().drop { $0 == "0" }.reversed()) : text
}

/// A duration for people: 42 s, 5.0 min, 3.2 h, 30.0 d.
private func duration(_ seconds: Double) -> String {
    switch seconds {
    case ..<120: "\(number(seconds)) s"
    case ..<3600: String(format: "%.1f min", seconds / 60)
    case ..<172_800: String(format: "%.1f h", seconds / 3600)
    default: String(format: "%.1f d", seconds / 86_400)
    }
}
