import Foundation
import Logging
import PlantRuntime
import PrognosCore

/// When an alarm change passed each stage on its way to MQTT, on the wall clock (seconds since
/// 1970, as the reading's poll time that decided it): logged at trace level, so that the latency
/// from the reading to a subscriber can be split into its stages under a real load
/// (`Plants/tools/alarm-stages.py` pairs these lines with a subscriber's receipt stamps).
struct AlarmStages: Sendable {
    /// The newest reading of the batch that decided the change: the end of its device's poll (a
    /// poller stamps each request's readings as they are answered and delivers the poll's batch at
    /// its end), so a change decided early in a poll waits for the rest of it.
    var polled: Double?
    /// The hub began the batch of readings that decided the change.
    var hub: Double?
    /// The hub handed the change to the alarm writer.
    var submitted: Double
    /// The alarm writer took it, its transaction began (after the store's writer queue), it committed.
    var taken = 0.0
    var began = 0.0
    var committed = 0.0

    static var now: Double { Date().timeIntervalSince1970 }

    func log(_ update: AlarmUpdate, logger: Logger) {
        guard let transition = update.transition else { return }
        let event = AlertMessages.eventID(alarm: update.alarm, transition: transition)
        logger.trace(
            "Alarm change committed",
            metadata: [
                "event": "\(event)", "polled": "\(Self.text(polled))", "hub": "\(Self.text(hub))",
                "submitted": "\(Self.text(submitted))",
                "taken": "\(Self.text(taken))", "began": "\(Self.text(began))", "committed": "\(Self.text(committed))",
            ])
    }

    /// An alert leaving for the broker (`event_id` read from its payload, whose first field it is).
    static func logPublished(_ payload: String, logger: Logger) {
        logger.trace(
            "Alert published",
            metadata: [
                "event": "\(payload.split(separator: "\"", maxSplits: 4).dropFirst(3).first ?? "?")",
                "published": "\(text(now))",
            ])
    }

    private static func text(_ time: Double?) -> String { time.map { String(format: "%.4f", $0) } ?? "-" }
}
