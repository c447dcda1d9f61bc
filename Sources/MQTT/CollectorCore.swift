import Logging
import PrognosCore
import Sparkplug
import Synchronization

/// The collector's message path, run on each broker client's network thread: route, decode,
/// deliver, count.
final class CollectorCore: Sendable {
    struct State {
        var statistics = MQTTCollectorStatistics()
        var logs: [String: RejectionLog] = [:]
        /// The latest reading of each sensor since `start()`.
        var latest: [SensorKey: Reading] = [:]
        /// What each broker's Sparkplug edge nodes have said of themselves (births, sequence numbers).
        var sparkplugHosts: [String: SparkplugHost] = [:]
    }

    let routes: CollectorRoutes
    let sink: any ReadingSink
    let logger: Logger
    let now: @Sendable () -> Double
    let state = Mutex(State())

    init(routes: CollectorRoutes, sink: any ReadingSink, logger: Logger, now: @escaping @Sendable () -> Double) {
        self.routes = routes
        self.sink = sink
        self.logger = logger
        self.now = now
    }

    /// - Parameter publish: sends a message on the same broker (the Sparkplug rebirth request);
    ///   true when it was queued.
    func handle(_ message: MQTTMessageView, broker: String, publish: (String, [UInt8]) -> Bool = { _, _ in false }) {
        let receivedAt = now()
        if let sparkplug = routes.sparkplug[broker], message.topic.hasPrefix(SparkplugTopic.namespace + "/") {
            handleSparkplug(message, broker: broker, routes: sparkplug, receivedAt: receivedAt, publish: publish)
            return
        }
        var readings: [Reading] = []
        var rejections: [PayloadRejection] = []
        var timestampProblem: PayloadRejection?
        let routeCount = routes.forEachRoute(broker: broker, topic: message.topic) { route in
            let results = route.decoder.decode(message.payload)
            for (sensor, result) in zip(route.sensors, results) {
                switch result {
                case .success(let extracted):
                    readings.append(
                        Reading(
                            asset: sensor.asset, sensor: sensor.sensor, value: extracted.value,
                            timestamp: extracted.timestamp ?? receivedAt, quality: .good))
                    if let rejection = extracted.timestampRejection { timestampProblem = rejection }
                case .failure(let rejection):
                    if rejection.reason == .notFinite {
                        readings.append(
                            Reading(
                                asset: sensor.asset, sensor: sensor.sensor, value: nil, timestamp: receivedAt,
                                quality: .badValue))
                    }
                    rejections.append(rejection)
                }
            }
        }
        if !readings.isEmpty { sink.deliver(readings) }
        let action = record(
            topic: message.topic, routed: routeCount > 0, readings: readings, rejections: rejections,
            timestampProblem: timestampProblem != nil, at: receivedAt)
        log(action, topic: message.topic, broker: broker, rejection: rejections.first ?? timestampProblem)
    }

    func record(
        topic: String, routed: Bool, readings: [Reading], rejections: [PayloadRejection], timestampProblem: Bool,
        at time: Double
    ) -> RejectionLog.Action {
        state.withLock { s in
            s.statistics.messages += 1
            s.statistics.readings += readings.count
            if !routed { s.statistics.unrouted += 1 }
            var reasons: [PayloadRejection.Reason] = []
            for rejection in rejections where !reasons.contains(rejection.reason) { reasons.append(rejection.reason) }
            for reason in reasons { s.statistics.rejections[reason, default: 0] += 1 }
            if timestampProblem { s.statistics.timestampFallbacks += 1 }
            // Mutated in place: no copy of the per-topic record per message.
            s.statistics.topics[topic, default: MQTTCollectorStatistics.Topic()].record(
                readings: readings.count, reasons: reasons, timestampProblem: timestampProblem, at: time)
            for reading in readings { s.latest[SensorKey(asset: reading.asset, sensor: reading.sensor)] = reading }
            if rejections.isEmpty && !timestampProblem {
                guard s.logs[topic] != nil else { return .none }
                return s.logs[topic]!.accepted()
            }
            return s.logs[topic, default: RejectionLog()].rejected(at: time)
        }
    }

    func log(_ action: RejectionLog.Action, topic: String, broker: String, rejection: PayloadRejection?) {
        switch action {
        case .none:
            return
        case .logRejection(let suppressed):
            var metadata: Logger.Metadata = ["mqtt.broker": "\(broker)", "mqtt.topic": "\(topic)"]
            if let rejection {
                metadata["mqtt.reason"] = "\(rejection.reason)"
                metadata["mqtt.detail"] = "\(rejection.detail)"
            }
            if suppressed > 0 { metadata["mqtt.rejected_since_last_log"] = "\(suppressed)" }
            let what =
                rejection?.reason == .badTimestamp
                ? "MQTT payload timestamp unusable, receive time used" : "MQTT payload rejected"
            logger.warning("\(what) (logged at most once a minute per topic)", metadata: metadata)
        case .logRecovery(let rejected):
            logger.info(
                "MQTT payloads usable again",
                metadata: ["mqtt.broker": "\(broker)", "mqtt.topic": "\(topic)", "mqtt.rejected": "\(rejected)"])
        }
    }

    func connectionChanged(broker: String, _ event: MQTTConnectionEvent) {
        state.withLock { s in
            switch event {
            case .connected: s.statistics.connected[broker] = true
            case .disconnected, .connectFailed: s.statistics.connected[broker] = false
            }
        }
    }
}
