import Logging
import PlantRuntime
import PrognosCore
import Store
import Synchronization

/// Writes alarm changes to the store in order, each with its alert in one transaction, and wakes
/// the publisher after each commit so the alert leaves at once.
///
/// While the store refuses writes (disk full, locked, I/O errors) the changes wait in memory, in
/// order, and every one of them goes straight to MQTT as it comes, so operators still hear of them
/// (not only the first: a change never waits behind a failing write to be announced). A retry runs
/// every `retryDelay`, doubling up to 5 s; once writes succeed again the waiting changes are written
/// (their alerts then leave through the outbox a second time: subscribers drop the duplicate by
/// `event_id`). The failure is logged once when it starts and once when it ends, with the count of
/// changes that waited.
public final class AlarmWriter: Sendable {
    private enum Work: Sendable {
        case update(AlarmUpdate)
        case retry
    }

    private let store: Store
    private let site: String
    private let logger: Logger
    private let direct: @Sendable (OutboxMessage) -> Void
    private let committed: @Sendable () -> Void
    private let stream: AsyncStream<Work>
    private let continuation: AsyncStream<Work>.Continuation
    private let waitingCount = Atomic<Int>(0)

    /// `publishDirectly` announces an alert without the outbox (while the store refuses writes);
    /// `committed` is called after each alarm change committed with its alert (wakes the publisher).
    public init(
        store: Store, site: String, logger: Logger, publishDirectly: @escaping @Sendable (OutboxMessage) -> Void,
        committed: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.site = site
        self.logger = logger
        self.direct = publishDirectly
        self.committed = committed
        (stream, continuation) = AsyncStream.makeStream(of: Work.self)
    }

    public func submit(_ update: AlarmUpdate) { continuation.yield(.update(update)) }

    /// Ends `run()` once every submitted change has been handled (written, or still refused after
    /// one last attempt: those are logged as lost, since nothing else holds them).
    public func finish() { continuation.finish() }

    /// Alarm changes waiting in memory for the store to accept them.
    public var waiting: Int { waitingCount.load(ordering: .relaxed) }

    /// Writes every submitted change until `finish()`.
    public func run() async {
        var waiting: [(update: AlarmUpdate, alert: OutboxMessage?, announced: Bool)] = []
        var failingSince: ContinuousClock.Instant?
        var delay: Duration = .milliseconds(100)
        var retryScheduled = false
        var lastError = ""
        for await work in stream {
            switch work {
            case .update(let update): waiting.append((update, AlertMessages.alert(for: update, site: site), false))
            case .retry: retryScheduled = false
            }
            // While failing, a new change is announced at once; it is written after those before it.
            if failingSince != nil, case .update = work, let alert = waiting[waiting.count - 1].alert {
                direct(alert)
                waiting[waiting.count - 1].announced = true
            }
            if failingSince != nil, case .update = work, retryScheduled { continue }
            while let first = waiting.first {
                do {
                    try await store.recordAlarmTransition(
                        first.update.transition, of: first.update.alarm, actor: first.update.actor, outbox: first.alert)
                    waiting.removeFirst()
                    if first.alert != nil { committed() }
                } catch {
                    lastError = "\(error)"
                    break
                }
            }
            waitingCount.store(waiting.count, ordering: .relaxed)
            if waiting.isEmpty {
                if let since = failingSince {
                    logger.notice(
                        "Alarm writes succeed again; the changes that waited are stored and published through the outbox",
                        metadata: ["failing.seconds": "\(Int((ContinuousClock.now - since).components.seconds))"])
                    failingSince = nil
                    delay = .milliseconds(100)
                }
                continue
            }
            if failingSince == nil {
                failingSince = .now
                logger.error(
                    "Cannot write alarms to the store; alerts go straight to MQTT and wait in memory until it recovers",
                    metadata: ["error": "\(lastError)"])
            }
            for index in waiting.indices where !waiting[index].announced {
                if let alert = waiting[index].alert { direct(alert) }
                waiting[index].announced = true
            }
            if !retryScheduled {
                retryScheduled = true
                let wait = delay
                delay = min(delay * 2, .seconds(5))
                let continuation = self.continuation
                Task {
                    try? await Task.sleep(for: wait)
                    continuation.yield(.retry)
                }
            }
        }
        // Finished: one last attempt for what still waits.
        for entry in waiting {
            do {
                try await store.recordAlarmTransition(
                    entry.update.transition, of: entry.update.alarm, actor: entry.update.actor, outbox: entry.alert)
            } catch {
                logger.error(
                    "Alarm change not stored at shutdown (it was published directly)",
                    metadata: ["alarm.id": "\(entry.update.alarm.id)", "error": "\(error)"])
            }
        }
    }
}
