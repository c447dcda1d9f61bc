import Foundation
import PrognosCore
import Yams

/// A scenario file: what happens to the plant and when, in simulated time from the start.
///
/// ```yaml
/// name: demo
/// description: A bearing wears out on pump-101; a filter clogs; a transmitter drifts.
/// natural_degradation: false      # optional: only what is listed happens (default true)
/// events:
///   - {at: 10m, asset: pump-101, fault: bearing-wear, time_to_failure: 3h}
///   - {at: 30m, asset: motor-211, sensor: winding_temp, sensor_fault: drift, magnitude: 6, duration: 2h}
///   - {at: 40m, device: energy-meters, down: 2m}
///   - {at: 1h, asset: fan-201, duty: 0.8, duration: 1h}
///   - {at: 5h, asset: pump-101, action: replace-bearings}
/// ```
/// Times and durations carry a unit (`500ms`, `90s`, `10m`, `3h`, `2d`, `1w`) or are seconds.
public struct Scenario: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var event: ScheduledEvent
        /// Line of the scenario file it came from (for messages).
        public var line: Int
        public init(event: ScheduledEvent, line: Int) {
            self.event = event
            self.line = line
        }
    }

    public var name: String
    public var description: String?
    /// Overrides the run's natural degradation when given.
    public var naturalDegradation: Bool?
    /// The file it was read from.
    public var file: String
    public var events: [Entry]

    public init(
        name: String, description: String? = nil, naturalDegradation: Bool? = nil, file: String = "", events: [Entry]
    ) {
        self.name = name
        self.description = description
        self.naturalDegradation = naturalDegradation
        self.file = file
        self.events = events
    }

    /// Reads a scenario file; every problem is reported as file:line: reason.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(problems: ["\(path): cannot read: \(error.localizedDescription)"])
        }
        return try parse(yaml: text, file: path)
    }

    public static func parse(yaml text: String, file: String = "scenario") throws(ScenarioError) -> Scenario {
        let root: Node?
        switch onLargeStack({ Result { try Yams.compose(yaml: text) } }) {
        case .success(let node): root = node
        case .failure(let error): throw ScenarioError(problems: ["\(file): not valid YAML: \(error)"])
        }
        guard let root, case .mapping(let top) = root else {
            throw ScenarioError(problems: ["\(file):1: a scenario is a mapping with 'name' and 'events'"])
        }
        var problems: [String] = []
        func line(_ node: Node) -> Int { node.mark?.line ?? 1 }
        func report(_ node: Node, _ reason: String) { problems.append("\(file):\(line(node)): \(reason)") }

        var name = ""
        var description: String?
        var natural: Bool?
        var entries: [Entry] = []
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "name": name = value.string ?? ""
            case "description": description = value.string
            case "natural_degradation":
                if let flag = value.bool {
                    natural = flag
                } else {
                    report(value, "natural_degradation is true or false")
                }
            case "events":
                guard case .sequence(let list) = value else {
                    report(value, "events is a list")
                    continue
                }
                for item in list {
                    if let entry = event(item, report: report) { entries.append(entry) }
                }
            default: report(keyNode, "unknown key '\(key)' (allowed: name, description, natural_degradation, events)")
            }
        }
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        entries.sort { $0.event.at < $1.event.at }
        return Scenario(name: name, description: description, naturalDegradation: natural, file: file, events: entries)
    }

    private static func event(_ node: Node, report: (Node, String) -> Void) -> Entry? {
        guard case .mapping(let mapping) = node else {
            report(node, "an event is a mapping such as {at: 10m, asset: pump-101, fault: bearing-wear}")
            return nil
        }
        var fields: [String: Node] = [:]
        for (key, value) in mapping { fields[key.string ?? ""] = value }
        let allowed: Set<String> = [
            "at", "asset", "fault", "time_to_failure", "sensor", "sensor_fault", "magnitude", "duration", "device",
            "down",
            "duty", "action",
        ]
        var ok = true
        for key in fields.keys.sorted() where !allowed.contains(key) {
            report(node, "unknown key '\(key)' in event (allowed: \(allowed.sorted().joined(separator: ", ")))")
            ok = false
        }
        func seconds(_ key: String) -> Double?? {
            guard let value = fields[key] else { return .some(nil) }
            guard let text = value.string, let parsed = parseDuration(text) else {
                report(value, "'\(key)' is a duration such as 90s, 10m, 3h or 2d")
                return nil
            }
            return .some(parsed)
        }
        func number(_ key: String) -> Double?? {
            guard let value = fields[key] else { return .some(nil) }
            guard let parsed = value.string.flatMap(Double.init) else {
                report(value, "'\(key)' is a number")
                return nil
            }
            return .some(parsed)
        }
        guard let atOptional = seconds("at"), let at = atOptional else {
            if fields["at"] == nil { report(node, "an event needs 'at' (when, from the start)") }
            return nil
        }
        guard ok, let duration = seconds("duration"), let magnitude = number("magnitude") else { return nil }
        let asset = fields["asset"]?.string
        let change: ScheduledEvent.Change
        if let mode = fields["fault"]?.string {
            guard let asset else {
                report(node, "a fault needs 'asset'")
                return nil
            }
            guard let ttf = seconds("time_to_failure") else { return nil }
            change = .fault(asset: asset, mode: mode, timeToFailure: ttf)
        } else if let kindNode = fields["sensor_fault"] {
            guard let kind = kindNode.string.flatMap(SensorFaultKind.init(rawValue:)) else {
                report(
                    kindNode,
                    "sensor_fault is one of \(SensorFaultKind.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            guard let asset, let sensor = fields["sensor"]?.string else {
                report(node, "a sensor fault needs 'asset' and 'sensor'")
                return nil
            }
            change = .sensorFault(asset: asset, sensor: sensor, kind: kind, magnitude: magnitude, duration: duration)
        } else if let device = fields["device"]?.string {
            guard let downOptional = seconds("down"), let down = downOptional else {
                report(node, "a device event needs 'down: DURATION'")
                return nil
            }
            change = .deviceDown(device: device, duration: down)
        } else if fields["duty"] != nil {
            guard let asset, let fractionOptional = number("duty"), let fraction = fractionOptional else {
                report(node, "a duty change needs 'asset' and 'duty' (a fraction of rated, e.g. 0.8)")
                return nil
            }
            change = .duty(asset: asset, fraction: fraction, duration: duration)
        } else if let action = fields["action"]?.string {
            guard let asset else {
                report(node, "an action needs 'asset'")
                return nil
            }
            change = .maintenance(asset: asset, action: action)
        } else {
            report(node, "an event has one of 'fault', 'sensor_fault', 'device', 'duty' or 'action'")
            return nil
        }
        return Entry(event: ScheduledEvent(at: at, change: change), line: node.mark?.line ?? 1)
    }

    /// Checks every event against the plant: assets, failure modes, sensors, devices and actions exist.
    public func validate(against plant: Plant) throws(SimulationError) {
        var problems: [String] = []
        for entry in events {
            let place = "\(file):\(entry.line)"
            func asset(_ id: String) -> Asset? {
                if let a = plant.asset(id) { return a }
                problems.append("\(place): no asset '\(id)' in the plant")
                return nil
            }
            switch entry.event.change {
            case .fault(let id, let mode, _):
                if let a = asset(id), !a.failureModes.contains(where: { $0.id == mode }) {
                    problems.append(
                        "\(place): \(id) has no failure mode '\(mode)' (it has \(a.failureModes.map(\.id).joined(separator: ", ")))"
                    )
                }
            case .sensorFault(let id, let sensor, _, _, _):
                if let a = asset(id), a.signal(sensor) == nil {
                    problems.append("\(place): \(id) has no sensor '\(sensor)'")
                }
            case .deviceDown(let device, _):
                if plant.device(device) == nil {
                    problems.append("\(place): no Modbus device '\(device)' in the plant")
                }
            case .duty(let id, let fraction, _):
                _ = asset(id)
                if !(fraction > 0 && fraction <= 1.1) {
                    problems.append("\(place): duty is a fraction of rated in (0, 1.1]")
                }
            case .maintenance(let id, let action):
                if let a = asset(id) {
                    if plant.action(action) == nil {
                        problems.append("\(place): no action '\(action)' in the plant's catalogue")
                    } else if !a.actionIDs.isEmpty, !a.actionIDs.contains(action) {
                        problems.append("\(place): action '\(action)' does not apply to \(id)")
                    }
                }
            }
        }
        if !problems.isEmpty { throw SimulationError(problems.joined(separator: "\n")) }
    }
}

/// Problems found reading a scenario file.
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]
    public init(problems: [String]) { self.problems = problems }
    public var description: String { problems.joined(separator: "\n") }
}

/// Seconds of a duration text: `500ms`, `90s`, `10m`, `10min`, `3h`, `2d`, `1w`, or a plain number of seconds.
public func parseDuration(_ text: String) -> Double? {
    if let plain = Double(text.trimmingCharacters(in: .whitespaces)) {
        return plain >= 0 && plain.isFinite ? plain : nil
    }
    return DurationText.seconds(text)
}
