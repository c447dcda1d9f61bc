/// Whether the daemon does its work, as `/readyz` answers it: collecting (a good reading arrived
/// recently), writing (the store takes the telemetry) and the outbox draining (the broker is
/// connected and no alert waits too long). The reason names the first thing that is wrong.
public struct Readiness: Sendable, Equatable {
    public var isReady: Bool
    public var reason: String

    public init(isReady: Bool, reason: String) {
        self.isReady = isReady
        self.reason = reason
    }

    public static let starting = Readiness(isReady: false, reason: "starting: no reading yet")

    public struct Observation: Sendable {
        /// Seconds since the last good reading; nil: none yet.
        public var sinceGoodReading: Double?
        /// How long a silence still counts as collecting (the staleness limit of the sensors).
        public var silenceAllowed: Double
        /// The store's last write error, nil while writes succeed.
        public var writeError: String?
        /// Whether the alert broker is connected; nil when the plant has none.
        public var brokerConnected: Bool?
        /// Alerts waiting in the outbox, and the age of the oldest in seconds.
        public var outboxAlerts: Int
        public var outboxOldestAge: Double?
        /// The age past which a waiting alert means the outbox is not draining.
        public var drainAllowed: Double

        public init(
            sinceGoodReading: Double?, silenceAllowed: Double, writeError: String?, brokerConnected: Bool?,
            outboxAlerts: Int, outboxOldestAge: Double?, drainAllowed: Double
        ) {
            self.sinceGoodReading = sinceGoodReading
            self.silenceAllowed = silenceAllowed
            self.writeError = writeError
            self.brokerConnected = brokerConnected
            self.outboxAlerts = outboxAlerts
            self.outboxOldestAge = outboxOldestAge
            self.drainAllowed = drainAllowed
        }
    }

    public static func judge(_ seen: Observation) -> Readiness {
        guard let silence = seen.sinceGoodReading else { return .starting }
        if silence > seen.silenceAllowed {
            return Readiness(isReady: false, reason: "not collecting: no good reading for \(Int(silence)) s")
        }
        if let error = seen.writeError {
            return Readiness(isReady: false, reason: "not writing: \(error)")
        }
        if seen.brokerConnected == false {
            return Readiness(isReady: false, reason: "outbox not draining: the broker is not connected")
        }
        if let age = seen.outboxOldestAge, age > seen.drainAllowed {
            return Readiness(
                isReady: false,
                reason: "outbox not draining: \(seen.outboxAlerts) alerts waiting, the oldest for \(Int(age)) s")
        }
        return Readiness(isReady: true, reason: "ready")
    }
}
