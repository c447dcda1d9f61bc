import Foundation
import Logging
import Synchronization

/// Completion of one publish: its id once the broker acknowledged it, or why it never will be.
typealias PublishCompletion = @Sendable (Result<MQTTMessageID, MQTTError>) -> Void

/// The context libmosquitto's callbacks receive through `userdata`: the client's mutable state
/// and handlers. Retained once for libmosquitto when the handle is made, released once after
/// `mosquitto_destroy` (see `MQTTClient.close`).
final class ClientCore: @unchecked Sendable {
    struct State {
        var messageHandler: (@Sendable (MQTTMessageView) -> Void)?
        var connectionHandler: (@Sendable (MQTTConnectionEvent) -> Void)?
        var acknowledgementHandler: (@Sendable (MQTTMessageID) -> Void)?
        /// Topic filters in subscription order, with their QoS; sent again on every connect.
        var subscriptions: [(filter: String, qos: QoS)] = []
        var subscribeAcks = AcknowledgementTracker<[String], [Int32]>()
        var acknowledgedFilters: Set<String> = []
        var publishAcks = AcknowledgementTracker<PublishCompletion, Void>()
        var connected = false
        /// Whether the current connection attempt's failure has been reported already.
        var attemptReported = false
        var backoff: Duration
        var closed = false
    }

    let options: MQTTClientOptions
    let logger: Logger
    let state: Mutex<State>
    /// Set by `close()`; the network thread ends once it sees it and the connection is down.
    let stopRequested = Atomic<Bool>(false)
    /// Wakes the network thread from its backoff sleep.
    let wake = NSCondition()
    let loopExited = DispatchSemaphore(value: 0)
    /// Set once, right after init (the handle needs this object as its userdata).
    nonisolated(unsafe) var handle: MosquittoHandle!

    init(options: MQTTClientOptions, logger: Logger) {
        self.options = options
        var logger = logger
        logger[metadataKey: "mqtt.broker"] = "\(options.endpoint)"
        if let id = options.clientID { logger[metadataKey: "mqtt.client_id"] = "\(id)" }
        self.logger = logger
        self.state = Mutex(State(backoff: options.reconnect.initial))
    }

    func emit(_ event: MQTTConnectionEvent) {
        switch event {
        case .connected: logger.info("MQTT connected", metadata: ["mqtt.event": "\(event)"])
        case .disconnected(nil): logger.info("MQTT disconnected")
        case .disconnected(let error?): logger.warning("MQTT connection lost", metadata: ["error": "\(error)"])
        case .connectFailed(let error): logger.warning("MQTT connect failed", metadata: ["error": "\(error)"])
        }
        state.withLock { $0.connectionHandler }?(event)
    }

    /// Whether the broker accepted the connection and acknowledged every subscription on it.
    var isReady: Bool {
        state.withLock { s in
            s.connected && s.subscriptions.allSatisfy { s.acknowledgedFilters.contains($0.filter) }
        }
    }

    var isConnected: Bool { state.withLock { $0.connected } }
}
