public import PrognosCore

/// MQTT delivery guarantee of a publish or a subscription.
public enum QoS: Int32, Sendable, Equatable, CaseIterable, Comparable {
    case atMostOnce = 0
    case atLeastOnce = 1
    case exactlyOnce = 2

    public static func < (a: QoS, b: QoS) -> Bool { a.rawValue < b.rawValue }
}

/// The message the broker publishes for the client when the client vanishes without disconnecting.
public struct LastWill: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: QoS
    public var retain: Bool

    public init(topic: String, payload: [UInt8], qos: QoS = .atLeastOnce, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}

/// How long the client waits between connection attempts: `initial`, doubled after each failure, at most `maximum`.
/// The delay returns to `initial` once a connection is accepted.
public struct ReconnectPolicy: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(250), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The delay after `delay`: twice as long, capped at `maximum`.
    func next(after delay: Duration) -> Duration { min(delay * 2, maximum) }
}

/// Everything an `MQTTClient` needs to reach its broker.
public struct MQTTClientOptions: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Client identifier; nil lets libmosquitto pick a random one (only with a clean session).
    public var clientID: String?
    /// A clean session starts empty; a persistent one (`false`, needs a client id) keeps the
    /// subscriptions and queued QoS 1/2 messages on the broker while the client is away.
    public var cleanSession: Bool
    public var keepalive: Duration
    public var username: String?
    /// Read when the client is created: from an environment variable or a file (one trailing newline stripped).
    public var password: Secret?
    public var tls: TLSSettings?
    public var will: LastWill?
    public var reconnect: ReconnectPolicy

    public init(
        host: String, port: Int = 1883, clientID: String? = nil, cleanSession: Bool = true,
        keepalive: Duration = .seconds(30), username: String? = nil, password: Secret? = nil,
        tls: TLSSettings? = nil, will: LastWill? = nil, reconnect: ReconnectPolicy = ReconnectPolicy()
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.cleanSession = cleanSession
        self.keepalive = keepalive
        self.username = username
        self.password = password
        self.tls = tls
        self.will = will
        self.reconnect = reconnect
    }

    /// Options for a broker of the plant file.
    public init(
        broker: Broker, cleanSession: Bool = true, will: LastWill? = nil, reconnect: ReconnectPolicy = ReconnectPolicy()
    ) {
        self.init(
            host: broker.host, port: broker.port, clientID: broker.clientID, cleanSession: cleanSession,
            keepalive: broker.keepalive, username: broker.username, password: broker.password, tls: broker.tls,
            will: will, reconnect: reconnect)
    }

    /// "host:port", for messages.
    public var endpoint: String { "\(host):\(port)" }
}
