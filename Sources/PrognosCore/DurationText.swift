/// Durations as people write them in plant files, scenarios, layouts and command lines: one rule for
/// all of them.
public enum DurationText {
    /// The units a duration may carry, longest suffix first so that "ms" and "min" win over "s" and "m".
    static let units: [(suffix: String, seconds: Double)] = [
        ("ms", 0.001), ("min", 60), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800),
    ]

    /// Seconds of `500ms`, `1.5s`, `90s`, `10m`, `10min`, `2h`, `7d`, `1w` (spaces around the text or
    /// before the unit allowed); nil unless it is a finite, non-negative number with one of these units.
    public static func seconds(_ text: String) -> Double? {
        let trimmed = trimmed(text[...])
        for (suffix, seconds) in units where trimmed.hasSuffix(suffix) {
            guard let value = Double(String(self.trimmed(trimmed.dropLast(suffix.count)))), value >= 0 else { continue }
            let total = value * seconds
            return total.isFinite ? total : nil
        }
        return nil
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var slice = text
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
