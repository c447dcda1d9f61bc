import PrognosCore
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics: filled from a `DaemonSample` at each heartbeat and read by the
/// `/metrics` endpoint. Names follow Prometheus's conventions (`prognos_` prefix, base units,
/// `_total` on counters); the list with types and labels is in docs/monitoring.md.
public final class DaemonMetrics: Sendable {
    private let metrics: PrognosRegistry
    /// Each asset's ingest counters; and the alarm series made so far, so that a label set that
    /// disappears (an alarm state left) is set to zero rather than left at its last value.
    private struct Published {
        var ingested: [String: IngestSeries] = [:]
        var alarmSeries: Set<[String]> = []
    }
    private let published = Mutex(Published())

    /// Model steps of every asset together (one histogram: a series per asset would be thousands).
    private let modelSteps: DurationHistogram

    public init(version: String) {
        metrics = PrognosRegistry(version: version)
        modelSteps = metrics.histogram(
            "model_step", "Seconds one asset's ingest took when its world model stepped (limit alarms included)",
            buckets: Self.stepBuckets)
    }

    /// Sets every metric from `sample`.
    public func publish(_ sample: DaemonSample) {
        let status = sample.status
        publishIngested(sample.ingested)
        let dropped = "Readings dropped because a bounded queue was full, by asset, quality and queue"
        for (stage, tally) in [("stream", sample.droppedInStream), ("store", sample.droppedByStore)] {
            for entry in tally.entries {
                metrics.advance(
                    "readings_dropped", dropped,
                    [("asset", entry.asset), ("quality", entry.quality.rawValue), ("stage", stage)], to: entry.count)
            }
        }
        metrics.advance(
            "store_records_dropped",
            "Records other than readings the store's bounded queue dropped (readings go first)",
            to: sample.otherRecordsDroppedByStore)
        gauge("ingest_lag", "seconds", "Seconds from a reading's timestamp to its ingestion (recent mean)")
            .set(to: status.ingestLag ?? 0)
        gauge("assets", "", "Assets the daemon runs").set(to: Double(status.assets))
        publishAlarms(sample.alarms)
        let outbox = "Messages waiting in the outbox for the broker, by kind"
        gauge("outbox_messages", "", outbox, [("kind", "alert")]).set(to: Double(sample.outbox.alerts))
        gauge("outbox_messages", "", outbox, [("kind", "telemetry")]).set(to: Double(sample.outbox.telemetry))
        gauge("outbox_oldest_age", "seconds", "Seconds the oldest undelivered alert has waited (0: none waits)")
            .set(to: sample.outboxOldestAge ?? 0)
        metrics.advance("store_commits", "Telemetry transactions committed to the store", to: sample.storeCommits)
        metrics.advance(
            "store_commit_seconds", "Seconds spent committing telemetry transactions", to: sample.storeCommitSeconds)
        gauge("store_queue_records", "", "Records waiting for the telemetry writer")
            .set(to: Double(status.details.writerQueue ?? 0))
        gauge("alarm_queue_changes", "", "Alarm changes waiting to be written with their outbox message")
            .set(to: Double(status.details.alarmQueue ?? 0))
        gauge("heartbeat_timestamp", "seconds", "When these numbers were taken (the heartbeat `prognos status` reads)")
            .set(to: status.heartbeatAt)
        gauge("start_time", "seconds", "When the daemon started, seconds since the epoch").set(to: status.startedAt)
        if let bytes = status.details.residentBytes {
            gauge("resident_memory", "bytes", "Resident memory of the daemon").set(to: Double(bytes))
        }
    }

    /// Readings ingested by asset and quality: counters kept per asset, so that a heartbeat of a
    /// thousand assets makes no label arrays or keys once every series exists.
    private func publishIngested(_ tally: ReadingTally) {
        published.withLock { published in
            for (asset, row) in tally.rows {
                published.ingested[asset, default: IngestSeries()].advance(to: row.counts) { quality in
                    metrics.counter(
                        "readings_ingested", "Readings taken in from the collectors, by asset and quality",
                        [("asset", asset), ("quality", quality.rawValue)])
                }
            }
        }
    }

    /// Annunciated alarms by state and priority; a pair seen before and absent now reads 0.
    private func publishAlarms(_ counts: [DaemonSample.AlarmCount]) {
        let help = "Annunciated alarms (not normal), by ISA-18.2 state and priority"
        let now = Set(counts.map { [$0.state.rawValue, $0.priority.rawValue] })
        let gone = published.withLock { published in
            defer { published.alarmSeries.formUnion(now) }
            return published.alarmSeries.subtracting(now)
        }
        for pair in gone { gauge("alarms", "", help, [("priority", pair[1]), ("state", pair[0])]).set(to: 0) }
        for count in counts {
            gauge("alarms", "", help, [("priority", count.priority.rawValue), ("state", count.state.rawValue)])
                .set(to: Double(count.count))
        }
    }

    /// One Modbus poll of `device` took `duration` (called from the device's polling thread).
    public func observePoll(device: String, took duration: Duration) {
        metrics.histogram(
            "modbus_poll", "Seconds one poll of a Modbus device took, retries included", [("device", device)],
            buckets: Self.pollBuckets
        ).record(duration)
    }

    /// One model step (with the rest of that asset's ingest) took `duration`.
    public func observeModelStep(took duration: Duration) { modelSteps.record(duration) }

    /// Polls: from a local PLC's few milliseconds to the 0.5 s response timeout and its retries.
    static let pollBuckets: [Duration] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000].map {
        .milliseconds($0)
    }
    /// Model steps: tens of microseconds for a small asset to milliseconds for a refit's hand-over.
    static let stepBuckets: [Duration] = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 50_000].map {
        .microseconds($0)
    }

    /// The exposition (text format 0.0.4).
    public func exposition() -> [UInt8] { metrics.exposition() }

    private func gauge(_ name: String, _ unit: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
        metrics.gauge(name, unit, help, labels)
    }
}

/// One asset's ingest counters, one per quality (made when first needed), and the totals they show.
private struct IngestSeries {
    var counters: [Counter?] = Array(repeating: nil, count: Quality.allCases.count)
    var totals: [Int] = Array(repeating: 0, count: Quality.allCases.count)

    mutating func advance(to counts: [Int], make: (Quality) -> Counter) {
        for index in counts.indices where counts[index] > totals[index] {
            let counter = counters[index] ?? make(Quality.allCases[index])
            counter.increment(by: Int64(counts[index] - totals[index]))
            counters[index] = counter
            totals[index] = counts[index]
        }
    }
}
