import Logging
import PlantRuntime
import PrognosCore
import Store
import Synchronization

/// Writes alarm changes to the store in order, each with its alert in the same transaction, and
/// wakes the publisher after each commit so the alerts leave at once. The changes that arrived
/// while the last commit ran go in the next one together (a group commit): under a full plant's
/// telemetry each commit waits for the store's writer, and a burst of changes (a pump tripping
/// raises its failure, limit and deviation alarms together) waits for it once, not once per change.
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
        /// Changes were submitted (they are in `inbox`).
        case arrived
        case retry
    }

    /// The most changes one transaction takes (after a long store failure, thousands may wait).
    static let maxGroup = 500

    private let store: Store
    private let site: String
    private let logger: Logger
    private let direct: @Sendable (OutboxMessage) -> Void
    private let committed: @Sendable () -> Void
    private let stream: AsyncStream<Work>
    private let continuation: AsyncStream<Work>.Continuation
    private let waitingCount = Atomic<Int>(0)
    /// Submitted changes not yet taken by `run()`, in order, with when they were submitted.
    private let inbox = Mutex<[(AlarmUpdate, AlarmStages)]>([])

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

    /// `polled`: the newest reading of the batch that decided it; `hubStarted`: when the hub began
    /// that batch (traced, see `AlarmStages`).
    public func submit(_ update: AlarmUpdate, polled: Double? = nil, hubStarted: Double? = nil) {
        let stages = AlarmStages(polled: polled, hub: hubStarted, submitted: AlarmStages.now)
        inbox.withLock { $0.append((update, stages)) }
        continuation.yield(.arrived)
    }

    /// Ends `run()` once every submitted change has been handled (written, or still refused after
    /// one last attempt: those are logged as lost, since nothing else holds them).
    public func finish() { continuation.finish() }

    /// Alarm changes waiting in memory for the store to accept them.
    public var waiting: Int { waitingCount.load(ordering: .relaxed) }

    /// Writes every submitted change until `finish()`.
    public func run() async {
        var waiting: [Waiting] = []
        var failingSince: ContinuousClock.Instant?
        var delay: Duration = .milliseconds(100)
        var retryScheduled = false
        var lastError = ""
        for await work in stream {
            if case .retry = work { retryScheduled = false }
            let taken = AlarmStages.now
            for (update, var stages) in takeArrived() {
                stages.taken = taken
                // While failing, a new change is announced at once; it is written after those before it.
                // (The alert written with it is built in the store's transaction, from the merged alarm.)
                let announce = failingSince != nil && update.transition != nil
                if announce, let alert = AlertMessages.alert(for: update, site: site) { direct(alert) }
                waiting.append(Waiting(update: update, announced: announce, stages: stages))
            }
            if failingSince != nil, case .arrived = work, retryScheduled { continue }
            while !waiting.isEmpty {
                let group = waiting.prefix(Self.maxGroup)
                do {
                    let began = try await store.recordAlarmTransitions(group.map(change))
                    let now = AlarmStages.now
                    waiting.removeFirst(group.count)
                    if group.contains(where: { $0.update.transition != nil }) { committed() }
                    for entry in group {
                        var stages = entry.stages
                        (stages.began, stages.committed) = (began, now)
                        stages.log(entry.update, logger: logger)
                    }
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
                if let alert = AlertMessages.alert(for: waiting[index].update, site: site) { direct(alert) }
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
        waiting += takeArrived().map { Waiting(update: $0.0, announced: false, stages: $0.1) }
        for entry in waiting {
            do {
                try await store.recordAlarmTransitions([change(entry)])
            } catch {
                logger.error(
                    "Alarm change not stored at shutdown (it was published directly)",
                    metadata: ["alarm.id": "\(entry.update.alarm.id)", "error": "\(error)"])
            }
        }
    }

    private struct Waiting {
        var update: AlarmUpdate
        var announced: Bool
        var stages: AlarmStages
    }

    private func takeArrived() -> [(AlarmUpdate, AlarmStages)] {
        inbox.withLock { arrived in
            defer { arrived.removeAll() }
            return arrived
        }
    }

    /// The store merges the change with the alarm's row, and the alert is built from what it merged.
    private func change(_ entry: Waiting) -> AlarmChange {
        let (update, site) = (entry.update, site)
        return AlarmChange(alarm: update.alarm, transition: update.transition, actor: update.actor) {
            alarm, transition in
            AlertMessages.alert(
                for: AlarmUpdate(
                    alarm: alarm, transition: transition, actor: update.actor, diagnosis: update.diagnosis),
                site: site)
        }
    }
}
