import Prometheus

/// The fleet service's Prometheus metrics (`prognos fleet --metrics`): its running counts, published
/// every second. Names as the daemon's (docs/monitoring.md lists them).
public final class FleetMetrics: Sendable {
    private let metrics: PrognosRegistry

    /// The fleet service's counts since it started (`FleetService.Statistics`) and whether the
    /// broker acknowledged its subscriptions.
    public struct Sample: Sendable {
        public var received, duplicatesDropped, rejected, committed, alarmsInserted, batches, writeFailures: Int
        public var subscribed: Bool
        public init(
            received: Int, duplicatesDropped: Int, rejected: Int, committed: Int, alarmsInserted: Int, batches: Int,
            writeFailures: Int, subscribed: Bool
        ) {
            self.received = received
            self.duplicatesDropped = duplicatesDropped
            self.rejected = rejected
            self.committed = committed
            self.alarmsInserted = alarmsInserted
            self.batches = batches
            self.writeFailures = writeFailures
            self.subscribed = subscribed
        }
    }

    public init(version: String) { metrics = PrognosRegistry(version: version) }

    public func publish(_ sample: Sample) {
        let messages = "Messages from the central broker: received, and what became of them"
        metrics.advance("fleet_messages", messages, [("outcome", "received")], to: sample.received)
        metrics.advance("fleet_messages", messages, [("outcome", "duplicate")], to: sample.duplicatesDropped)
        metrics.advance("fleet_messages", messages, [("outcome", "rejected")], to: sample.rejected)
        metrics.advance("fleet_messages", messages, [("outcome", "committed")], to: sample.committed)
        metrics.advance("fleet_alarms_inserted", "Alarm events written to the alarm history", to: sample.alarmsInserted)
        metrics.advance("fleet_batches", "Batches committed to PostgreSQL", to: sample.batches)
        metrics.advance(
            "fleet_write_failures", "Batches PostgreSQL refused (they are retried)", to: sample.writeFailures)
        metrics.gauge("fleet_subscribed", "", "1 while the central broker has acknowledged every subscription")
            .set(to: sample.subscribed ? 1 : 0)
    }

    public func exposition() -> [UInt8] { metrics.exposition() }
}
