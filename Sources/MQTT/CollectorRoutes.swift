internal import CMosquitto
import PrognosCore
import Sparkplug

/// A sensor fed over MQTT, named the way readings name it.
public struct SensorKey: Hashable, Sendable, CustomStringConvertible {
    public var asset: String
    public var sensor: String
    public init(asset: String, sensor: String) {
        self.asset = asset
        self.sensor = sensor
    }
    public var description: String { "\(asset)/\(sensor)" }
}

/// The sensors one topic filter feeds, and the decoder that finds all their values in one pass.
struct TopicRoute: Sendable {
    var broker: String
    var filter: String
    var sensors: [SensorKey]
    var decoder: PayloadDecoder
}

/// Where the plant's MQTT sensors come from: per broker, per topic filter, the sensors and paths.
struct CollectorRoutes: Sendable {
    /// Broker ids in plant order, each with its topic filters in plant order.
    private(set) var brokers: [(id: String, filters: [String])] = []
    /// Routes by (broker, filter) for filters without wildcards, looked up by the received topic.
    private var exact: [String: [String: TopicRoute]] = [:]
    /// Routes whose filter has `+` or `#`, matched with `mosquitto_topic_matches_sub`.
    private var wildcard: [String: [TopicRoute]] = [:]
    /// Every MQTT sensor of the plant (JSON and Sparkplug), in plant order.
    private(set) var sensors: [SensorKey] = []
    /// The Sparkplug sensors, by broker id.
    private(set) var sparkplug: [String: SparkplugRoutes] = [:]

    init(plant: Plant) {
        var order: [String] = []
        var filtersByBroker: [String: [String]] = [:]
        var grouped: [String: [String: [(SensorKey, PayloadDecoder.Field)]]] = [:]
        for asset in plant.assets {
            for signal in asset.signals {
                let key = SensorKey(asset: asset.id, sensor: signal.id)
                if case .sparkplug(let point) = signal.source {
                    sensors.append(key)
                    if grouped[point.broker] == nil, sparkplug[point.broker] == nil { order.append(point.broker) }
                    sparkplug[point.broker, default: SparkplugRoutes()].add(point, sensor: key)
                    continue
                }
                guard case .mqtt(let point) = signal.source else { continue }
                sensors.append(key)
                if grouped[point.broker] == nil {
                    if sparkplug[point.broker] == nil { order.append(point.broker) }
                    grouped[point.broker] = [:]
                }
                if grouped[point.broker]![point.topic] == nil {
                    filtersByBroker[point.broker, default: []].append(point.topic)
                }
                grouped[point.broker]![point.topic, default: []].append(
                    (key, PayloadDecoder.Field(value: point.valuePath, timestamp: point.timestampPath)))
            }
        }
        for broker in order {
            let filters = filtersByBroker[broker] ?? []
            brokers.append((broker, filters + (sparkplug[broker]?.subscriptions ?? [])))
            for filter in filters {
                let entries = grouped[broker]![filter]!
                let route = TopicRoute(
                    broker: broker, filter: filter, sensors: entries.map(\.0),
                    decoder: PayloadDecoder(fields: entries.map(\.1)))
                if filter.contains("+") || filter.contains("#") {
                    wildcard[broker, default: []].append(route)
                } else {
                    exact[broker, default: [:]][filter] = route
                }
            }
        }
    }

    /// Calls `body` with each route a message on `topic` from `broker` feeds (usually one);
    /// returns how many there were.
    @discardableResult
    func forEachRoute(broker: String, topic: String, _ body: (TopicRoute) -> Void) -> Int {
        var count = 0
        if let route = exact[broker]?[topic] {
            body(route)
            count += 1
        }
        if let candidates = wildcard[broker] {
            for route in candidates where Self.topic(topic, matches: route.filter) {
                body(route)
                count += 1
            }
        }
        return count
    }

    static func topic(_ topic: String, matches filter: String) -> Bool {
        var result = false
        return mosquitto_topic_matches_sub(filter, topic, &result) == Int32(MOSQ_ERR_SUCCESS.rawValue) && result
    }
}
