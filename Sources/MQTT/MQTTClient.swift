import Logging
import Synchronization

/// An MQTT 3.1.1 client over libmosquitto: one connection to one broker, kept up by its own network
/// thread with capped exponential backoff; subscriptions are sent again after every reconnect.
///
/// Handlers run on the network thread: keep them short (hand work off, never block).
///
/// Publishing with acknowledgement, for an outbox that may delete a record only once the broker has it:
/// ```swift
/// let id = try await client.publishAcknowledged(topic: "prognos/site/pump-1/alarm", payload: json, qos: .atLeastOnce)
/// // the broker acknowledged `id` (PUBACK): delete the outbox row now
/// ```
/// or, without waiting, `publish(topic:payload:qos:retain:onAcknowledged:)`. While disconnected, publishing
/// throws at once (`MOSQ_ERR_NO_CONN`): keep the row and publish again after `.connected`. A message in
/// flight when the connection drops stays pending: libmosquitto sends it again after the reconnect
/// (untested here); `close()` fails it with `.closed`, and a `timeout` bounds the wait. Unacknowledged
/// messages live in memory only, so the outbox row must outlive them.
public final class MQTTClient: Sendable {
    private enum Lifecycle { case created, started, closed }

    private let core: ClientCore
    nonisolated(unsafe) private let userdata: UnsafeMutableRawPointer
    private let handle: MosquittoHandle
    private let lifecycle = Mutex(Lifecycle.created)

    /// Makes the client and applies its options (credentials are read here). Nothing is sent until `start()`.
    public init(options: MQTTClientOptions, logger: Logger) throws(MQTTError) {
        let core = ClientCore(options: options, logger: logger)
        let userdata = Unmanaged.passRetained(core).toOpaque()
        let handle: MosquittoHandle
        do {
            handle = try MosquittoHandle(
                clientID: options.clientID, cleanSession: options.cleanSession, userdata: userdata)
        } catch {
            Unmanaged<ClientCore>.fromOpaque(userdata).release()
            throw error
        }
        core.handle = handle
        core.installCallbacks(on: handle.unguarded)
        do {
            try handle.configure(options)
        } catch {
            handle.destroy()
            Unmanaged<ClientCore>.fromOpaque(userdata).release()
            throw error
        }
        self.core = core
        self.userdata = userdata
        self.handle = handle
    }

    deinit { close() }

    public var options: MQTTClientOptions { core.options }

    /// Starts the network thread, which connects and keeps reconnecting until `close()`.
    public func start() {
        let start = lifecycle.withLock { state -> Bool in
            guard state == .created else { return false }
            state = .started
            return true
        }
        if start { core.startNetworkThread() }
    }

    /// Disconnects and frees the connection. `graceful: false` drops the TCP connection without a
    /// DISCONNECT, as a crash would, so the broker publishes the last will. Publishes still waiting
    /// for their acknowledgement fail with `.closed`. Safe to call more than once.
    public func close(graceful: Bool = true) {
        let previous = lifecycle.withLock { state in
            defer { state = .closed }
            return state
        }
        guard previous != .closed else { return }
        if previous == .started { core.stopNetworkThread(graceful: graceful) }
        handle.destroy()
        core.failPendingPublishes()
        Unmanaged<ClientCore>.fromOpaque(userdata).release()
    }

    /// Whether the broker has accepted the current connection.
    public var isConnected: Bool { core.isConnected }

    /// Whether the client is connected and the broker acknowledged every subscription.
    public var isReady: Bool { core.isReady }

    /// Waits (without blocking a thread) until `isReady`; false after `timeout`.
    public func waitUntilReady(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isReady {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    // MARK: Handlers (called on the network thread)

    /// Receives every message of every subscription.
    public func onMessage(_ handler: @escaping @Sendable (MQTTMessage) -> Void) {
        core.state.withLock { state in
            state.messageHandler = { view in
                handler(
                    MQTTMessage(topic: view.topic, payload: Array(view.payload), qos: view.qos, retain: view.retain))
            }
        }
    }

    /// Receives messages without copying their payload (the collector's path).
    func onMessageView(_ handler: @escaping @Sendable (MQTTMessageView) -> Void) {
        core.state.withLock { $0.messageHandler = handler }
    }

    /// Receives connects, disconnects (with the reason) and failed attempts.
    public func onConnectionEvent(_ handler: @escaping @Sendable (MQTTConnectionEvent) -> Void) {
        core.state.withLock { $0.connectionHandler = handler }
    }

    /// Receives the id of every publish the broker acknowledged (PUBACK for QoS 1, PUBCOMP for QoS 2;
    /// for QoS 0, when the message was written to the socket). It may run before `publish` has
    /// returned that id: to pair acknowledgements with records, prefer `onAcknowledged:` or `publishAcknowledged`.
    public func onPublishAcknowledged(_ handler: @escaping @Sendable (MQTTMessageID) -> Void) {
        core.state.withLock { $0.acknowledgementHandler = handler }
    }

    // MARK: Subscribe and publish

    /// Subscribes now (if connected) and after every reconnect.
    public func subscribe(_ filter: String, qos: QoS = .atLeastOnce) throws(MQTTError) {
        try core.subscribe(filter: filter, qos: qos)
    }

    /// Queues a message; returns its id. Fails with `.library` (`MOSQ_ERR_NO_CONN`) while disconnected.
    @discardableResult
    public func publish(
        topic: String, payload: [UInt8], qos: QoS = .atLeastOnce, retain: Bool = false
    ) throws(MQTTError)
        -> MQTTMessageID
    {
        try withBytes(of: payload) { bytes throws(MQTTError) in
            try core.publish(topic: topic, payload: bytes, qos: qos, retain: retain, completion: nil)
        }
    }

    /// Queues a message and calls `onAcknowledged` exactly once: with its id when the broker
    /// acknowledged it, or with `.closed` if the client closes first. If this throws, `onAcknowledged`
    /// is never called. `onAcknowledged` runs on the network thread, possibly before this returns.
    @discardableResult
    public func publish(
        topic: String, payload: [UInt8], qos: QoS = .atLeastOnce, retain: Bool = false,
        onAcknowledged: @escaping @Sendable (Result<MQTTMessageID, MQTTError>) -> Void
    ) throws(MQTTError) -> MQTTMessageID {
        try withBytes(of: payload) { bytes throws(MQTTError) in
            try core.publish(topic: topic, payload: bytes, qos: qos, retain: retain, completion: onAcknowledged)
        }
    }

    /// Publishes and returns once the broker acknowledged the message. Throws `.timeout` after
    /// `timeout` (the message may still be delivered later: publish it again, at-least-once),
    /// `.cancelled` when the task is cancelled, `.closed` when the client closes first.
    public func publishAcknowledged(
        topic: String, payload: [UInt8], qos: QoS = .atLeastOnce, retain: Bool = false, timeout: Duration? = nil
    ) async throws(MQTTError) -> MQTTMessageID {
        let once = OnceContinuation<MQTTMessageID>()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                once.install(continuation)
                do throws(MQTTError) {
                    try publish(topic: topic, payload: payload, qos: qos, retain: retain) { once.resume($0) }
                    if let timeout { once.fail(after: timeout, operation: "acknowledgement of \(topic)") }
                } catch {
                    once.resume(.failure(error))
                }
            }
        } onCancel: {
            once.resume(.failure(MQTTError(code: .cancelled, operation: "publish to \(topic)", message: "cancelled")))
        }
        return try result.get()
    }
}
