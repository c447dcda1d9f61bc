/// Calendar arithmetic on epoch seconds in UTC (the plant's time zone), with Howard Hinnant's
/// algorithms for the proleptic Gregorian calendar, and the one ISO 8601 form Prognos writes. One
/// definition for the daemon, the simulator, the planner, the collectors and the fleet service.
public enum CivilTime {
    /// Days since 1970-01-01 of a date (`days_from_civil`).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Year, month (1–12) and day of a day number since 1970-01-01 (`civil_from_days`).
    public static func date(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The day number and the milliseconds into that day of epoch seconds (floored, so times
    /// before 1970 fall on the right day).
    static func split(_ seconds: Double) -> (days: Int, milliseconds: Int) {
        let millis = Int64((seconds * 1000).rounded())
        var days = millis / 86_400_000
        var rest = millis % 86_400_000
        if rest < 0 {
            rest += 86_400_000
            days -= 1
        }
        return (Int(days), Int(rest))
    }

    /// ISO 8601 in UTC with milliseconds, e.g. `2026-11-29T03:58:21.123Z`.
    public static func iso8601(_ seconds: Double) -> String {
        let (days, ms) = split(seconds)
        let (y, m, d) = date(days: days)
        return
            "\(pad(y, 4))-\(pad(m))-\(pad(d))T\(pad(ms / 3_600_000)):\(pad(ms / 60_000 % 60)):\(pad(ms / 1000 % 60)).\(pad(ms % 1000, 3))Z"
    }

    /// `Tue 2025-01-07 22:00` (UTC, to the minute): times people read in plans and reasons.
    public static func weekdayAndMinute(_ seconds: Double) -> String {
        let (days, ms) = split((seconds / 60).rounded(.down) * 60)
        let (y, m, d) = date(days: days)
        let names = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let weekday = names[((days % 7) + 7) % 7]
        return "\(weekday) \(pad(y, 4))-\(pad(m))-\(pad(d)) \(pad(ms / 3_600_000)):\(pad(ms / 60_000 % 60))"
    }

    /// Month index (year × 12 + month − 1) of epoch seconds.
    public static func monthIndex(_ seconds: Double) -> Int {
        let (y, m, _) = date(days: split(seconds).days)
        return y * 12 + m - 1
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// ISO 8601 in UTC with milliseconds (`CivilTime.iso8601`).
public func isoTime(_ seconds: Double) -> String { CivilTime.iso8601(seconds) }
