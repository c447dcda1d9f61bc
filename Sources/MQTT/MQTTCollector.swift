import Foundation
public import Logging
public import PrognosCore
import Synchronization

/// Collects the plant's MQTT sensors: one client per broker that the plant's MQTT sensors use,
/// a QoS 1 subscription per distinct topic, and every sensor's value (several sensors may share
/// a topic through different JSON paths) delivered as a `Reading` to the sink.
///
/// A reading's timestamp comes from the payload when its sensor has a timestamp path and the
/// payload holds a usable timestamp there; otherwise it is the receive time. Values are `.good`;
/// NaN and ±∞ give `.badValue` readings without a value. Payloads that are malformed, too large
/// or not numeric are counted (see `statistics`) and logged at most once a minute per topic; they
/// never stop the collector. The clients reconnect on their own and subscribe again.
///
/// Sparkplug B sensors (`SignalSource.sparkplug`) are read through one subscription per edge node
/// and the host's state machine (`SparkplugHost`, see docs/sparkplug.md): metric timestamps as
/// reading times, `.commFail` readings for every sensor of a node or device at its death, and an
/// NCMD rebirth request, only for edge nodes whose sensors allow it.
///
/// Readings are delivered on the clients' network threads, one batch per message.
///
/// For `prognos poll --once`:
/// ```swift
/// let collector = MQTTCollector(plant: plant, sink: sink, logger: logger)
/// try collector.start()
/// let readings = await collector.firstValues(timeout: .seconds(5))  // one per MQTT sensor; .stale if none came
/// collector.stop()
/// ```
public final class MQTTCollector: Sendable {
    private let plant: Plant
    private let core: CollectorCore
    private let reconnect: ReconnectPolicy
    private let clients = Mutex<[(broker: String, client: MQTTClient)]>([])

    /// - Parameters:
    ///   - now: the receive clock, seconds since 1970 (tests pass their own).
    ///   - reconnect: the clients' reconnect backoff.
    public init(
        plant: Plant, sink: any ReadingSink, logger: Logger, reconnect: ReconnectPolicy = ReconnectPolicy(),
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.plant = plant
        self.reconnect = reconnect
        self.core = CollectorCore(routes: CollectorRoutes(plant: plant), sink: sink, logger: logger, now: now)
    }

    deinit { stop() }

    /// Every MQTT sensor of the plant, in plant order.
    public var sensors: [SensorKey] { core.routes.sensors }

    /// Connects to every broker the plant's MQTT sensors use and subscribes to their topics.
    /// Returns at once: connecting and reconnecting go on in the background. Throws when a broker
    /// is unknown or its settings are unusable (a missing secret, an invalid topic); nothing is started then.
    public func start() throws(MQTTError) {
        stop()
        core.state.withLock { $0 = CollectorCore.State() }
        var started: [(String, MQTTClient)] = []
        do throws(MQTTError) {
            for (brokerID, filters) in core.routes.brokers {
                guard let broker = plant.broker(brokerID) else {
                    throw MQTTError(
                        code: .configuration, operation: "start MQTT collector",
                        message: "sensors use broker '\(brokerID)', which the plant does not define")
                }
                // A configured client id gets a persistent session: the broker keeps QoS 1 values while we are away.
                let options = MQTTClientOptions(
                    broker: broker, cleanSession: broker.clientID == nil, reconnect: reconnect)
                var logger = core.logger
                logger[metadataKey: "mqtt.broker_id"] = "\(brokerID)"
                let client = try MQTTClient(options: options, logger: logger)
                started.append((brokerID, client))
                let core = self.core
                client.onMessageView { [weak client] message in
                    core.handle(message, broker: brokerID) { topic, payload in
                        // Sparkplug commands go at QoS 0 and are never retained (spec 3.0).
                        (try? client?.publish(topic: topic, payload: payload, qos: .atMostOnce)) != nil
                    }
                }
                client.onConnectionEvent { event in core.connectionChanged(broker: brokerID, event) }
                for filter in filters { try client.subscribe(filter, qos: .atLeastOnce) }
            }
        } catch {
            for (_, client) in started { client.close() }
            throw error
        }
        clients.withLock { $0 = started }
        for (_, client) in started { client.start() }
    }

    /// Disconnects from every broker. Safe to call more than once.
    public func stop() {
        let running = clients.withLock { list in
            defer { list = [] }
            return list
        }
        for (_, client) in running { client.close() }
    }

    /// Counts so far (since `start()`).
    public var statistics: MQTTCollectorStatistics { core.state.withLock { $0.statistics } }

    /// Whether every broker is connected and has acknowledged every subscription.
    public var isReady: Bool {
        let list = clients.withLock { $0 }
        return !list.isEmpty && list.allSatisfy { $0.client.isReady }
    }

    /// Waits until `isReady`; false after `timeout`.
    public func waitUntilReady(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isReady {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// The latest reading of each sensor that has received one since `start()`.
    public var latestReadings: [SensorKey: Reading] { core.state.withLock { $0.latest } }

    /// Waits until every MQTT sensor has received a value since `start()`, at most `timeout`, and
    /// returns one reading per sensor in plant order: its latest reading, or, for a sensor that
    /// received nothing, a `.stale` reading without a value stamped with the current time.
    public func firstValues(timeout: Duration) async -> [Reading] {
        let wanted = sensors
        let deadline = ContinuousClock.now + timeout
        var latest = latestReadings
        while ContinuousClock.now < deadline, !wanted.allSatisfy({ latest[$0] != nil }) {
            try? await Task.sleep(for: .milliseconds(20))
            latest = latestReadings
        }
        let now = core.now()
        return wanted.map { key in
            latest[key] ?? Reading(asset: key.asset, sensor: key.sensor, value: nil, timestamp: now, quality: .stale)
        }
    }
}
