// Messages waiting to be published over MQTT.

/// Alerts are never dropped to make room; telemetry (readings, state summaries) is shed first.
public enum OutboxKind: String, Codable, Sendable, CaseIterable {
    case alert, telemetry
}

/// A message waiting to be published to MQTT; deleted when the broker acknowledges it.
public struct OutboxMessage: Codable, Sendable, Equatable {
    /// Assigned on insert, increasing: publish in id order.
    public var id: Int64?
    public var kind: OutboxKind
    public var topic: String
    public var payload: String
    public var qos: Int
    public var retain: Bool
    public var createdAt: Double
    /// How many times publishing was attempted (see `Store.recordAttempt`).
    public var attempts: Int
    public var lastAttemptAt: Double?

    public init(
        id: Int64? = nil, kind: OutboxKind, topic: String, payload: String, qos: Int = 1, retain: Bool = false,
        createdAt: Double, attempts: Int = 0, lastAttemptAt: Double? = nil
    ) {
        self.id = id
        self.kind = kind
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.createdAt = createdAt
        self.attempts = attempts
        self.lastAttemptAt = lastAttemptAt
    }

    /// An alert (QoS 1, not retained unless asked).
    public static func alert(topic: String, payload: String, createdAt: Double, retain: Bool = false) -> Self {
        OutboxMessage(kind: .alert, topic: topic, payload: payload, qos: 1, retain: retain, createdAt: createdAt)
    }

    public enum CodingKeys: String, CodingKey {
        case id, kind, topic, payload, qos, retain, attempts
        case createdAt = "created_at"
        case lastAttemptAt = "last_attempt_at"
    }
}

/// Undelivered messages by kind.
public struct OutboxCount: Sendable, Equatable {
    public var alerts: Int
    public var telemetry: Int
    public var total: Int { alerts + telemetry }
    public init(alerts: Int, telemetry: Int) {
        self.alerts = alerts
        self.telemetry = telemetry
    }
}

/// What `enqueue` did with a message.
public enum OutboxEnqueueResult: Sendable, Equatable {
    /// Queued; `shed` older telemetry messages were deleted to make room.
    case queued(id: Int64, shed: Int)
    /// A telemetry message refused because the outbox is full of alerts.
    case dropped
}
