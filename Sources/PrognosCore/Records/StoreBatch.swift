// Records written together in one transaction.

/// Records written together in one transaction by `Store.write(_:)` or the `BatchWriter`.
public struct StoreBatch: Sendable, Equatable {
    public var readings: [Reading]
    public var forecasts: [ForecastRecord]
    public var deviations: [DeviationRecord]
    public var health: [HealthRecord]
    public var events: [EventRecord]

    public init(
        readings: [Reading] = [], forecasts: [ForecastRecord] = [], deviations: [DeviationRecord] = [],
        health: [HealthRecord] = [], events: [EventRecord] = []
    ) {
        self.readings = readings
        self.forecasts = forecasts
        self.deviations = deviations
        self.health = health
        self.events = events
    }

    public var isEmpty: Bool {
        readings.isEmpty && forecasts.isEmpty && deviations.isEmpty && health.isEmpty && events.isEmpty
    }

    /// Number of records of every kind.
    public var count: Int { readings.count + forecasts.count + deviations.count + health.count + events.count }

    public mutating func append(contentsOf other: StoreBatch) {
        readings += other.readings
        forecasts += other.forecasts
        deviations += other.deviations
        health += other.health
        events += other.events
    }
}
