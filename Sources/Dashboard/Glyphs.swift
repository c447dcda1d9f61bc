import PrognosCore

/// The characters the dashboard draws with: Unicode block elements and box lines, or plain ASCII
/// for terminals and fonts without them.
public struct Glyphs: Sendable, Equatable {
    /// Sparkline levels, lowest first.
    public var levels: [Character]
    public var horizontal: Character
    public var vertical: Character
    /// Interval band in charts, the forecast mean and an observed value.
    public var band: Character
    public var forecast: Character
    public var point: Character
    public var up: String
    public var down: String
    public var ellipsis: String
    public var separator: String
    public var bullet: Character
    public var alive: String
    public var dead: String
    public var range: String
    public var arrow: String
    public var missing: String

    public static let unicode = Glyphs(
        levels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], horizontal: "─", vertical: "│", band: "░",
        forecast: "·", point: "•", up: "▲", down: "▼", ellipsis: "…", separator: " │ ", bullet: "•",
        alive: "●", dead: "○", range: "–", arrow: "→", missing: "—")

    public static let ascii = Glyphs(
        levels: ["_", ".", "-", "~", "=", "+", "*", "#"], horizontal: "-", vertical: "|", band: ":",
        forecast: ".", point: "o", up: "^", down: "v", ellipsis: "~", separator: " | ", bullet: "*",
        alive: "*", dead: "o", range: "-", arrow: "->", missing: "-")

    /// A sparkline of `values` scaled between `low` and `high`; nil values are blanks.
    func sparkline(_ values: [Double?], low: Double, high: Double) -> String {
        let span = high - low
        var out = ""
        for value in values {
            guard let value, value.isFinite else {
                out.append(" ")
                continue
            }
            let t = span > 0 ? (value - low) / span : 0.5
            let index = Int((min(1, max(0, t)) * Double(levels.count - 1)).rounded())
            out.append(levels[index])
        }
        return out
    }
}

/// Whether the locale promises UTF-8 (LC_ALL, then LC_CTYPE, then LANG, as setlocale reads them).
public func localeIsUTF8(_ environment: [String: String]) -> Bool {
    for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
        if let value = environment[name], !value.isEmpty {
            let lower = value.lowercased()
            return lower.contains("utf-8") || lower.contains("utf8")
        }
    }
    return false
}

/// Colours by meaning; with colour off every colour is the terminal's default.
struct Theme: Sendable {
    var colors: Bool

    func style(_ status: NE107Status) -> Style {
        guard colors else { return status == .normal ? .plain : .bold }
        switch status {
        case .normal: return .fg(.green)
        case .maintenanceRequired: return .fg(.brightBlue, bold: true)
        case .offSpec: return .fg(.yellow, bold: true)
        case .checkFunction: return .fg(.magenta, bold: true)
        case .failure: return .fg(.brightRed, bold: true)
        }
    }

    func level(_ level: Level) -> Style {
        guard colors else { return level == .alarm ? .bold : .plain }
        switch level {
        case .ok: return .plain
        case .warn: return .fg(.yellow)
        case .alarm: return .fg(.brightRed, bold: true)
        }
    }

    var accent: Style { colors ? .fg(.cyan, bold: true) : .bold }
    var heading: Style { colors ? Style(foreground: .brightWhite, bold: true, underline: false) : .bold }
    var muted: Style { colors ? .fg(.gray) : .dim }
    var band: Style { colors ? .fg(.blue) : .dim }
    var forecast: Style { colors ? .fg(.cyan) : .plain }
    var bar: Style { Style(reverse: true) }

    func priority(_ priority: AlarmPriority) -> Style {
        guard colors else { return priority >= .high ? .bold : .plain }
        switch priority {
        case .urgent: return .fg(.brightRed, bold: true)
        case .high: return .fg(.red)
        case .medium: return .fg(.yellow)
        case .low: return .plain
        }
    }
}

/// How far a figure is past its colour thresholds.
enum Level: Sendable, Equatable { case ok, warn, alarm }
