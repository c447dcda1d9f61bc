import Foundation
import PrognosCore

/// Number and time formatting for narrow columns; deterministic for a given time zone.
struct Formatter: Sendable {
    var timeZone: TimeZone
    var glyphs: Glyphs

    /// "3.2 d", "17 h", "45 min", "30 s"; "> 1 y" past a year.
    func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return glyphs.missing }
        let s = max(0, seconds)
        if s >= 365 * 86_400 { return "> 1 y" }
        if s >= 10 * 86_400 { return "\(Int((s / 86_400).rounded())) d" }
        if s >= 86_400 { return String(format: "%.1f d", s / 86_400) }
        if s >= 3600 { return "\(Int((s / 3600).rounded(.down))) h" }
        if s >= 60 { return "\(Int((s / 60).rounded(.down))) min" }
        return "\(Int(s)) s"
    }

    /// Compact age: "12s", "4m", "3h", "2d".
    func age(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return glyphs.missing }
        let s = max(0, seconds)
        if s < 60 { return "\(Int(s))s" }
        if s < 3600 { return "\(Int(s / 60))m" }
        if s < 86_400 { return "\(Int(s / 3600))h" }
        return "\(Int(s / 86_400))d"
    }

    /// A failure mode's remaining life as the health table holds it, by the rule every view shares
    /// (`RemainingLifeText`): "3.2 d (1.1–6.0)", "> 30 d" for a mode that does not degrade, "failed".
    func rul(_ record: HealthRecord?) -> String {
        guard let record else { return glyphs.missing }
        // Rows written before the state was kept: a median means degrading.
        let state = record.state ?? (record.rulMedian == nil ? .healthy : .degrading)
        let text = RemainingLifeText.compact(state, record.remainingLife, horizon: record.horizon ?? 30 * 86_400)
        return glyphs.range == "–" ? text : text.replacingOccurrences(of: "–", with: glyphs.range)
    }

    /// A measured value with 3 significant digits: "7.45", "812", "0.032", "12.3k".
    func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return glyphs.missing }
        let a = abs(value)
        if a >= 100_000 { return String(format: "%.0fk", value / 1000) }
        if a >= 10_000 { return String(format: "%.1fk", value / 1000) }
        if a >= 100 { return String(format: "%.0f", value) }
        if a >= 10 { return String(format: "%.1f", value) }
        if a >= 0.01 || a == 0 { return String(format: "%.2f", value) }
        return String(format: "%.1e", value)
    }

    /// A deviation score: "0.42", "2.31", "12.4", "250".
    func score(_ value: Double?) -> String {
        guard let value, value.isFinite else { return glyphs.missing }
        let a = abs(value)
        if a >= 1000 { return String(format: "%.0fk", value / 1000) }
        if a >= 100 { return String(format: "%.0f", value) }
        if a >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }

    /// Money: "12.3 k", "850".
    func money(_ value: Double?) -> String {
        guard let value, value.isFinite else { return glyphs.missing }
        let a = abs(value)
        if a >= 1_000_000 { return String(format: "%.1f M", value / 1_000_000) }
        if a >= 10_000 { return String(format: "%.0f k", value / 1000) }
        if a >= 1000 { return String(format: "%.1f k", value / 1000) }
        return String(format: "%.0f", value)
    }

    func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return glyphs.missing }
        let p = value * 100
        return p > 0 && p < 1 ? "<1%" : "\(Int(p.rounded()))%"
    }

    private func components(_ time: Double) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second, .weekday], from: Date(timeIntervalSince1970: time))
    }

    /// "14:05:09".
    func clock(_ time: Double?) -> String {
        guard let time, time.isFinite else { return glyphs.missing }
        let c = components(time)
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// "Tue 01 Dec 22:00".
    func day(_ time: Double?) -> String {
        guard let time, time.isFinite else { return glyphs.missing }
        let c = components(time)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(
            format: "%@ %02d %@ %02d:%02d", days[((c.weekday ?? 1) - 1) % 7], c.day ?? 0,
            months[((c.month ?? 1) - 1) % 12],
            c.hour ?? 0, c.minute ?? 0)
    }

    /// "22:00" when `end` is the same day as `start`, else a full `day`.
    func window(_ start: Double?, _ end: Double?) -> String {
        guard let start else { return "unscheduled" }
        guard let end else { return day(start) }
        let endText =
            end - start < 86_400
            ? String(format: "%02d:%02d", components(end).hour ?? 0, components(end).minute ?? 0) : day(end)
        return "\(day(start))\(glyphs.range)\(endText)"
    }
}

/// Words of `text` wrapped to `width` columns, at most `maxLines` lines (the last one cut).
public func wrap(_ text: String, width: Int, maxLines: Int) -> [String] {
    guard width > 0, maxLines > 0 else { return [] }
    var lines: [String] = []
    var current = ""
    for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
        let w = String(word)
        if current.isEmpty {
            current = w
        } else if columns(current) + 1 + columns(w) <= width {
            current += " " + w
        } else {
            lines.append(current)
            current = w
        }
    }
    if !current.isEmpty { lines.append(current) }
    if lines.count > maxLines {
        lines = Array(lines.prefix(maxLines))
        lines[maxLines - 1] = fit(lines[maxLines - 1] + " …", width)
    }
    return lines.map { columns($0) > width ? fit($0, width) : $0 }
}
