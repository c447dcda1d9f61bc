import PrognosCore
import Sparkplug

/// Which sensors the Sparkplug metrics of one broker feed, and which edge nodes may be asked for a rebirth.
struct SparkplugRoutes: Sendable {
    struct MetricKey: Hashable, Sendable {
        var node: SparkplugHost.NodeID
        var device: String?
        var name: String
    }

    /// The sensors each metric feeds (several sensors may read one metric).
    private(set) var sensorsByMetric: [MetricKey: [SensorKey]] = [:]
    /// Every sensor of each node, with the device it reads (nil: the node's own metric).
    private(set) var sensorsByNode: [SparkplugHost.NodeID: [(device: String?, sensor: SensorKey)]] = [:]
    /// Nodes whose sensors allow a rebirth request (`rebirth: true` on any of them).
    private(set) var rebirthAllowed: Set<SparkplugHost.NodeID> = []
    /// One subscription per node, in plant order.
    private(set) var subscriptions: [String] = []

    mutating func add(_ point: SparkplugPoint, sensor: SensorKey) {
        let node = SparkplugHost.NodeID(group: point.group, edgeNode: point.edgeNode)
        if sensorsByNode[node] == nil {
            subscriptions.append(SparkplugTopic.subscription(group: point.group, edgeNode: point.edgeNode))
        }
        sensorsByMetric[MetricKey(node: node, device: point.device, name: point.metric), default: []].append(sensor)
        sensorsByNode[node, default: []].append((point.device, sensor))
        if point.rebirth { rebirthAllowed.insert(node) }
    }

    /// The sensors a death of `node` (every device) or of one of its devices ends.
    func sensors(endedBy death: SparkplugHost.Death) -> [SensorKey] {
        (sensorsByNode[death.node] ?? []).filter { death.device == nil || $0.device == death.device }.map(\.sensor)
    }
}
