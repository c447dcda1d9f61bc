/// `text` as a JSON string literal: quoted, with quotes, backslashes and control characters escaped.
/// The one escaper behind every JSON document Prognos writes by hand (alerts, plans, simulated
/// MQTT payloads), where field order must stay as written.
public func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// A number as people write it and as it reads back: the shortest text that parses to the same
/// Double, whole numbers without ".0" (600, 0.5, 1.25e-07).
public func plainNumber(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
}

/// The one writer of the JSON documents Prognos emits by hand (alerts, states, plans, simulated MQTT
/// payloads, `poll --format json`), where field order must stay as written: one escaper, one number
/// form, one time form.
public enum JSONText {
    /// A string literal (`jsonString`).
    public static func string(_ text: String) -> String { jsonString(text) }

    /// The shortest text that reads back as the same Double (whole numbers without ".0");
    /// NaN and ±infinity, which JSON cannot carry, become null.
    public static func number(_ value: Double) -> String { value.isFinite ? plainNumber(value) : "null" }

    /// A time as an ISO 8601 string literal in UTC with milliseconds (`CivilTime.iso8601`).
    public static func time(_ seconds: Double) -> String { string(CivilTime.iso8601(seconds)) }

    public static func bool(_ value: Bool) -> String { value ? "true" : "false" }

    /// An object of already-written values, in the order given.
    public static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// An array of already-written values.
    public static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}
