import PrognosCore
import Yams

extension PlantReader {
    func readAreas(_ nodes: [Node]) -> [Area] {
        var areaIDs = IDRegistry(kind: "area", diagnostics: diagnostics)
        var lineIDs = IDRegistry(kind: "line", diagnostics: diagnostics)
        var assetIDs = IDRegistry(kind: "asset", diagnostics: diagnostics)
        if nodes.isEmpty {
            diagnostics.report("a plant needs at least one area", at: SourceLocation(line: 1, column: 1))
        }
        return nodes.compactMap { node in
            guard let area = YAMLMap(node, what: "area", diagnostics: diagnostics) else { return nil }
            area.checkKeys(["id", "name", "lines"])
            let areaID = area.identifier()
            if let areaID { areaIDs.register(areaID, at: area.keyLocation("id")) }
            let lines = area.sequence("lines", required: true).compactMap { node -> Line? in
                guard let line = YAMLMap(node, what: "line", diagnostics: diagnostics) else { return nil }
                line.checkKeys(["id", "name", "assets"])
                let lineID = line.identifier()
                if let lineID { lineIDs.register(lineID, at: line.keyLocation("id")) }
                let assets = line.sequence("assets", required: true).compactMap { node -> Asset? in
                    guard let asset = YAMLMap(node, what: "asset", diagnostics: diagnostics) else { return nil }
                    return readAsset(asset, areaID: areaID ?? "", lineID: lineID ?? "", ids: &assetIDs)
                }
                guard let lineID else { return nil }
                return Line(id: lineID, name: line.string("name") ?? lineID, assets: assets)
            }
            guard let areaID else { return nil }
            return Area(id: areaID, name: area.string("name") ?? areaID, lines: lines)
        }
    }

    private func readAsset(_ map: YAMLMap, areaID: String, lineID: String, ids: inout IDRegistry) -> Asset? {
        map.checkKeys(["id", "name", "type", "sensors", "context", "failure_modes", "actions", "failure_cost"])
        let id = map.identifier()
        if let id { ids.register(id, at: map.keyLocation("id")) }
        let type = map.identifier("type")
        var signalIDs = IDRegistry(kind: "sensor", diagnostics: diagnostics)
        let sensorNodes = map.sequence("sensors", required: true)
        if sensorNodes.isEmpty, map.has("sensors") {
            diagnostics.report("an asset needs at least one sensor", at: map.keyLocation("sensors"))
        }
        let sensors = sensorNodes.compactMap { node in
            readSignal(node, assetID: id ?? "?", context: false, ids: &signalIDs)
        }
        let context = map.sequence("context").compactMap { node in
            readSignal(node, assetID: id ?? "?", context: true, ids: &signalIDs)
        }
        let declaredSensors = map.sequence("sensors").compactMap { node -> String? in
            guard case .mapping(let mapping) = node, case .scalar(let id)? = mapping["id"] else { return nil }
            return id.string
        }
        let failureModes = readFailureModes(
            map.sequence("failure_modes"), sensorIDs: declaredSensors, assetID: id ?? "?")
        var actionIDs: [String] = []
        for (action, location) in map.stringList("actions") {
            if !declaredActions.contains(action) {
                diagnostics.report(
                    "unknown action '\(action)'\(suggestion(for: action, in: declaredActions))", at: location)
            }
            actionIDs.append(action)
        }
        let failureCost = nonNegative(map, "failure_cost")
        guard let id, let type else { return nil }
        return Asset(
            id: id, name: map.string("name") ?? id, type: type, areaID: areaID, lineID: lineID, sensors: sensors,
            context: context, failureModes: failureModes, actionIDs: actionIDs, failureCost: failureCost)
    }

    private func readSignal(_ node: Node, assetID: String, context: Bool, ids: inout IDRegistry) -> Sensor? {
        let what = context ? "context signal" : "sensor"
        guard let map = YAMLMap(node, what: what, diagnostics: diagnostics) else { return nil }
        var keys = ["id", "name", "unit", "normal", "alarm", "trip", "modbus", "mqtt", "sparkplug", "counter"]
        if context { keys.append("role") }
        map.checkKeys(keys)
        let id = map.identifier()
        if let id { ids.register(id, at: map.keyLocation("id")) }
        var role = SignalRole.measurement
        if context {
            role = .context
            if let text = map.string("role", required: true) {
                let allowed = SignalRole.allCases.filter { $0 != .measurement }.map(\.rawValue)
                if let value = SignalRole(rawValue: text), value != .measurement {
                    role = value
                } else {
                    let hint = suggestion(for: text, in: allowed, listing: true)
                    diagnostics.report("unknown context role '\(text)'\(hint)", at: map.keyLocation("role"))
                }
            }
        }
        let unit = map.string("unit", required: true)
        if let unit, !EngineeringUnits.known.contains(unit) {
            let hint = suggestion(for: unit, in: Array(EngineeringUnits.known))
            diagnostics.report("unknown unit '\(unit)'\(hint)", at: map.keyLocation("unit"))
        }
        let normal = readNormalRange(map)
        let limits = readLimits(map, normal: normal)
        let source = readSource(map, signal: SignalRef(asset: assetID, sensor: id ?? "?"))
        var isCounter = false
        if let text = map.string("counter") {
            switch text {
            case "true": isCounter = true
            case "false": isCounter = false
            default:
                diagnostics.report("'counter' must be true or false (got '\(text)')", at: map.keyLocation("counter"))
            }
        }
        guard let id, let unit, let source else { return nil }
        return Sensor(
            id: id, name: map.string("name"), role: role, unit: unit, normal: normal, limits: limits, source: source,
            isCounter: isCounter)
    }

    private func readNormalRange(_ map: YAMLMap) -> ClosedRange<Double>? {
        let nodes = map.sequence("normal")
        guard map.has("normal") else { return nil }
        guard nodes.count == 2, let low = map.number(nodes[0], key: "normal"),
            let high = map.number(nodes[1], key: "normal")
        else {
            if nodes.count != 2 {
                diagnostics.report("'normal' must be a range [low, high]", at: map.keyLocation("normal"))
            }
            return nil
        }
        guard low < high else {
            diagnostics.report(
                "normal range [\(plainNumber(low)), \(plainNumber(high))] must have low below high",
                at: map.keyLocation("normal"))
            return nil
        }
        return low...high
    }

    /// Alarm and trip limits, checked to lie in order: trip low ≤ alarm low ≤ normal ≤ alarm high ≤ trip high.
    private func readLimits(_ map: YAMLMap, normal: ClosedRange<Double>?) -> Limits {
        func side(_ key: String) -> (low: Double?, high: Double?, map: YAMLMap?) {
            guard let sub = map.map(key, what: "\(key) limits") else { return (nil, nil, nil) }
            sub.checkKeys(["low", "high"])
            if !sub.has("low"), !sub.has("high") {
                diagnostics.report("'\(key)' needs 'low', 'high' or both", at: sub.location)
            }
            return (sub.double("low"), sub.double("high"), sub)
        }
        let alarm = side("alarm")
        let trip = side("trip")
        let limits = Limits(alarmLow: alarm.low, alarmHigh: alarm.high, tripLow: trip.low, tripHigh: trip.high)
        // Walking each chain outward-in (low side) or inward-out (high side), values must not decrease.
        typealias Limit = (name: String, value: Double?, location: SourceLocation)
        let normalLocation = map.keyLocation("normal")
        let lowChain: [Limit] = [
            ("trip low", trip.low, trip.map?.keyLocation("low") ?? map.location),
            ("alarm low", alarm.low, alarm.map?.keyLocation("low") ?? map.location),
            ("normal low", normal?.lowerBound, normalLocation),
        ]
        let highChain: [Limit] = [
            ("normal high", normal?.upperBound, normalLocation),
            ("alarm high", alarm.high, alarm.map?.keyLocation("high") ?? map.location),
            ("trip high", trip.high, trip.map?.keyLocation("high") ?? map.location),
        ]
        for chain in [lowChain, highChain] {
            let present = chain.compactMap { item in item.value.map { (item.name, $0, item.location) } }
            for (outer, inner) in zip(present, present.dropFirst()) where outer.1 > inner.1 {
                diagnostics.report(
                    "\(inner.0) \(plainNumber(inner.1)) is below \(outer.0) \(plainNumber(outer.1)): limits must lie in order trip low ≤ alarm low ≤ normal ≤ alarm high ≤ trip high",
                    at: inner.2)
            }
        }
        return limits
    }

    private func readFailureModes(_ nodes: [Node], sensorIDs: [String], assetID: String) -> [FailureMode] {
        var ids = IDRegistry(kind: "failure mode", diagnostics: diagnostics)
        func checkSensor(_ sensor: String, at location: SourceLocation) {
            guard !sensorIDs.contains(sensor) else { return }
            let hint = suggestion(for: sensor, in: sensorIDs)
            diagnostics.report("unknown sensor '\(sensor)' of asset '\(assetID)'\(hint)", at: location)
        }
        return nodes.compactMap { node in
            guard let map = YAMLMap(node, what: "failure mode", diagnostics: diagnostics) else { return nil }
            map.checkKeys(["id", "name", "sensors", "limit"])
            let id = map.identifier()
            if let id {
                ids.register(id, at: map.keyLocation("id"))
                declaredFailureModes.insert(id)
            }
            let shown = map.stringList("sensors", required: true)
            shown.forEach { checkSensor($0.0, at: $0.1) }
            var limit: FailureLimit?
            if let limitMap = map.map("limit", what: "failure limit", required: true) {
                limitMap.checkKeys(["sensor", "above", "below"])
                let sensor = limitMap.string("sensor", required: true)
                if let sensor { checkSensor(sensor, at: limitMap.keyLocation("sensor")) }
                switch (limitMap.double("above"), limitMap.double("below")) {
                case (let value?, nil): limit = sensor.map { FailureLimit(sensor: $0, direction: .above, value: value) }
                case (nil, let value?): limit = sensor.map { FailureLimit(sensor: $0, direction: .below, value: value) }
                default:
                    diagnostics.report("a failure limit needs exactly one of 'above' or 'below'", at: limitMap.location)
                }
            }
            guard let id, let limit else { return nil }
            return FailureMode(id: id, name: map.string("name"), sensors: shown.map(\.0), limit: limit)
        }
    }
}
