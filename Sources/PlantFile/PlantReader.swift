import PrognosCore
import Yams

/// Walks a plant file's YAML tree into PrognosCore types. Sections are read in dependency order
/// (catalogue and connections before the assets that refer to them), whatever their order in the file.
final class PlantReader {
    let diagnostics: Diagnostics
    var devices: [String: ModbusDevice] = [:]
    var brokerIDs: [String] = []
    var actions: [String: MaintenanceAction] = [:]
    /// Ids declared in the file, even by elements that have problems of their own: references to
    /// them are not reported again, so one mistake gives one message.
    var declaredDevices: [String] = []
    var declaredActions: [String] = []
    var declaredFailureModes: Set<String> = []
    /// Failure modes named by actions, checked once every asset is read.
    var actionFailureModeReferences: [(mode: String, action: String, location: SourceLocation)] = []
    /// Every Modbus point with the location of its address, for the overlap check.
    var modbusPoints: [(signal: SignalRef, point: ModbusPoint, location: SourceLocation)] = []
    var crewCapacity = Int.max

    init(diagnostics: Diagnostics) { self.diagnostics = diagnostics }

    func read(_ root: Node) -> Plant? {
        guard let top = YAMLMap(root, what: "the plant file", diagnostics: diagnostics) else { return nil }
        top.checkKeys(["site", "retention", "economics", "actions", "devices", "brokers", "areas", "metrics"])
        let site = top.map("site", what: "site", required: true).flatMap(readSite)
        let retention = top.map("retention", what: "retention").map(readRetention) ?? Retention()
        let metrics = top.map("metrics", what: "metrics").flatMap(readMetrics)
        let economics = top.map("economics", what: "economics", required: true).flatMap(readEconomics)
        let actionList = readActions(top.sequence("actions"))
        let deviceList = readDevices(top.sequence("devices"))
        let brokers = readBrokers(top.sequence("brokers"))
        let areas = readAreas(top.sequence("areas", required: true))
        checkActionFailureModes(areas.flatMap { $0.lines.flatMap(\.assets) })
        checkRegisterOverlaps()
        guard let site, let economics else { return nil }
        return Plant(
            site: site, areas: areas, devices: deviceList, brokers: brokers, actions: actionList,
            economics: economics, retention: retention, metrics: metrics)
    }

    func readSite(_ map: YAMLMap) -> Site? {
        map.checkKeys(["id", "name"])
        guard let id = map.identifier() else { return nil }
        return Site(id: id, name: map.string("name") ?? id)
    }

    func readRetention(_ map: YAMLMap) -> Retention {
        map.checkKeys(["raw_days", "summary_days"])
        let defaults = Retention()
        let raw = map.int("raw_days", range: 1...3650) ?? defaults.rawDays
        let summary = map.int("summary_days", range: 1...36500) ?? defaults.summaryDays
        if summary < raw {
            diagnostics.report(
                "summary_days (\(summary)) must be at least raw_days (\(raw)): summaries outlive raw readings",
                at: map.keyLocation("summary_days"))
        }
        return Retention(rawDays: raw, summaryDays: summary)
    }

    /// `metrics: {listen: "127.0.0.1:9464"}`: the Prometheus and health endpoint of `prognos run`.
    func readMetrics(_ map: YAMLMap) -> ListenAddress? {
        map.checkKeys(["listen"])
        guard let node = map.required("listen"), let text = map.scalarString(node, key: "listen") else { return nil }
        switch ListenAddress.parse(text) {
        case .success(let address): return address
        case .failure(let error):
            diagnostics.report("'listen' in metrics \(error.reason)", at: PlantFile.location(of: node))
            return nil
        }
    }

    func readEconomics(_ map: YAMLMap) -> Economics? {
        map.checkKeys(["currency", "downtime_cost_per_hour", "failure_cost", "crew_capacity", "windows"])
        let currency = map.string("currency") ?? "EUR"
        let downtime = nonNegative(map, "downtime_cost_per_hour", required: true)
        let failure = nonNegative(map, "failure_cost", required: true)
        let crew = map.int("crew_capacity", required: true, range: 1...1000)
        crewCapacity = crew ?? Int.max
        var seen = IDRegistry(kind: "maintenance window", diagnostics: diagnostics)
        let windows = map.sequence("windows").compactMap { node -> MaintenanceWindow? in
            guard let window = YAMLMap(node, what: "maintenance window", diagnostics: diagnostics) else { return nil }
            return readWindow(window, seen: &seen)
        }
        guard let downtime, let failure, let crew else { return nil }
        return Economics(
            currency: currency, downtimeCostPerHour: downtime, failureCost: failure, crewCapacity: crew,
            windows: windows)
    }

    private func readWindow(_ map: YAMLMap, seen: inout IDRegistry) -> MaintenanceWindow? {
        map.checkKeys(["id", "weekday", "start", "duration", "crew"])
        let id = map.identifier()
        if let id { seen.register(id, at: map.keyLocation("id")) }
        var weekday: MaintenanceWindow.Weekday?
        if let text = map.string("weekday", required: true) {
            weekday = MaintenanceWindow.Weekday(rawValue: text.lowercased())
            if weekday == nil {
                let names = MaintenanceWindow.Weekday.allCases.map(\.rawValue)
                let hint = suggestion(for: text.lowercased(), in: names)
                diagnostics.report(
                    "unknown weekday '\(text)' in maintenance window\(hint)", at: map.keyLocation("weekday"))
            }
        }
        var startMinute: Int?
        if let text = map.string("start", required: true) {
            startMinute = parseClockTime(text)
            if startMinute == nil {
                diagnostics.report(
                    "'start' must be a time of day HH:MM, such as 22:00 (got '\(text)')", at: map.keyLocation("start"))
            }
        }
        let duration = map.duration("duration", required: true)
        if let duration, duration <= .zero {
            diagnostics.report("a maintenance window must last longer than zero", at: map.keyLocation("duration"))
        }
        let crew = map.int("crew", range: 1...1000)
        guard let id, let weekday, let startMinute, let duration else { return nil }
        return MaintenanceWindow(id: id, weekday: weekday, startMinute: startMinute, duration: duration, crew: crew)
    }

    func readActions(_ nodes: [Node]) -> [MaintenanceAction] {
        var seen = IDRegistry(kind: "action", diagnostics: diagnostics)
        return nodes.compactMap { node in
            guard let map = YAMLMap(node, what: "maintenance action", diagnostics: diagnostics) else { return nil }
            map.checkKeys(["id", "name", "cost", "duration", "crew", "resets", "slows", "factor", "derate"])
            let id = map.identifier()
            if let id {
                seen.register(id, at: map.keyLocation("id"))
                declaredActions.append(id)
            }
            let cost = nonNegative(map, "cost", required: true)
            let duration = map.duration("duration", required: true)
            let crew = map.int("crew", required: true, range: 0...1000)
            if let crew, crew > crewCapacity {
                diagnostics.report(
                    "action needs a crew of \(crew) but the plant's crew_capacity is \(crewCapacity)",
                    at: map.keyLocation("crew"))
            }
            let effect = readEffect(map, actionID: id ?? "?")
            guard let id, let cost, let duration, let crew, let effect else { return nil }
            let action = MaintenanceAction(
                id: id, name: map.string("name"), cost: cost, duration: duration, crew: crew, effect: effect)
            actions[id] = action
            return action
        }
    }

    private func readEffect(_ map: YAMLMap, actionID: String) -> MaintenanceAction.Effect? {
        let given = ["resets", "slows", "derate"].filter(map.has)
        guard given.count == 1, let kind = given.first else {
            let reason =
                given.isEmpty
                ? "says nothing of its effect" : "has more than one effect (\(given.joined(separator: ", ")))"
            diagnostics.report(
                "action '\(actionID)' \(reason): give exactly one of 'resets', 'slows' (with 'factor') or 'derate'",
                at: map.location)
            return nil
        }
        if kind != "slows", map.has("factor") {
            diagnostics.report("'factor' belongs to a 'slows' effect", at: map.keyLocation("factor"))
        }
        switch kind {
        case "derate":
            guard let fraction = fraction(map, "derate") else { return nil }
            return .derates(fraction: fraction)
        default:
            let modes = map.stringList(kind, required: true)
            if modes.isEmpty {
                diagnostics.report("'\(kind)' must name at least one failure mode", at: map.keyLocation(kind))
            }
            for (mode, location) in modes { actionFailureModeReferences.append((mode, actionID, location)) }
            if kind == "resets" { return .resets(modes.map(\.0)) }
            guard let factor = fraction(map, "factor", required: true) else { return nil }
            return .slows(modes.map(\.0), factor: factor)
        }
    }

    /// A number strictly between 0 and 1.
    func fraction(_ map: YAMLMap, _ key: String, required: Bool = false) -> Double? {
        guard let value = map.double(key, required: required) else { return nil }
        guard value > 0, value < 1 else {
            diagnostics.report("'\(key)' must lie strictly between 0 and 1 (got \(value))", at: map.keyLocation(key))
            return nil
        }
        return value
    }

    func nonNegative(_ map: YAMLMap, _ key: String, required: Bool = false) -> Double? {
        guard let value = map.double(key, required: required) else { return nil }
        guard value >= 0 else {
            diagnostics.report("'\(key)' must not be negative (got \(value))", at: map.keyLocation(key))
            return nil
        }
        return value
    }
}

/// Minutes after midnight of `HH:MM`.
func parseClockTime(_ text: String) -> Int? {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2, let hours = Int(parts[0]),
        let minutes = Int(parts[1]),
        (0..<24).contains(hours), (0..<60).contains(minutes)
    else { return nil }
    return hours * 60 + minutes
}

/// Ids already seen in one namespace; a second use is reported with where the first one was.
struct IDRegistry {
    let kind: String
    let diagnostics: Diagnostics
    private var seen: [String: SourceLocation] = [:]

    init(kind: String, diagnostics: Diagnostics) {
        self.kind = kind
        self.diagnostics = diagnostics
    }

    mutating func register(_ id: String, at location: SourceLocation) {
        if let first = seen[id] {
            diagnostics.report("duplicate \(kind) id '\(id)' (first defined at line \(first.line))", at: location)
        } else {
            seen[id] = location
        }
    }
}
