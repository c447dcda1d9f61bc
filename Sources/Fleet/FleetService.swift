import Foundation
import Logging
import MQTT
import ServiceLifecycle
import Synchronization

/// `prognos fleet`: subscribes on the central broker to every plant's alarms, asset states, plans
/// and statuses (persistent session, QoS 1), drops duplicate alarm events, and writes what it
/// receives to PostgreSQL in batches: whatever arrived while the previous batch was being written.
/// The network thread only reads and acknowledges; the writer decodes, checks and writes.
///
/// Delivery: libmosquitto acknowledges a QoS 1 message when it arrives, before it is committed.
/// While the service is away its persistent session keeps messages on the broker; a message in
/// flight when the connection drops is delivered again, and the idempotent insert (keyed by the
/// event id) makes that harmless. A graceful stop (SIGTERM) disconnects first, then commits
/// everything received; a crash loses what was received and not yet committed (at most one
/// batch; alarms stay in each plant's own database).
public final class FleetService: Service, Sendable {
    public struct Options: Sendable {
        public var mqtt: MQTTClientOptions
        /// Messages that may wait for the writer before the service stops reading from the broker.
        public var intakeCapacity = 20_000
        /// Alarm event ids remembered for dropping duplicates before they reach the database.
        public var recentEvents = 200_000
        /// Messages dated further than this ahead of this machine's clock are refused (a plant clock gone wrong).
        public var maximumFutureSkew = 86_400.0

        public init(mqtt: MQTTClientOptions) { self.mqtt = mqtt }
    }

    /// Counts since the service started.
    public struct Statistics: Sendable, Equatable {
        public var received = 0
        public var duplicatesDropped = 0
        public var rejected = 0
        /// Messages written in committed batches (duplicates dropped before are not counted).
        public var committed = 0
        public var alarmsInserted = 0
        public var batches = 0
        public var writeFailures = 0
    }

    /// A committed batch, for tests and the benchmark: what it held, what it changed, when COMMIT returned.
    public struct Commit: Sendable {
        public var batch: FleetBatch
        public var result: FleetWriteResult
        public var committedAt: Double
    }

    private let options: Options
    private let database: FleetDatabase
    private let logger: Logger
    private let client: MQTTClient
    private let intake: FleetIntake
    private let recent: Mutex<RecentEventIDs>
    private let counters = Mutex(Statistics())
    private let rejections = Mutex((last: -Double.infinity, suppressed: 0))
    private let onCommit: (@Sendable (Commit) -> Void)?

    public init(
        options: Options, database: FleetDatabase, logger: Logger, onCommit: (@Sendable (Commit) -> Void)? = nil
    ) throws {
        var mqtt = options.mqtt
        mqtt.cleanSession = false
        if mqtt.clientID == nil { mqtt.clientID = "prognos-fleet" }
        self.options = options
        self.database = database
        self.logger = logger
        self.onCommit = onCommit
        intake = FleetIntake(capacity: options.intakeCapacity)
        recent = Mutex(RecentEventIDs(capacity: options.recentEvents))
        client = try MQTTClient(options: mqtt, logger: logger)
    }

    public var statistics: Statistics { counters.withLock { $0 } }

    /// Whether the broker acknowledged every subscription.
    public var isReady: Bool { client.isReady }

    /// Migrates the database, subscribes, and writes until `stop()` or a graceful shutdown; then
    /// disconnects and commits what was received.
    public func run() async throws {
        let applied = try await database.migrate()
        if !applied.isEmpty { logger.notice("fleet database migrated", metadata: ["fleet.migrations": "\(applied)"]) }
        // This month's alarm partition and the next one exist before the first alarm arrives.
        try await database.ensurePartitions(for: [Date().timeIntervalSince1970])
        client.onMessage { [self] message in receive(message) }
        client.onConnectionEvent { [logger] event in logger.info("central broker: \(event)") }
        for filter in FleetMessage.subscriptions { try client.subscribe(filter, qos: .atLeastOnce) }
        client.start()
        logger.notice(
            "fleet service running",
            metadata: ["mqtt.broker": "\(options.mqtt.endpoint)", "fleet.db": "\(database.url)"])
        await withGracefulShutdownHandler {
            for await _ in intake.wakeups { await writeWhileDecoding() }
        } onGracefulShutdown: { [intake] in
            intake.close()
        }
        client.close()
        await store(accept(intake.take()), finalFlush: true)
        logger.notice("fleet service stopped", metadata: ["fleet.committed": "\(statistics.committed)"])
    }

    /// Ends `run()` as a graceful shutdown does.
    public func stop() { intake.close() }

    /// On the network thread: counts and hands over (may wait while the writer is behind).
    private func receive(_ message: MQTTMessage) {
        counters.withLock { $0.received += 1 }
        intake.offer(message)
    }

    /// Decodes what was received, checks it and drops duplicate alarm events (by site and event id).
    private func accept(_ received: [MQTTMessage]) -> FleetBatch {
        var batch = FleetBatch()
        var duplicates = 0
        for message in received {
            let decoded: FleetMessage
            do {
                decoded = try FleetMessage.decode(topic: message.topic, payload: message.payload)
                try checkTime(decoded, topic: message.topic)
            } catch {
                reject(error)
                continue
            }
            // Event ids are unique within a site only.
            if case .alarm(let event) = decoded, !recent.withLock({ $0.insert(event.site + "\u{0}" + event.eventID) }) {
                duplicates += 1
                continue
            }
            batch.append(decoded)
        }
        if duplicates > 0 { counters.withLock { $0.duplicatesDropped += duplicates } }
        return batch
    }

    private func checkTime(_ message: FleetMessage, topic: String) throws(FleetMessageError) {
        let time: Double
        switch message {
        case .alarm(let a): time = a.time
        case .state(let s): time = s.time
        case .plan(let p): time = p.createdAt
        case .status(let s): time = s.time
        }
        let now = Date().timeIntervalSince1970
        if time > now + options.maximumFutureSkew || time < 946_684_800 {
            throw FleetMessageError(
                topic: topic, reason: "its time \(time) s is not plausible against this clock (\(now) s)")
        }
    }

    /// Logs the first bad message, then at most one line a minute with how many were refused meanwhile.
    private func reject(_ error: any Error) {
        counters.withLock { $0.rejected += 1 }
        let now = Date().timeIntervalSince1970
        let suppressed: Int? = rejections.withLock { state in
            guard now - state.last >= 60 else {
                state.suppressed += 1
                return nil
            }
            defer { state = (now, 0) }
            return state.suppressed
        }
        if let suppressed {
            logger.warning(
                "fleet message refused", metadata: ["error": "\(error)", "fleet.refused_since_last": "\(suppressed)"])
        }
    }

    /// Writes what is waiting, one transaction per batch, until nothing is left; while PostgreSQL
    /// stores a batch, the messages that arrived meanwhile are decoded.
    private func writeWhileDecoding() async {
        var next = accept(intake.take())
        while !next.isEmpty {
            let batch = next
            async let stored: Void = store(batch)
            next = accept(intake.take())
            await stored
        }
    }

    /// Writes `batch` in one transaction; on failure waits and tries the same batch again (capped
    /// backoff), so nothing taken from the intake is dropped while the database is away.
    private func store(_ batch: FleetBatch, finalFlush: Bool = false) async {
        guard !batch.isEmpty else { return }
        var delay = 0.1
        var failures = 0
        while true {
            do {
                let result = try await database.write(batch)
                let now = Date().timeIntervalSince1970
                counters.withLock {
                    $0.committed += batch.count
                    $0.alarmsInserted += result.alarmsInserted
                    $0.batches += 1
                }
                if failures > 0 {
                    logger.notice("fleet database writes again", metadata: ["fleet.failed_attempts": "\(failures)"])
                }
                onCommit?(Commit(batch: batch, result: result, committedAt: now))
                return
            } catch {
                failures += 1
                counters.withLock { $0.writeFailures += 1 }
                if failures == 1 {
                    logger.error(
                        "fleet database write failed; retrying the batch",
                        metadata: ["error": "\(FleetDatabaseError.describe(error))", "fleet.batch": "\(batch.count)"])
                }
                // The final flush also retries: these messages were acknowledged to the broker already.
                try? await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 5)
                if finalFlush && failures > 20 {
                    logger.critical("fleet database unreachable at shutdown; \(batch.count) messages not stored")
                    return
                }
            }
        }
    }
}
