import PrognosCore

/// Timestamps in payloads, as seconds since 1970-01-01T00:00:00Z.
public enum PayloadTimestamp {
    /// Epoch numbers are read by magnitude: below 10^11 they are seconds (10^11 s is the year 5138),
    /// below 10^14 milliseconds, below 10^17 microseconds, else nanoseconds. Each band starts
    /// where the previous unit passes the year 5138, and every real date from 1973 on falls in its
    /// own unit's band, so seconds, milliseconds, microseconds and nanoseconds of today are never
    /// confused. Negative values follow the same rule on their magnitude.
    public static func seconds(fromEpochNumber x: Double) -> Double? {
        guard x.isFinite else { return nil }
        let magnitude = abs(x)
        if magnitude < 1e11 { return x }
        if magnitude < 1e14 { return x / 1e3 }
        if magnitude < 1e17 { return x / 1e6 }
        return x / 1e9
    }

    /// `seconds(fromISO8601:)` of a string's UTF-8 bytes.
    public static func seconds(fromISO8601 text: String) -> Double? {
        var text = text
        return text.withUTF8 { seconds(fromISO8601: UnsafeRawBufferPointer($0)) }
    }

    /// Parses an ISO 8601 / RFC 3339 date-time: `YYYY-MM-DD`, then optionally `T` (or a space) and
    /// `hh:mm[:ss[.fraction]]`, then optionally `Z` or an offset `±hh:mm`, `±hhmm`, `±hh`.
    /// **A date-time without a zone designator is taken as UTC** (gateways that omit it almost
    /// always send UTC; the daemon runs in UTC). Returns nil for anything else or an impossible date.
    public static func seconds(fromISO8601 text: UnsafeRawBufferPointer) -> Double? {
        var reader = FixedReader(bytes: text)
        reader.skipSpaces()
        guard let year = reader.digits(4), reader.take(UInt8(ascii: "-")), let month = reader.digits(2),
            reader.take(UInt8(ascii: "-")), let day = reader.digits(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        var seconds = Double(CivilTime.days(year: year, month: month, day: day)) * 86_400
        if reader.take(UInt8(ascii: "T")) || reader.take(UInt8(ascii: "t")) || reader.take(UInt8(ascii: " ")) {
            guard let hour = reader.digits(2), reader.take(UInt8(ascii: ":")), let minute = reader.digits(2),
                hour < 24, minute < 60
            else { return nil }
            var second = 0.0
            if reader.take(UInt8(ascii: ":")) {
                guard let whole = reader.digits(2), whole <= 60 else { return nil }
                second = Double(whole)
                if reader.take(UInt8(ascii: ".")) || reader.take(UInt8(ascii: ",")) {
                    guard let fraction = reader.fraction() else { return nil }
                    second += fraction
                }
            }
            seconds += Double(hour * 3600 + minute * 60) + second
            if reader.take(UInt8(ascii: "Z")) || reader.take(UInt8(ascii: "z")) {
                // UTC
            } else if let sign = reader.sign() {
                guard let offsetHours = reader.digits(2), offsetHours < 24 else { return nil }
                var offsetMinutes = 0
                let colon = reader.take(UInt8(ascii: ":"))
                if let minutes = reader.digits(2) {
                    guard minutes < 60 else { return nil }
                    offsetMinutes = minutes
                } else if colon {
                    return nil
                }
                seconds -= Double(sign * (offsetHours * 3600 + offsetMinutes * 60))
            }
        }
        reader.skipSpaces()
        return reader.atEnd ? seconds : nil
    }

    private static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private struct FixedReader {
        let bytes: UnsafeRawBufferPointer
        var i = 0

        var atEnd: Bool { i == bytes.count }

        mutating func skipSpaces() { while i < bytes.count, bytes[i] == 0x20 { i += 1 } }

        mutating func take(_ b: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == b else { return false }
            i += 1
            return true
        }

        mutating func digits(_ count: Int) -> Int? {
            guard bytes.count - i >= count else { return nil }
            var value = 0
            for k in 0..<count {
                let d = bytes[i + k] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                value = value * 10 + Int(d)
            }
            i += count
            return value
        }

        /// Digits after a decimal point, as a fraction of one (at most 9 digits are used).
        mutating func fraction() -> Double? {
            var value = 0.0
            var scale = 0.1
            var count = 0
            while i < bytes.count, bytes[i] &- UInt8(ascii: "0") < 10 {
                if count < 9 {
                    value += Double(bytes[i] &- UInt8(ascii: "0")) * scale
                    scale /= 10
                }
                count += 1
                i += 1
            }
            return count > 0 ? value : nil
        }

        mutating func sign() -> Int? {
            if take(UInt8(ascii: "+")) { return 1 }
            if take(UInt8(ascii: "-")) { return -1 }
            return nil
        }
    }
}
