import Logging
import Store
import Synchronization

/// Writes alarm changes to the store one at a time, in order (each with its alert, in one
/// transaction). While the store refuses writes (disk full, locked, I/O errors) the changes wait
/// in memory, in order, and the alert of every one of them goes straight to MQTT at once, the ones
/// already waiting when the first write failed and the ones that come while it keeps failing, so
/// operators still hear of them; once writes succeed again the waiting changes are written (their
/// alerts then leave through the outbox a second time: subscribers drop the duplicate by `event_id`).
final class AlarmWriter: Sendable {
    private struct Waiting: Sendable {
        var update: AlarmUpdate
        /// Its alert already went straight to MQTT.
        var published: Bool
    }

    private struct Queue: Sendable {
        var waiting: [Waiting] = []
        var failing = false
    }

    private let store: Store
    private let logger: Logger
    private let direct: @Sendable (OutboxMessage) -> Void
    private let queue = Mutex(Queue())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    init(store: Store, logger: Logger, publishDirectly: @escaping @Sendable (OutboxMessage) -> Void) {
        self.store = store
        self.logger = logger
        self.direct = publishDirectly
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func submit(_ update: AlarmUpdate) {
        let publishNow = queue.withLock { queue in
            queue.waiting.append(Waiting(update: update, published: queue.failing))
            return queue.failing
        }
        if publishNow, let alert = update.alert { direct(alert) }
        wake.yield()
    }

    /// No more changes: `run()` returns once the waiting ones are written.
    func finish() { wake.finish() }

    /// Writes every submitted change until `finish()`; retries failed writes with backoff.
    func run() async {
        await writeWaiting()
        for await _ in wakeups { await writeWaiting() }
        await writeWaiting()
    }

    private func writeWaiting() async {
        var delay: Duration = .milliseconds(100)
        while let head = queue.withLock({ $0.waiting.first }) {
            let update = head.update
            do {
                try await store.recordAlarmTransition(update.transition, of: update.alarm, actor: update.actor, outbox: update.alert)
                let recovered = queue.withLock { queue in
                    queue.waiting.removeFirst()
                    defer { queue.failing = false }
                    return queue.failing
                }
                if recovered { logger.notice("Alarm writes succeed again") }
                delay = .milliseconds(100)
            } catch {
                let (first, unpublished) = queue.withLock { queue in
                    let first = !queue.failing
                    queue.failing = true
                    var unpublished: [OutboxMessage] = []
                    for index in queue.waiting.indices where !queue.waiting[index].published {
                        queue.waiting[index].published = true
                        if let alert = queue.waiting[index].update.alert { unpublished.append(alert) }
                    }
                    return (first, unpublished)
                }
                if first {
                    logger.error("Cannot write alarms to the store; alerts go straight to MQTT until it recovers", metadata: ["error": "\(error)"])
                }
                for alert in unpublished { direct(alert) }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
