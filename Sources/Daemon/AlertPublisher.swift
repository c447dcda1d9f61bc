import Foundation
import Logging
import MQTT
import PlantRuntime
import PrognosCore
import Store
import Synchronization

/// Publishes the outbox to MQTT: alerts in id order, QoS 1, each deleted from the outbox only
/// once the broker acknowledged it (PUBACK). While the broker is away the outbox grows; after the
/// reconnect it drains in order. Also keeps the retained status (online, or offline by Last Will)
/// and the retained state of every asset.
///
/// The outbox is drained when the alarm writer commits (`wake()`), when deletions free room in the
/// in-flight window, and every 100 ms for retries. Draining only reads the store: what the
/// publisher writes (deleting what the broker acknowledged, counting attempts) is done by a loop
/// of its own, so that a new alert never waits for those writes, which wait for the store's
/// writer behind telemetry. Acknowledged messages are deleted together, one transaction per pass:
/// with `synchronous=FULL` a commit costs milliseconds, and one per message capped the drain after
/// an outage at a few hundred alerts a second. A message the broker acknowledged whose deletion
/// fails (disk full, locked) is not sent again: it stays in flight and its deletion is retried
/// until it succeeds.
public final class AlertPublisher: Sendable {
    public let client: MQTTClient
    private let store: Store
    private let logger: Logger
    private let site: String
    private let inFlight = Mutex<Set<Int64>>([])
    private let maxInFlight = 200
    /// Acknowledged by the broker (PUBACK), not yet deleted from the outbox.
    private let acknowledgedIDs = Mutex<[Int64]>([])
    /// Deleted from the outbox, still in flight: the next drain lets them go before it reads the
    /// outbox (a read begun before their deletion committed may still hold them: not sent twice).
    private let retiredIDs = Mutex<[Int64]>([])
    /// Handed to the broker, their attempt not yet counted in the outbox.
    private let attemptedIDs = Mutex<[Int64]>([])
    /// Logged once when deleting delivered alerts starts failing (it is retried every 100 ms) and once when it recovers.
    private let deleteFault = Mutex(RepeatingFault("Cannot delete delivered alerts from the outbox; will retry"))
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    /// Wakes the loop that deletes and counts (see `keepBooks`).
    private let bookings: AsyncStream<Void>
    private let booking: AsyncStream<Void>.Continuation

    public init(broker: Broker, site: String, store: Store, logger: Logger) throws(MQTTError) {
        (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (bookings, booking) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        var options = MQTTClientOptions(
            broker: broker, cleanSession: false,
            will: LastWill(
                topic: AlertMessages.statusTopic(site: site),
                payload: Array(
                    AlertMessages.status(site: site, online: false, time: Date().timeIntervalSince1970).utf8),
                qos: .atLeastOnce, retain: true))
        // Its own client id: the collector's connection to the same broker keeps the plant's.
        options.clientID = "\(broker.clientID ?? "prognos-\(site)")-alerts"
        client = try MQTTClient(options: options, logger: logger)
        self.store = store
        self.logger = logger
        self.site = site
        let siteID = site
        let client = self.client
        client.onConnectionEvent { event in
            if case .connected = event {
                let payload = AlertMessages.status(site: siteID, online: true, time: Date().timeIntervalSince1970)
                _ = try? client.publish(
                    topic: AlertMessages.statusTopic(site: siteID), payload: Array(payload.utf8), qos: .atLeastOnce,
                    retain: true)
            }
        }
    }

    /// New alerts are in the outbox: drain it now rather than at the next retry tick.
    public func wake() { wakeup.yield() }

    /// Drains the outbox until cancelled: at each `wake()` and every 100 ms; beside it, deletes what
    /// the broker acknowledged and counts attempts (`keepBooks`).
    public func run() async {
        client.start()
        let ticker = Task { [wakeup, booking] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                wakeup.yield()
                booking.yield()
            }
        }
        let books = Task { await keepBooks() }
        defer { ticker.cancel() }
        await withTaskCancellationHandler {
            for await _ in wakeups {
                if Task.isCancelled { break }
                await drainOnce()
            }
        } onCancel: { [wakeup, booking] in
            wakeup.finish()
            booking.finish()
        }
        await books.value
        await flushAcknowledged()
    }

    /// Deletes what the broker acknowledged and counts the attempts of what it has not, at each
    /// acknowledgement and every 100 ms, until cancelled; a deletion frees room in the in-flight
    /// window, so the drain is woken after it.
    private func keepBooks() async {
        for await _ in bookings {
            if await flushAcknowledged() > 0 { wakeup.yield() }
            await recordAttempts()
        }
    }

    /// Counts one more attempt of every message handed to the broker since the last count and not
    /// acknowledged yet (an operator reads in the outbox how often an undelivered alert has been
    /// tried; a delivered one is deleted, its count with it).
    private func recordAttempts() async {
        // Delivered: acknowledged, or deleted and still in flight until the next drain.
        let delivered = Set(acknowledgedIDs.withLock { $0 }).union(retiredIDs.withLock { $0 })
        let ids = attemptedIDs.withLock { ids in
            defer { ids.removeAll() }
            return ids
        }.filter { id in !delivered.contains(id) && inFlight.withLock { $0.contains(id) } }
        guard !ids.isEmpty else { return }
        do {
            try await store.recordAttempt(ids: ids, at: Date().timeIntervalSince1970)
        } catch {
            logger.debug("Cannot count the publish attempts", metadata: ["error": "\(error)"])
        }
    }

    /// Deletes every acknowledged message in one transaction, then lets them leave the in-flight
    /// set; returns how many were deleted.
    @discardableResult
    func flushAcknowledged() async -> Int {
        let ids = acknowledgedIDs.withLock { ids in
            defer { ids.removeAll() }
            return ids
        }
        guard !ids.isEmpty else { return 0 }
        do {
            try await store.markDelivered(ids: ids)
        } catch {
            // They stay in flight (never sent twice) and are deleted with a later flush.
            deleteFault.withLock { $0.failed(error, logger: logger) }
            acknowledgedIDs.withLock { $0.insert(contentsOf: ids, at: 0) }
            return 0
        }
        deleteFault.withLock { $0.succeeded(logger: logger) }
        retiredIDs.withLock { $0 += ids }
        return ids.count
    }

    /// Publishes every pending outbox message not already in flight.
    public func drainOnce() async {
        let retired = retiredIDs.withLock { ids in
            defer { ids.removeAll() }
            return ids
        }
        if !retired.isEmpty { inFlight.withLock { $0.subtract(retired) } }
        guard client.isConnected else { return }
        let room = maxInFlight - inFlight.withLock { $0.count }
        guard room > 0 else { return }
        let pending: [OutboxMessage]
        do {
            pending = try await store.pendingOutbox(limit: maxInFlight)
        } catch {
            logger.warning("Cannot read the outbox", metadata: ["error": "\(error)"])
            return
        }
        var sent: [Int64] = []
        for message in pending where sent.count < room {
            guard let id = message.id else { continue }
            let isNew = inFlight.withLock { $0.insert(id).inserted }
            guard isNew else { continue }
            do {
                try client.publish(
                    topic: message.topic, payload: Array(message.payload.utf8),
                    qos: message.qos >= 1 ? .atLeastOnce : .atMostOnce,
                    retain: message.retain
                ) { [self] result in
                    switch result {
                    case .success: acknowledged(id)
                    case .failure: inFlight.withLock { _ = $0.remove(id) }
                    }
                }
                sent.append(id)
                if message.kind == .alert { AlarmStages.logPublished(message.payload, logger: logger) }
            } catch {
                inFlight.withLock { _ = $0.remove(id) }
                break
            }
        }
        // Counted by `keepBooks`, off their path.
        if !sent.isEmpty { attemptedIDs.withLock { $0 += sent } }
    }

    /// The broker has message `id`: it is deleted from the outbox with the next flush (it stays in
    /// flight until then, so it is not sent twice).
    private func acknowledged(_ id: Int64) {
        acknowledgedIDs.withLock { $0.append(id) }
        booking.yield()
    }

    /// Publishes an alert without the outbox (while the store refuses writes).
    public func publishDirectly(_ message: OutboxMessage) {
        _ = try? client.publish(
            topic: message.topic, payload: Array(message.payload.utf8), qos: .atLeastOnce, retain: message.retain)
    }

    /// Publishes the assets' retained state summaries (latest wins: no outbox needed).
    func publishStates(_ summaries: [AssetSummary]) {
        guard client.isConnected else { return }
        for summary in summaries {
            _ = try? client.publish(
                topic: AlertMessages.stateTopic(site: site, asset: summary.asset),
                payload: Array(AlertMessages.state(summary, site: site).utf8),
                qos: .atLeastOnce, retain: true)
        }
    }

    /// Publishes a retained document (the plan), QoS 1; the latest one is what subscribers get.
    func publishRetained(topic: String, _ document: String) {
        _ = try? client.publish(topic: topic, payload: Array(document.utf8), qos: .atLeastOnce, retain: true)
    }

    /// Marks the daemon offline (retained) and disconnects.
    public func close() async {
        if client.isConnected {
            let payload = AlertMessages.status(site: site, online: false, time: Date().timeIntervalSince1970)
            _ = try? await client.publishAcknowledged(
                topic: AlertMessages.statusTopic(site: site), payload: Array(payload.utf8), qos: .atLeastOnce,
                retain: true,
                timeout: .seconds(2))
        }
        client.close()
    }
}
