import Logging
import Store

/// Writes alarm changes to the store one at a time, in order (each with its alert, in one
/// transaction). While the store refuses writes (disk full, locked, I/O errors) the changes wait
/// in memory, in order, and their alerts go straight to MQTT so operators still hear of them;
/// once writes succeed again the waiting changes are written (their alerts then leave through the
/// outbox a second time: subscribers drop the duplicate by `event_id`).
final class AlarmWriter: Sendable {
    private let store: Store
    private let logger: Logger
    private let direct: @Sendable (OutboxMessage) -> Void
    private let stream: AsyncStream<AlarmUpdate>
    private let continuation: AsyncStream<AlarmUpdate>.Continuation

    init(store: Store, logger: Logger, publishDirectly: @escaping @Sendable (OutboxMessage) -> Void) {
        self.store = store
        self.logger = logger
        self.direct = publishDirectly
        (stream, continuation) = AsyncStream.makeStream(of: AlarmUpdate.self)
    }

    func submit(_ update: AlarmUpdate) { continuation.yield(update) }

    func finish() { continuation.finish() }

    /// Writes every submitted change until `finish()`; retries failed writes with backoff.
    func run() async {
        var failing = false
        for await update in stream {
            var delay: Duration = .milliseconds(100)
            var publishedDirectly = false
            while true {
                do {
                    try await store.recordAlarmTransition(update.transition, of: update.alarm, actor: update.actor, outbox: update.alert)
                    if failing {
                        logger.notice("Alarm writes succeed again")
                        failing = false
                    }
                    break
                } catch {
                    if !failing {
                        logger.error("Cannot write alarms to the store; alerts go straight to MQTT until it recovers", metadata: ["error": "\(error)"])
                        failing = true
                    }
                    if !publishedDirectly, let alert = update.alert {
                        direct(alert)
                        publishedDirectly = true
                    }
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(5))
                }
            }
        }
    }
}
