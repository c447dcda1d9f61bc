import Prometheus
import Synchronization

/// swift-prometheus's registry with the house's naming: `prognos_` names with their unit, HELP text
/// on every family, and counters driven from a service's running totals (each publish adds what
/// grew since the last). Shared by `DaemonMetrics` and `FleetMetrics`.
///
/// The registry is used directly: the swift-metrics handlers it also offers carry no HELP text,
/// which `promtool check metrics` asks for.
final class PrognosRegistry: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// The totals published last, by series.
    private let totals = Mutex([String: Double]())

    init(version: String) {
        gauge("build_info", "", "The running build (always 1), labelled by its version", [("version", version)])
            .set(to: 1)
    }

    func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "prognos", metricName: name, unitName: unit, helpText: help)
    }

    func gauge(_ name: String, _ unit: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(descriptor: descriptor(name, unit, help), labels: labels)
    }

    func counter(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Counter {
        registry.makeCounter(descriptor: descriptor(name, "total", help), labels: labels)
    }

    func histogram(
        _ name: String, _ help: String, _ labels: [(String, String)] = [], buckets: [Duration]
    )
        -> DurationHistogram
    {
        registry.makeDurationHistogram(descriptor: descriptor(name, "seconds", help), labels: labels, buckets: buckets)
    }

    /// Advances the counter `name_total{labels}` to the running `total` (a whole count); the series
    /// exists from the first publish, at 0 if need be.
    func advance(_ name: String, _ help: String, _ labels: [(String, String)] = [], to total: Int) {
        let counter = counter(name, help, labels)
        let grown = grown(name, labels, to: Double(total))
        if grown > 0 { counter.increment(by: Int64(grown)) }
    }

    /// Advances the counter `name_total{labels}` to the running `total` (seconds, say).
    func advance(_ name: String, _ help: String, _ labels: [(String, String)] = [], to total: Double) {
        let counter = counter(name, help, labels)
        let grown = grown(name, labels, to: total)
        if grown > 0 { counter.increment(by: grown) }
    }

    private func grown(_ name: String, _ labels: [(String, String)], to total: Double) -> Double {
        let key = ([name] + labels.map { "\($0.0)=\($0.1)" }).joined(separator: ",")
        return totals.withLock { totals in
            defer { totals[key] = max(total, totals[key] ?? 0) }
            return total - (totals[key] ?? 0)
        }
    }

    /// The exposition (text format 0.0.4).
    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }
}
