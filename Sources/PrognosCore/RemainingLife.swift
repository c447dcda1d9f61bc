/// Where a failure mode stands, as every view shows it.
public enum ModeState: String, Sendable, Equatable, Codable, CaseIterable {
    /// No evidence of degradation: its remaining life lies beyond the planning horizon.
    case healthy
    /// Degrading: it has a remaining life, with an interval when the evidence gives one.
    case degrading
    /// It crossed its failure limit, or the machine tripped while the mode stood past its alarm level;
    /// so it stays until maintenance restores it.
    case failed
}

/// A failure mode's remaining useful life, the one estimate every view shows (health table, RUL
/// alarm, dashboard, plan reasons, MQTT state): the median and, when the evidence gives one, a
/// 10–90 % interval with `p10 < median < p90`. `p90` nil with `p10` set: the upper end lies beyond
/// the planning horizon. A healthy mode has no remaining life, only the horizon it lies beyond.
public struct RemainingLife: Sendable, Equatable {
    public var median: Double
    public var p10: Double?
    public var p90: Double?

    /// As stored (the health table).
    public init(median: Double, p10: Double?, p90: Double?) {
        self.median = median
        self.p10 = p10
        self.p90 = p10 == nil ? nil : p90
    }

    /// Seconds from the quantiles of the failure-time draws: an interval only when it has width and
    /// holds the median (draws that agree give no interval rather than one of zero width); an upper
    /// end past `horizon` is open.
    public init(quantiles median: Double, p10: Double, p90: Double, horizon: Double) {
        self.median = median
        if p10 < median, median < p90 {
            self.p10 = p10
            self.p90 = p90 < horizon ? p90 : nil
        }
    }
}

/// Remaining lives in words, one rule for every view: the median picks the unit (seconds below two
/// minutes, minutes below two hours, hours below two days, days beyond), the interval is written in
/// the same unit, and figures of ten or more are whole.
public enum RemainingLifeText {
    /// "3.2 d (10–90 %: 1.1–6.0 d)", "5.0 h", "> 30 d", "failed".
    public static func long(_ state: ModeState, _ life: RemainingLife?, horizon: Double) -> String {
        text(state, life, horizon: horizon, compact: false)
    }

    /// The same for a narrow column: "3.2 d (1.1–6.0)", "> 30 d", "failed".
    public static func compact(_ state: ModeState, _ life: RemainingLife?, horizon: Double) -> String {
        text(state, life, horizon: horizon, compact: true)
    }

    /// A duration alone, rounded by the same rule: "3.2 d", "17 min".
    public static func duration(_ seconds: Double) -> String {
        let unit = unit(for: seconds)
        return "\(figure(seconds, unit)) \(unit.name)"
    }

    private static func text(_ state: ModeState, _ life: RemainingLife?, horizon: Double, compact: Bool) -> String {
        if state == .failed { return "failed" }
        guard let life else { return "> \(duration(horizon))" }
        let unit = unit(for: life.median)
        var text = "\(figure(life.median, unit)) \(unit.name)"
        if let p10 = life.p10 {
            // An upper end beyond the horizon is open: "12–30+" in a column, "12 d to over 30 d" in words.
            if let p90 = life.p90 {
                text +=
                    compact
                    ? " (\(figure(p10, unit))–\(figure(p90, unit)))"
                    : " (10–90 %: \(figure(p10, unit))–\(figure(p90, unit)) \(unit.name))"
            } else {
                let over = RemainingLifeText.unit(for: horizon)
                let low = figure(p10, unit) + (over.name == unit.name ? "" : " " + unit.name)
                text +=
                    compact
                    ? " (\(low)–\(figure(horizon, over))\(over.name == unit.name ? "" : " " + over.name)+)"
                    : " (10–90 %: \(figure(p10, unit)) \(unit.name) to over \(figure(horizon, over)) \(over.name))"
            }
        }
        return text
    }

    private static func unit(for seconds: Double) -> (seconds: Double, name: String) {
        switch abs(seconds) {
        case ..<120: (1, "s")
        case ..<7_200: (60, "min")
        case ..<172_800: (3_600, "h")
        default: (86_400, "d")
        }
    }

    private static func figure(_ seconds: Double, _ unit: (seconds: Double, name: String)) -> String {
        guard seconds.isFinite else { return "∞" }
        let x = max(0, seconds) / unit.seconds
        if x >= 10 || unit.seconds == 1 { return String(Int(x.rounded())) }
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
