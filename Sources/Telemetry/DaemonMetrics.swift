import PrognosCore
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics: one registry, filled from a `DaemonSample` at each heartbeat and
/// read by the `/metrics` endpoint. Names follow Prometheus's conventions (`prognos_` prefix, base
/// units, `_total` on counters); the list with types and labels is in docs/monitoring.md.
///
/// The registry is swift-prometheus's own: the swift-metrics handlers it also offers carry no HELP
/// text, which `promtool check metrics` requires. Counters are driven from the daemon's running
/// totals, so each publish adds what grew since the last one.
public final class DaemonMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// The totals published last, by series; and the labelled series made so far, so that a label
    /// set that disappears (an alarm state left) is set to zero rather than left at its last value.
    private struct Published {
        var ingested: [String: IngestSeries] = [:]
        var totals: [String: Int] = [:]
        var seconds: [String: Double] = [:]
        var alarmSeries: Set<[String]> = []
    }
    private let published = Mutex(Published())

    /// Model steps of every asset together (one histogram: a series per asset would be thousands).
    private let modelSteps: DurationHistogram

    public init(version: String) {
        modelSteps = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "prognos", metricName: "model_step", unitName: "seconds",
                helpText: "Seconds one asset's ingest took when its world model stepped (limit alarms included)"),
            labels: [], buckets: Self.stepBuckets)
        gauge("build_info", "", "The running build (always 1), labelled by its version", ["version": version]).set(
            to: 1)
    }

    /// Sets every metric from `sample`.
    public func publish(_ sample: DaemonSample) {
        let status = sample.status
        publishIngested(sample.ingested)
        let dropped = "Readings and records dropped because a bounded queue was full, by where"
        add("readings_dropped", dropped, ["stage": "stream"], total: sample.droppedInStream)
        add("readings_dropped", dropped, ["stage": "store"], total: sample.droppedByStore)
        gauge("ingest_lag", "seconds", "Seconds from a reading's timestamp to its ingestion (recent mean)")
            .set(to: status.ingestLag ?? 0)
        gauge("assets", "", "Assets the daemon runs").set(to: Double(status.assets))
        publishAlarms(sample.alarms)
        let outbox = "Messages waiting in the outbox for the broker, by kind"
        gauge("outbox_messages", "", outbox, ["kind": "alert"]).set(to: Double(sample.outbox.alerts))
        gauge("outbox_messages", "", outbox, ["kind": "telemetry"]).set(to: Double(sample.outbox.telemetry))
        gauge("outbox_oldest_age", "seconds", "Seconds the oldest undelivered alert has waited (0: none waits)")
            .set(to: sample.outboxOldestAge ?? 0)
        add("store_commits", "Telemetry transactions committed to the store", [:], total: sample.storeCommits)
        addSeconds(
            "store_commit_seconds", "Seconds spent committing telemetry transactions", total: sample.storeCommitSeconds)
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
    private func publishIngested(_ tally: IngestTally) {
        published.withLock { published in
            for (asset, row) in tally.rows {
                published.ingested[asset, default: IngestSeries()].advance(to: row.counts) { quality in
                    registry.makeCounter(
                        descriptor: descriptor(
                            "readings_ingested", "total", "Readings taken in from the collectors, by asset and quality"),
                        labels: [("asset", asset), ("quality", quality.rawValue)])
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
        for pair in gone { gauge("alarms", "", help, ["state": pair[0], "priority": pair[1]]).set(to: 0) }
        for count in counts {
            gauge("alarms", "", help, ["state": count.state.rawValue, "priority": count.priority.rawValue])
                .set(to: Double(count.count))
        }
    }

    /// One Modbus poll of `device` took `duration` (called from the device's polling thread).
    public func observePoll(device: String, took duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: descriptor(
                "modbus_poll", "seconds", "Seconds one poll of a Modbus device took, retries included"),
            labels: [("device", device)], buckets: Self.pollBuckets
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
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }

    // MARK: Families

    private func gauge(_ name: String, _ unit: String, _ help: String, _ labels: [String: String] = [:]) -> Gauge {
        registry.makeGauge(descriptor: descriptor(name, unit, help), labels: sorted(labels))
    }

    /// A counter named `…_total`, advanced to the running `total`.
    private func add(_ name: String, _ help: String, _ labels: [String: String], total: Int) {
        let counter = registry.makeCounter(descriptor: descriptor(name, "total", help), labels: sorted(labels))
        let key = ([name] + sorted(labels).map { "\($0.0)=\($0.1)" }).joined(separator: ",")
        let grown = published.withLock { published in
            defer { published.totals[key] = max(total, published.totals[key] ?? 0) }
            return total - (published.totals[key] ?? 0)
        }
        if grown > 0 { counter.increment(by: Int64(grown)) }
    }

    private func addSeconds(_ name: String, _ help: String, total: Double) {
        let counter = registry.makeCounter(descriptor: descriptor(name, "total", help), labels: [])
        let grown = published.withLock { published in
            defer { published.seconds[name] = max(total, published.seconds[name] ?? 0) }
            return total - (published.seconds[name] ?? 0)
        }
        if grown > 0 { counter.increment(by: grown) }
    }

    private func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "prognos", metricName: name, unitName: unit, helpText: help)
    }

    private func sorted(_ labels: [String: String]) -> [(String, String)] {
        labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
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
