import PrognosCore
import Yams

extension PlantReader {
    /// A signal's source: exactly one of `modbus`, `mqtt` or `sparkplug`.
    func readSource(_ map: YAMLMap, signal: SignalRef) -> SignalSource? {
        let kinds = ["modbus", "mqtt", "sparkplug"]
        let given = kinds.filter { map.has($0) }
        guard given.count <= 1 else {
            diagnostics.report(
                "\(map.what) '\(signal.sensor)' has \(given.count) sources: give one of 'modbus', 'mqtt' or 'sparkplug'",
                at: map.keyLocation(given[1]))
            return nil
        }
        switch given.first {
        case "modbus":
            return map.map("modbus", what: "Modbus source").flatMap { readModbus($0, signal: signal) }
                .map(SignalSource.modbus)
        case "mqtt": return map.map("mqtt", what: "MQTT source").flatMap(readMQTT).map(SignalSource.mqtt)
        case "sparkplug":
            return map.map("sparkplug", what: "Sparkplug source").flatMap(readSparkplug).map(SignalSource.sparkplug)
        default:
            diagnostics.report(
                "\(map.what) '\(signal.sensor)' has no source: give 'modbus', 'mqtt' or 'sparkplug'", at: map.location)
            return nil
        }
    }

    private func readModbus(_ map: YAMLMap, signal: SignalRef) -> ModbusPoint? {
        map.checkKeys(["device", "unit", "function", "address", "type", "word_order", "scale", "offset"])
        let device = map.string("device", required: true)
        if let device, !declaredDevices.contains(device) {
            diagnostics.report(
                "unknown device '\(device)'\(suggestion(for: device, in: declaredDevices))",
                at: map.keyLocation("device"))
        }
        // Unit 0 is broadcast (answered by nobody, acted on by everybody): never polled.
        let unit = map.int("unit", range: 1...247) ?? 1
        var function: ModbusFunction?
        if let text = map.string("function", required: true) {
            function = ModbusFunction(rawValue: text)
            if function == nil {
                let names = ModbusFunction.allCases.map(\.rawValue)
                let hint = suggestion(for: text, in: names, listing: true)
                diagnostics.report("unknown Modbus function '\(text)'\(hint)", at: map.keyLocation("function"))
            }
        }
        let address = map.int("address", required: true, range: 0...65535)
        var dataType: ModbusDataType? = function?.isBitAddressed == true && !map.has("type") ? .bool : nil
        if let text = map.string("type", required: function?.isBitAddressed != true) {
            dataType = ModbusDataType(rawValue: text)
            if dataType == nil {
                let names = ModbusDataType.allCases.map(\.rawValue)
                let hint = suggestion(for: text, in: names, listing: true)
                diagnostics.report("unknown data type '\(text)'\(hint)", at: map.keyLocation("type"))
            }
        }
        if let function, let dataType, function.isBitAddressed, dataType != .bool {
            diagnostics.report(
                "data type '\(dataType.rawValue)' does not fit a \(function == .coil ? "coil" : "discrete input"): bit tables hold single bits; use type bool",
                at: map.keyLocation("type"))
            return nil
        }
        var wordOrder = WordOrder.abcd
        if let text = map.string("word_order") {
            if let order = WordOrder(rawValue: text.uppercased()) {
                wordOrder = order
            } else {
                diagnostics.report(
                    "unknown word order '\(text)'; use one of ABCD, CDAB, BADC, DCBA", at: map.keyLocation("word_order")
                )
            }
        }
        let scale = map.double("scale") ?? 1
        if scale == 0 { diagnostics.report("'scale' must not be zero", at: map.keyLocation("scale")) }
        let offset = map.double("offset") ?? 0
        guard let device, let function, let address, let dataType else { return nil }
        let point = ModbusPoint(
            device: device, unitID: UInt8(unit), function: function, address: UInt16(address), dataType: dataType,
            wordOrder: wordOrder, scale: scale, offset: offset)
        if address + point.width - 1 > 65535 {
            diagnostics.report(
                "address \(address) with type \(dataType.rawValue) (\(point.width) registers) runs past the last address 65535",
                at: map.keyLocation("address"))
            return nil
        }
        modbusPoints.append((signal, point, map.keyLocation("address")))
        return point
    }

    private func readMQTT(_ map: YAMLMap) -> MQTTPoint? {
        map.checkKeys(["broker", "topic", "value", "timestamp"])
        let broker = readBrokerID(map)
        let topic = map.string("topic", required: true)
        if let topic, let problem = topicProblem(topic) {
            diagnostics.report("topic '\(topic)' \(problem)", at: map.keyLocation("topic"))
        }
        let value = readPath(map, "value") ?? (map.has("value") ? nil : try? JSONPath(parsing: "$"))
        let timestamp = readPath(map, "timestamp")
        guard let broker, let topic, let value else { return nil }
        return MQTTPoint(broker: broker, topic: topic, valuePath: value, timestampPath: timestamp)
    }

    private func readSparkplug(_ map: YAMLMap) -> SparkplugPoint? {
        map.checkKeys(["broker", "group", "edge_node", "device", "metric", "rebirth"])
        let broker = readBrokerID(map)
        var ids: [String: String] = [:]
        for key in ["group", "edge_node", "device"] {
            guard let id = map.string(key, required: key != "device") else { continue }
            if let problem = SparkplugPoint.idProblem(id) {
                diagnostics.report("'\(key)' '\(id)' \(problem)", at: map.keyLocation(key))
                continue
            }
            ids[key] = id
        }
        let metric = map.string("metric", required: true)
        let rebirth = readFlag(map, "rebirth") ?? false
        guard let broker, let group = ids["group"], let edgeNode = ids["edge_node"], let metric,
            map.has("device") == (ids["device"] != nil)
        else { return nil }
        return SparkplugPoint(
            broker: broker, group: group, edgeNode: edgeNode, device: ids["device"], metric: metric, rebirth: rebirth)
    }

    /// The source's broker: required when the plant has several, else the only one.
    private func readBrokerID(_ map: YAMLMap) -> String? {
        var broker = map.string("broker", required: brokerIDs.count != 1)
        if broker == nil, brokerIDs.count == 1 { broker = brokerIDs[0] }
        if let broker, !brokerIDs.contains(broker) {
            let hint = suggestion(for: broker, in: brokerIDs)
            diagnostics.report("unknown broker '\(broker)'\(hint)", at: map.keyLocation("broker"))
        }
        return broker
    }

    /// A yes/no key: YAML's `true` or `false`.
    private func readFlag(_ map: YAMLMap, _ key: String) -> Bool? {
        guard let node = map.node(key) else { return nil }
        switch node.scalar?.string {
        case "true": return true
        case "false": return false
        default:
            diagnostics.report("'\(key)' in \(map.what) must be true or false", at: PlantFile.location(of: node))
            return nil
        }
    }

    private func readPath(_ map: YAMLMap, _ key: String) -> JSONPath? {
        guard let text = map.string(key) else { return nil }
        do {
            return try JSONPath(parsing: text)
        } catch {
            diagnostics.report(
                "'\(key)' is not a JSON path such as $.value or $.data[0].v: \(error)", at: map.keyLocation(key))
            return nil
        }
    }
}

/// Why a sensor topic cannot be subscribed to as one exact topic, or nil when it can.
func topicProblem(_ topic: String) -> String? {
    if topic.isEmpty { return "is empty" }
    if topic.utf8.count > 65535 { return "is longer than MQTT allows (65,535 bytes)" }
    if topic.contains("+") || topic.contains("#") {
        return "contains a wildcard ('+' or '#'): a sensor topic names one exact topic"
    }
    if topic.unicodeScalars.contains(where: { $0.value == 0 }) { return "contains a NUL character" }
    if topic.hasPrefix("$") { return "starts with '$', which brokers reserve for themselves" }
    // MQTT 3.1.1 §1.5.3: control characters and Unicode non-characters should not appear in topics.
    if let bad = topic.unicodeScalars.first(where: {
        $0.properties.generalCategory == .control || $0.properties.isNoncharacterCodePoint
    }) {
        return
            "contains U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(to: 4)), a control or non-character, which a topic name must not"
    }
    return nil
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
