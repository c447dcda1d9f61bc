internal import CMosquitto
import Logging
import Synchronization

/// Publishing and the broker's acknowledgements.
extension ClientCore {
    /// Queues one publish; `completion` (if any) gets the broker's acknowledgement or the reason
    /// there will be none. It may run on the network thread before this returns.
    func publish(
        topic: String, payload: UnsafeRawBufferPointer, qos: QoS, retain: Bool, completion: PublishCompletion?
    ) throws(MQTTError) -> MQTTMessageID {
        let operation = "publish to \(topic)"
        guard mosquitto_pub_topic_check(topic) == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
            throw MQTTError(code: .configuration, operation: operation, message: "not a valid MQTT topic name")
        }
        // Refused up front while disconnected: libmosquitto would otherwise keep a QoS > 0 message in
        // memory, report MOSQ_ERR_NO_CONN, and still send it after the reconnect, unpaired with any waiter.
        guard isConnected else { throw MQTTError.library(Int32(MOSQ_ERR_NO_CONN.rawValue), operation) }
        guard let completion else {
            return try handle.withHandle(operation) { m throws(MQTTError) in
                var mid: Int32 = 0
                try mosquitto_publish(m, &mid, topic, Int32(payload.count), payload.baseAddress, qos.rawValue, retain)
                    .mosquittoCheck(operation)
                return MQTTMessageID(rawValue: mid)
            }
        }
        state.withLock { $0.publishAcks.beginRequest() }
        var mid: Int32 = 0
        let result = Result { () throws(MQTTError) -> Void in
            try handle.withHandle(operation) { m throws(MQTTError) in
                try mosquitto_publish(m, &mid, topic, Int32(payload.count), payload.baseAddress, qos.rawValue, retain)
                    .mosquittoCheck(operation)
            }
        }
        let acknowledgedEarly = state.withLock { s in
            s.publishAcks.endRequest(mid: result.isSuccess ? mid : nil, waiter: completion) != nil
        }
        try result.get()
        let id = MQTTMessageID(rawValue: mid)
        if acknowledgedEarly { completion(.success(id)) }
        return id
    }

    /// Fails every publish still waiting for its acknowledgement (the client is closing).
    func failPendingPublishes() {
        let waiters = state.withLock { $0.publishAcks.removeAll() }
        let error = MQTTError(
            code: .closed, operation: "wait for acknowledgement",
            message: "the client closed before the broker acknowledged the message")
        for waiter in waiters { waiter(.failure(error)) }
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
