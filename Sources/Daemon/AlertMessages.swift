import Foundation
import Planner
import PlantRuntime
import PrognosCore

/// The JSON documents Prognos publishes over MQTT (schema in docs/mqtt.md).
public enum AlertMessages {
    /// Topic of an asset's alarm transitions.
    public static func alarmTopic(site: String, asset: String) -> String { "prognos/\(site)/\(asset)/alarm" }
    /// Retained topic of an asset's latest health summary.
    public static func stateTopic(site: String, asset: String) -> String { "prognos/\(site)/\(asset)/state" }
    /// Retained topic of the current maintenance plan.
    public static func planTopic(site: String) -> String { "prognos/\(site)/plan" }
    /// Retained topic saying whether the daemon is online (its Last Will says it is not).
    public static func statusTopic(site: String) -> String { "prognos/\(site)/status" }

    /// The `event_id` of an alarm transition's alert: unique per transition, subscribers drop
    /// duplicates by it (QoS 1 may deliver twice).
    static func eventID(alarm: AlarmRecord, transition: AlarmTransition) -> String {
        "\(alarm.id)@\(Int64((transition.time * 1000).rounded()))/\(transition.cause.rawValue)"
    }

    /// An alarm transition, identified by `eventID`.
    public static func alarm(
        site: String, alarm: AlarmRecord, transition: AlarmTransition, actor: String, diagnosis: String? = nil
    ) -> String {
        var fields: [(String, String)] = [
            (
                "event_id",
                JSONText.string(eventID(alarm: alarm, transition: transition))
            ),
            ("alarm_id", JSONText.string(alarm.id)),
            ("site", JSONText.string(site)),
            ("asset", JSONText.string(alarm.asset)),
            ("kind", JSONText.string(alarm.kind.rawValue)),
            ("priority", JSONText.string(alarm.priority.rawValue)),
            ("state", JSONText.string(transition.to.rawValue)),
            ("previous_state", JSONText.string(transition.from.rawValue)),
            ("cause", JSONText.string(transition.cause.rawValue)),
            ("active", alarm.active ? "true" : "false"),
            ("time", JSONText.time(transition.time)),
            ("sensors", "[" + alarm.sensors.map(JSONText.string).joined(separator: ",") + "]"),
            ("message", JSONText.string(alarm.message)),
            ("actor", JSONText.string(actor)),
        ]
        if let value = alarm.value, value.isFinite { fields.append(("value", JSONText.number(value))) }
        if let threshold = alarm.threshold, threshold.isFinite {
            fields.append(("threshold", JSONText.number(threshold)))
        }
        if let until = alarm.shelvedUntil { fields.append(("shelved_until", JSONText.time(until))) }
        if let diagnosis { fields.append(("diagnosis", JSONText.string(diagnosis))) }
        return JSONText.object(fields)
    }

    /// The online/offline status document (also the Last Will's payload when offline).
    public static func status(site: String, online: Bool, time: Double) -> String {
        JSONText.object([
            ("site", JSONText.string(site)), ("online", online ? "true" : "false"), ("time", JSONText.time(time)),
        ])
    }

    /// The asset state document published retained on `prognos/<site>/<asset>/state`.
    public static func state(_ summary: AssetSummary, site: String) -> String {
        var fields: [(String, String)] = [
            ("site", JSONText.string(site)), ("asset", JSONText.string(summary.asset)),
            ("status", JSONText.string(summary.status.rawValue)), ("learning", summary.learning ? "true" : "false"),
            ("active_alarms", String(summary.activeAlarms)), ("time", JSONText.time(summary.time)),
            ("drivers", "[" + summary.drivers.map(JSONText.string).joined(separator: ",") + "]"),
        ]
        if let score = summary.score { fields.append(("score", JSONText.number(score))) }
        if let threshold = summary.threshold { fields.append(("threshold", JSONText.number(threshold))) }
        // Every mode's outlook, as the health table and the plan have it: a remaining life only for a
        // degrading mode (with its interval when there is one), `horizon_s` that the others lie beyond.
        let modes = summary.modes.map { outlook in
            var mode: [(String, String)] = [
                ("failure_mode", JSONText.string(outlook.failureMode)),
                ("state", JSONText.string(outlook.state.rawValue)),
            ]
            if let life = outlook.life {
                mode.append(("rul_median_s", JSONText.number(life.median)))
                if let p10 = life.p10 { mode.append(("rul_p10_s", JSONText.number(p10))) }
                if let p90 = life.p90 { mode.append(("rul_p90_s", JSONText.number(p90))) }
            }
            mode.append(("horizon_s", JSONText.number(outlook.horizon)))
            mode.append(("rul_text", JSONText.string(outlook.lifeText)))
            return JSONText.object(mode)
        }
        fields.append(("rul", "[" + modes.joined(separator: ",") + "]"))
        return JSONText.object(fields)
    }

    /// The outbox message announcing an alarm change on its asset's alarm topic (nil without a transition).
    public static func alert(for update: AlarmUpdate, site: String) -> OutboxMessage? {
        guard let transition = update.transition else { return nil }
        return .alert(
            topic: alarmTopic(site: site, asset: update.alarm.asset),
            payload: alarm(
                site: site, alarm: update.alarm, transition: transition, actor: update.actor,
                diagnosis: update.diagnosis),
            createdAt: transition.time)
    }
}
