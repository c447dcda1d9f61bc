internal import CMosquitto
import Logging
import Synchronization

/// libmosquitto's callbacks: non-capturing C functions that find their `ClientCore` in `userdata`.
/// They run on the client's network thread.
extension ClientCore {
    func installCallbacks(on m: OpaquePointer) {
        mosquitto_connect_with_flags_callback_set(m) { _, userdata, rc, flags in
            guard let userdata else { return }
            Unmanaged<ClientCore>.fromOpaque(userdata).takeUnretainedValue().didConnect(rc: rc, flags: flags)
        }
        mosquitto_disconnect_callback_set(m) { _, userdata, rc in
            guard let userdata else { return }
            Unmanaged<ClientCore>.fromOpaque(userdata).takeUnretainedValue().didDisconnect(rc: rc)
        }
        mosquitto_message_callback_set(m) { _, userdata, message in
            guard let userdata, let message else { return }
            Unmanaged<ClientCore>.fromOpaque(userdata).takeUnretainedValue().didReceive(message.pointee)
        }
        mosquitto_publish_callback_set(m) { _, userdata, mid in
            guard let userdata else { return }
            Unmanaged<ClientCore>.fromOpaque(userdata).takeUnretainedValue().didPublish(mid: mid)
        }
        mosquitto_subscribe_callback_set(m) { _, userdata, mid, count, granted in
            guard let userdata else { return }
            let grants = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(max(count, 0)))) } ?? []
            Unmanaged<ClientCore>.fromOpaque(userdata).takeUnretainedValue().didSubscribe(mid: mid, granted: grants)
        }
    }

    private func didConnect(rc: Int32, flags: Int32) {
        guard rc == 0 else {
            state.withLock { $0.attemptReported = true }
            emit(.connectFailed(.refused(rc, "connect to \(options.endpoint)")))
            return
        }
        let filters = state.withLock { s in
            s.connected = true
            s.attemptReported = true
            s.backoff = options.reconnect.initial
            s.acknowledgedFilters = []
            return s.subscriptions
        }
        // Always subscribe again: a clean session has lost them, and a resumed one ignores repeats.
        for (filter, qos) in filters {
            sendSubscribe(filter: filter, qos: qos, using: handle.unguarded)
        }
        emit(.connected(sessionPresent: flags & 1 != 0))
    }

    private func didDisconnect(rc: Int32) {
        let (wasConnected, reported) = state.withLock { s in
            defer {
                s.connected = false
                s.attemptReported = true
                s.acknowledgedFilters = []
            }
            return (s.connected, s.attemptReported)
        }
        let error = rc == 0 ? nil : MQTTError.library(rc, "connection to \(options.endpoint)")
        if wasConnected {
            emit(.disconnected(error))
        } else if !reported {
            emit(.connectFailed(error ?? .library(rc, "connect to \(options.endpoint)")))
        }
    }

    private func didReceive(_ message: mosquitto_message) {
        guard let handler = state.withLock({ $0.messageHandler }) else { return }
        let topic = message.topic.map { String(cString: $0) } ?? ""
        let payload = UnsafeRawBufferPointer(start: message.payload, count: Int(max(message.payloadlen, 0)))
        let view = MQTTMessageView(
            topic: topic, payload: payload, qos: QoS(rawValue: message.qos) ?? .atMostOnce, retain: message.retain)
        handler(view)
    }

    private func didPublish(mid: Int32) {
        let (waiter, handler) = state.withLock { s in (s.publishAcks.acknowledge(mid, ()), s.acknowledgementHandler) }
        let id = MQTTMessageID(rawValue: mid)
        waiter?(.success(id))
        handler?(id)
    }

    private func didSubscribe(mid: Int32, granted: [Int32]) {
        let refused = state.withLock { s -> [String] in
            guard let filters = s.subscribeAcks.acknowledge(mid, granted) else { return [] }
            return record(granted: granted, for: filters, in: &s)
        }
        for filter in refused {
            logger.error("MQTT broker refused the subscription", metadata: ["mqtt.topic": "\(filter)"])
        }
    }
}
