internal import CMosquitto
import Logging
import Synchronization

/// Subscriptions: remembered for the client's lifetime and sent again on every connect.
extension ClientCore {
    /// Adds (or changes the QoS of) a subscription; sends it now when connected.
    func subscribe(filter: String, qos: QoS) throws(MQTTError) {
        guard mosquitto_sub_topic_check(filter) == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
            throw MQTTError(
                code: .configuration, operation: "subscribe to \(filter)", message: "not a valid MQTT topic filter")
        }
        let connected = state.withLock { s in
            if let index = s.subscriptions.firstIndex(where: { $0.filter == filter }) {
                s.subscriptions[index].qos = qos
            } else {
                s.subscriptions.append((filter, qos))
            }
            return s.connected
        }
        guard connected else { return }  // sent by the connect callback
        try handle.withHandle("subscribe to \(filter)") { m throws(MQTTError) in
            sendSubscribe(filter: filter, qos: qos, using: m)
        }
    }

    /// Sends one SUBSCRIBE and tracks its SUBACK. Failures are logged: the next connect sends it again.
    func sendSubscribe(filter: String, qos: QoS, using m: OpaquePointer) {
        state.withLock { $0.subscribeAcks.beginRequest() }
        var mid: Int32 = 0
        let rc = mosquitto_subscribe(m, &mid, filter, qos.rawValue)
        let ok = rc == Int32(MOSQ_ERR_SUCCESS.rawValue)
        let refused = state.withLock { s -> [String] in
            guard let granted = s.subscribeAcks.endRequest(mid: ok ? mid : nil, waiter: [filter]) else { return [] }
            return record(granted: granted, for: [filter], in: &s)
        }
        if !ok {
            logger.warning(
                "MQTT subscribe not sent; retried on reconnect",
                metadata: ["mqtt.topic": "\(filter)", "error": "\(MQTTError.libraryMessage(rc))"])
        }
        for filter in refused {
            logger.error("MQTT broker refused the subscription", metadata: ["mqtt.topic": "\(filter)"])
        }
    }

    /// Marks acknowledged filters; returns those the broker refused (granted QoS 0x80).
    func record(granted: [Int32], for filters: [String], in s: inout State) -> [String] {
        var refused: [String] = []
        for (index, filter) in filters.enumerated() {
            let grant = index < granted.count ? granted[index] : 0x80
            if grant == 0x80 { refused.append(filter) } else { s.acknowledgedFilters.insert(filter) }
        }
        return refused
    }
}
