import Foundation
import PrognosCore
import Store

/// Alarm commands by operators, the one path that `prognos alarms` and the dashboard share:
/// the command runs the alarm's state machine in the store, and the transition and its alert are
/// written in one transaction; the running daemon adopts the new state from the alarm history.
public struct OperatorCommands: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// The site id the daemon runs (for alert topics), from its status row.
    public func site() async -> String? {
        (try? await store.daemonStatus())??.details.site
    }

    @discardableResult
    public func apply(
        _ command: AlarmCommand, to id: String, by actor: String, at time: Double = Date().timeIntervalSince1970
    )
        async throws -> AlarmRecord
    {
        let site = await site() ?? "unknown"
        return try await store.apply(command, toAlarm: id, by: actor, at: time) { alarm, history in
            guard let history else { return nil }
            let transition = AlarmTransition(
                from: history.fromState ?? alarm.state, to: history.toState, cause: history.cause, time: history.time)
            return OutboxMessage.alert(
                topic: AlertMessages.alarmTopic(site: site, asset: alarm.asset),
                payload: AlertMessages.alarm(site: site, alarm: alarm, transition: transition, actor: actor),
                createdAt: time)
        }
    }
}
