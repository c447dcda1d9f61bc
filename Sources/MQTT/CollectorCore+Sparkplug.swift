import Logging
import PrognosCore
import Sparkplug
import Synchronization

/// The collector's Sparkplug B path: decode, apply the host's rules, deliver readings and deaths,
/// and ask for a rebirth where the plant file allows it.
extension CollectorCore {
    func handleSparkplug(
        _ message: MQTTMessageView, broker: String, routes: SparkplugRoutes, receivedAt: Double,
        publish: (String, [UInt8]) -> Bool
    ) {
        var readings: [Reading] = []
        var rejections: [PayloadRejection] = []
        var historical = 0
        var rebirthSent = false
        let outcome: SparkplugHost.Outcome
        do throws(SparkplugRefusal) {
            let topic = try SparkplugTopic(parsing: message.topic)
            let payload = try SparkplugPayload(decoding: message.payload)
            outcome = state.withLock {
                $0.sparkplugHosts[broker, default: SparkplugHost()].receive(topic, payload, receivedAt: receivedAt)
            }
        } catch {
            rejections.append(PayloadRejection(error))
            outcome = SparkplugHost.Outcome()
        }
        for update in outcome.updates {
            let key = SparkplugRoutes.MetricKey(node: update.node, device: update.device, name: update.name)
            guard let sensors = routes.sensorsByMetric[key] else { continue }
            if update.isHistorical {
                historical += sensors.count
                continue
            }
            for sensor in sensors {
                switch update.content {
                case .value(let value):
                    switch value.number {
                    case .success(let number) where number.isFinite:
                        readings.append(
                            Reading(
                                asset: sensor.asset, sensor: sensor.sensor, value: number, timestamp: update.timestamp,
                                quality: .good))
                    case .success:
                        readings.append(
                            Reading(
                                asset: sensor.asset, sensor: sensor.sensor, value: nil, timestamp: update.timestamp,
                                quality: .badValue))
                        rejections.append(PayloadRejection(.notFinite, "metric '\(update.name)' is \(value)"))
                    case .failure(let refusal):
                        rejections.append(PayloadRejection(refusal))
                    }
                case .null:
                    readings.append(
                        Reading(
                            asset: sensor.asset, sensor: sensor.sensor, value: nil, timestamp: update.timestamp,
                            quality: .badValue))
                case .refused(let refusal):
                    rejections.append(PayloadRejection(refusal))
                }
            }
        }
        for death in outcome.deaths {
            for sensor in routes.sensors(endedBy: death) {
                readings.append(
                    Reading(
                        asset: sensor.asset, sensor: sensor.sensor, value: nil, timestamp: death.timestamp,
                        quality: .commFail))
            }
        }
        rejections += outcome.refusals.map(PayloadRejection.init)
        if let node = outcome.rebirth, routes.rebirthAllowed.contains(node) {
            let topic = SparkplugTopic(kind: .nodeCommand, group: node.group, edgeNode: node.edgeNode)
            let request = SparkplugPayload.rebirthRequest(at: UInt64(max(0, receivedAt * 1000)))
            rebirthSent = publish(topic.description, request.serialized())
            let reason = outcome.refusals.first.map { "\($0)" } ?? "unknown"
            if rebirthSent {
                logger.info(
                    "Sparkplug rebirth requested",
                    metadata: [
                        "mqtt.broker": "\(broker)", "sparkplug.node": "\(node)", "sparkplug.reason": "\(reason)",
                    ])
            } else {
                logger.warning(
                    "Sparkplug rebirth request could not be sent",
                    metadata: ["mqtt.broker": "\(broker)", "sparkplug.node": "\(node)"])
            }
        }
        if !readings.isEmpty { sink.deliver(readings) }
        state.withLock { s in
            s.statistics.sparkplugHistorical += historical
            if rebirthSent { s.statistics.rebirthRequests += 1 }
        }
        let action = record(
            topic: message.topic, routed: true, readings: readings, rejections: rejections, timestampProblem: false,
            at: receivedAt)
        log(action, topic: message.topic, broker: broker, rejection: rejections.first)
    }
}

extension PayloadRejection {
    /// A Sparkplug refusal, counted and logged like a JSON payload's rejection under its own reason.
    init(_ refusal: SparkplugRefusal) {
        self.init(Reason(rawValue: refusal.reason.rawValue), refusal.detail)
    }
}
