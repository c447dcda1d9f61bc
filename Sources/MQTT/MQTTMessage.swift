/// A message received on a subscription.
public struct MQTTMessage: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: QoS
    public var retain: Bool

    public init(topic: String, payload: [UInt8], qos: QoS, retain: Bool) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}

/// A received message borrowed from libmosquitto: `payload` is valid only during the handler call.
/// The collector decodes from it without copying.
struct MQTTMessageView {
    var topic: String
    var payload: UnsafeRawBufferPointer
    var qos: QoS
    var retain: Bool
}

/// The packet identifier libmosquitto gave a publish; the broker's PUBACK (QoS 1) or PUBCOMP (QoS 2)
/// carries the same id. Ids are reused after 65,535 publishes, so pair them with records only while
/// the publish is in flight.
public struct MQTTMessageID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public var description: String { "mid \(rawValue)" }
}

/// What happened to the connection. Handlers receive these on the client's network thread.
public enum MQTTConnectionEvent: Sendable, Equatable, CustomStringConvertible {
    /// The broker accepted the connection; `sessionPresent` says a persistent session was resumed.
    case connected(sessionPresent: Bool)
    /// An established connection ended: nil when the client disconnected on purpose, else why.
    case disconnected(MQTTError?)
    /// A connection attempt failed (refused, unreachable, TLS); the client retries after its backoff.
    case connectFailed(MQTTError)

    public var description: String {
        switch self {
        case .connected(let present): "connected (session present: \(present))"
        case .disconnected(nil): "disconnected"
        case .disconnected(let error?): "disconnected: \(error.message)"
        case .connectFailed(let error): "connect failed: \(error.message)"
        }
    }
}
