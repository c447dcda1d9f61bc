import Foundation
import PrognosCore
import Store

/// The JSON documents Prognos publishes over MQTT (schema in the README, "MQTT messages").
public enum AlertMessages {
    /// Topic of an asset's alarm transitions.
    public static func alarmTopic(site: String, asset: String) -> String { "prognos/\(site)/\(asset)/alarm" }
    /// Retained topic of an asset's latest health summary.
    public static func stateTopic(site: String, asset: String) -> String { "prognos/\(site)/\(asset)/state" }
    /// Retained topic of the current maintenance plan.
    public static func planTopic(site: String) -> String { "prognos/\(site)/plan" }
    /// Retained topic saying whether the daemon is online (its Last Will says it is not).
    public static func statusTopic(site: String) -> String { "prognos/\(site)/status" }

    /// An alarm transition. `event_id` is unique per transition: subscribers drop duplicates by it
    /// (QoS 1 may deliver twice).
    public static func alarm(
        site: String, alarm: AlarmRecord, transition: AlarmTransition, actor: String, diagnosis: String? = nil
    ) -> String {
        var fields: [(String, String)] = [
            ("event_id", json("\(alarm.id)@\(Int64((transition.time * 1000).rounded()))/\(transition.cause.rawValue)")),
            ("alarm_id", json(alarm.id)),
            ("site", json(site)),
            ("asset", json(alarm.asset)),
            ("kind", json(alarm.kind.rawValue)),
            ("priority", json(alarm.priority.rawValue)),
            ("state", json(transition.to.rawValue)),
            ("previous_state", json(transition.from.rawValue)),
            ("cause", json(transition.cause.rawValue)),
            ("active", alarm.active ? "true" : "false"),
            ("time", json(isoTime(transition.time))),
            ("sensors", "[" + alarm.sensors.map(json).joined(separator: ",") + "]"),
            ("message", json(alarm.message)),
            ("actor", json(actor)),
        ]
        if let value = alarm.value, value.isFinite { fields.append(("value", number(value))) }
        if let threshold = alarm.threshold, threshold.isFinite { fields.append(("threshold", number(threshold))) }
        if let until = alarm.shelvedUntil { fields.append(("shelved_until", json(isoTime(until)))) }
        if let diagnosis { fields.append(("diagnosis", json(diagnosis))) }
        return object(fields)
    }

    /// The online/offline status document (also the Last Will's payload when offline).
    public static func status(site: String, online: Bool, time: Double) -> String {
        object([("site", json(site)), ("online", online ? "true" : "false"), ("time", json(isoTime(time)))])
    }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(json($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// `text` as a JSON string literal (quoted and escaped).
    public static func json(_ text: String) -> String { jsonString(text) }
}

/// ISO 8601 in UTC with milliseconds, e.g. 2026-11-29T03:58:21.123Z.
public func isoTime(_ seconds: Double) -> String {
    var whole = time_t(seconds.rounded(.down))
    let milliseconds = min(999, Int(((seconds - Double(whole)) * 1000).rounded()))
    var parts = tm()
    gmtime_r(&whole, &parts)
    return String(
        format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
        Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), milliseconds)
}
