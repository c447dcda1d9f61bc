import Foundation
import PrognosCore
import Yams

/// A dashboard layout (Dashboards/*.yaml): which views, in which order, their panels and columns,
/// and the thresholds that colour figures. Every key is optional; `DashboardLayout()` is the default.
public struct DashboardLayout: Sendable, Equatable {
    public enum View: String, Sendable, CaseIterable, Equatable { case plant, asset, alarms, plan }
    public enum Grouping: String, Sendable, CaseIterable, Equatable { case area, line, none }
    public enum Sort: String, Sendable, CaseIterable, Equatable { case risk, name }
    public enum PlantColumn: String, Sendable, CaseIterable, Equatable {
        case status, asset, name, type, area, line, deviation, trend, rul, mode, alarms
    }
    public enum AssetPanel: String, Sendable, CaseIterable, Equatable { case sensors, chart, rul, alarms, proposals }
    public enum AlarmColumn: String, Sendable, CaseIterable, Equatable {
        case priority, state, asset, kind, alarm, message, value, since, ack
    }
    public enum PlanColumn: String, Sendable, CaseIterable, Equatable {
        case window, crew, asset, action, mode, cost, ignored, saving, risk
    }

    /// Lower bounds of the warning and alarm colours (or upper bounds, for `rul`).
    public struct Threshold: Sendable, Equatable {
        public var warn: Double
        public var alarm: Double
        public init(warn: Double, alarm: Double) {
            self.warn = warn
            self.alarm = alarm
        }
    }

    public var name = "default"
    /// Seconds between reads of the store.
    public var refresh: Double = 2
    public var views: [View] = View.allCases
    public var start: View = .plant

    public var plantGrouping: Grouping = .line
    public var plantSort: Sort = .risk
    public var plantHistory: Double = 4 * 3600
    public var plantColumns: [PlantColumn] = [.status, .asset, .type, .deviation, .trend, .rul, .alarms]

    public var assetHistory: Double = 30 * 60
    /// Forecast band drawn in the chart: 50, 80 or 90 (%).
    public var assetInterval: Int = 90
    public var assetPanels: [AssetPanel] = AssetPanel.allCases
    public var assetContext = false

    public var alarmColumns: [AlarmColumn] = [.priority, .state, .asset, .alarm, .since, .ack]
    public var shelveDefault: Double = 3600

    public var planColumns: [PlanColumn] = [.window, .crew, .asset, .action, .cost, .risk]

    /// Deviation score as a fraction of the model's threshold.
    public var deviation = Threshold(warn: 0.8, alarm: 1.0)
    /// Remaining useful life in seconds (below `warn`: warning colour, below `alarm`: alarm colour).
    public var rul = Threshold(warn: 7 * 86_400, alarm: 86_400)
    /// Ingestion lag in seconds.
    public var lag = Threshold(warn: 5, alarm: 30)
    /// Heartbeat age in seconds past which the daemon is shown as not running.
    public var heartbeatTimeout: Double = 30

    public init() {}

    /// Every key a layout file may hold, for `--help` and docs/dashboard.md.
    public static let keys: [String] = [
        "name", "refresh", "start", "views", "plant.group_by", "plant.sort", "plant.history", "plant.columns",
        "asset.history", "asset.interval", "asset.panels", "asset.context", "alarms.columns", "alarms.shelve",
        "plan.columns", "thresholds.deviation.warn", "thresholds.deviation.alarm", "thresholds.rul.warn",
        "thresholds.rul.alarm", "thresholds.lag.warn", "thresholds.lag.alarm", "thresholds.heartbeat",
    ]

    /// Reads a layout file; every problem is reported as `file:line:column: reason`.
    public static func load(path: String) throws(LayoutError) -> DashboardLayout {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LayoutError(problems: [
                LayoutProblem(
                    file: path, line: 1, column: 1, reason: "cannot read the file: \(error.localizedDescription)")
            ])
        }
        return try load(yaml: text, file: path)
    }

    /// Reads layout text; `file` names it in the problems.
    public static func load(yaml text: String, file: String) throws(LayoutError) -> DashboardLayout {
        let reader = LayoutReader(file: file)
        let root: Node?
        switch onLargeStack({ Result { try Yams.compose(yaml: text) } }) {
        case .success(let node):
            root = node
        case .failure(let error):
            reader.syntax(error)
            throw LayoutError(problems: reader.problems)
        }
        var layout = DashboardLayout()
        if let root { reader.read(root, into: &layout) }
        if !reader.problems.isEmpty {
            throw LayoutError(problems: reader.problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return layout
    }
}

public struct LayoutProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var reason: String
    public var description: String { "\(file):\(line):\(column): \(reason)" }
}

/// Every problem of a layout file, in file order, one per line.
public struct LayoutError: Error, Sendable, CustomStringConvertible {
    public var problems: [LayoutProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Seconds in `500ms`, `2s`, `30m`, `4h`, `7d`, `1w`; nil otherwise.
public func parseSeconds(_ text: String) -> Double? {
    DurationText.seconds(text).flatMap { $0 > 0 ? $0 : nil }
}

private final class LayoutReader {
    let file: String
    var problems: [LayoutProblem] = []

    init(file: String) { self.file = file }

    func report(_ reason: String, at node: Node?) {
        let mark = node?.mark
        problems.append(LayoutProblem(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, reason: reason))
    }

    func syntax(_ error: any Error) {
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            problems.append(
                LayoutProblem(file: file, line: mark.line, column: mark.column, reason: "YAML syntax error: \(detail)"))
        case .duplicatedKeysInMapping(let duplicates, let context):
            problems.append(
                LayoutProblem(
                    file: file, line: context.mark.line, column: context.mark.column,
                    reason: "duplicate key '\(duplicates.joined(separator: "', '"))' in one mapping"))
        default:
            problems.append(LayoutProblem(file: file, line: 1, column: 1, reason: "cannot read YAML: \(error)"))
        }
    }

    /// The pairs of a mapping node, reporting keys outside `allowed`.
    func mapping(_ node: Node, _ what: String, allowed: [String]) -> [(String, Node, Node)] {
        guard case .mapping(let mapping) = node else {
            report("expected a mapping for \(what)", at: node)
            return []
        }
        var pairs: [(String, Node, Node)] = []
        for pair in mapping {
            let key = pair.key.string ?? ""
            if allowed.contains(key) {
                pairs.append((key, pair.key, pair.value))
            } else {
                report("unknown key '\(key)' in \(what); allowed: \(allowed.joined(separator: ", "))", at: pair.key)
            }
        }
        return pairs
    }

    func scalar(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            report("expected a single value for \(what)", at: node)
            return nil
        }
        return scalar.string
    }

    func seconds(_ node: Node, _ what: String, range: ClosedRange<Double>) -> Double? {
        guard let text = scalar(node, what) else { return nil }
        guard let value = parseSeconds(text) ?? Double(text).flatMap({ $0 > 0 ? $0 : nil }) else {
            report("\(what) must be a duration such as 2s, 30m, 4h or 7d, not '\(text)'", at: node)
            return nil
        }
        guard range.contains(value) else {
            report("\(what) must be between \(Int(range.lowerBound)) s and \(Int(range.upperBound)) s", at: node)
            return nil
        }
        return value
    }

    func number(_ node: Node, _ what: String) -> Double? {
        guard let text = scalar(node, what) else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            report("\(what) must be a number ≥ 0, not '\(text)'", at: node)
            return nil
        }
        return value
    }

    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ what: String, _: T.Type) -> T?
    where T.RawValue == String {
        guard let text = scalar(node, what) else { return nil }
        guard let value = T(rawValue: text) else {
            report("unknown \(what) '\(text)'; one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))", at: node)
            return nil
        }
        return value
    }

    func list<T: RawRepresentable & CaseIterable & Equatable>(_ node: Node, _ what: String, _ type: T.Type) -> [T]?
    where T.RawValue == String {
        guard case .sequence(let sequence) = node else {
            report(
                "expected a list for \(what), such as [\(T.allCases.prefix(3).map(\.rawValue).joined(separator: ", "))]",
                at: node)
            return nil
        }
        var values: [T] = []
        for item in sequence {
            guard let value = choice(item, what.hasSuffix("s") ? String(what.dropLast()) : what, type) else { continue }
            if values.contains(value) {
                report("\(value.rawValue) is listed twice in \(what)", at: item)
                continue
            }
            values.append(value)
        }
        if values.isEmpty, sequence.isEmpty { report("\(what) must not be empty", at: node) }
        return values.isEmpty ? nil : values
    }

    func boolean(_ node: Node, _ what: String) -> Bool? {
        guard let text = scalar(node, what) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report("\(what) must be true or false, not '\(text)'", at: node)
            return nil
        }
    }

    func threshold(_ node: Node, _ what: String, durations: Bool, into value: inout DashboardLayout.Threshold) {
        for (key, _, v) in mapping(node, "thresholds.\(what)", allowed: ["warn", "alarm"]) {
            let parsed =
                durations
                ? seconds(v, "thresholds.\(what).\(key)", range: 0.001...(10 * 365 * 86_400))
                : number(v, "thresholds.\(what).\(key)")
            guard let parsed else { continue }
            if key == "warn" { value.warn = parsed } else { value.alarm = parsed }
        }
    }

    func read(_ root: Node, into layout: inout DashboardLayout) {
        let top = mapping(
            root, "the layout",
            allowed: ["name", "refresh", "start", "views", "plant", "asset", "alarms", "plan", "thresholds"])
        for (key, _, value) in top {
            switch key {
            case "name": if let v = scalar(value, "name") { layout.name = v }
            case "refresh": if let v = seconds(value, "refresh", range: 0.2...60) { layout.refresh = v }
            case "start": if let v = choice(value, "view", DashboardLayout.View.self) { layout.start = v }
            case "views": if let v = list(value, "views", DashboardLayout.View.self) { layout.views = v }
            case "plant":
                for (k, _, v) in mapping(value, "plant", allowed: ["group_by", "sort", "history", "columns"]) {
                    switch k {
                    case "group_by":
                        if let x = choice(v, "plant.group_by", DashboardLayout.Grouping.self) {
                            layout.plantGrouping = x
                        }
                    case "sort": if let x = choice(v, "plant.sort", DashboardLayout.Sort.self) { layout.plantSort = x }
                    case "history":
                        if let x = seconds(v, "plant.history", range: 60...(30 * 86_400)) { layout.plantHistory = x }
                    default:
                        if let x = list(v, "plant.columns", DashboardLayout.PlantColumn.self) {
                            layout.plantColumns = x
                        }
                    }
                }
            case "asset":
                for (k, _, v) in mapping(value, "asset", allowed: ["history", "interval", "panels", "context"]) {
                    switch k {
                    case "history":
                        if let x = seconds(v, "asset.history", range: 60...(7 * 86_400)) { layout.assetHistory = x }
                    case "interval":
                        if let x = scalar(v, "asset.interval") {
                            if let n = Int(x.replacingOccurrences(of: "%", with: "")), [50, 80, 90].contains(n) {
                                layout.assetInterval = n
                            } else {
                                report(
                                    "asset.interval must be 50, 80 or 90 (the stored forecast intervals), not '\(x)'",
                                    at: v)
                            }
                        }
                    case "panels":
                        if let x = list(v, "asset.panels", DashboardLayout.AssetPanel.self) { layout.assetPanels = x }
                    default: if let x = boolean(v, "asset.context") { layout.assetContext = x }
                    }
                }
            case "alarms":
                for (k, _, v) in mapping(value, "alarms", allowed: ["columns", "shelve"]) {
                    if k == "columns" {
                        if let x = list(v, "alarms.columns", DashboardLayout.AlarmColumn.self) {
                            layout.alarmColumns = x
                        }
                    } else if let x = seconds(v, "alarms.shelve", range: 60...(30 * 86_400)) {
                        layout.shelveDefault = x
                    }
                }
            case "plan":
                for (_, _, v) in mapping(value, "plan", allowed: ["columns"]) {
                    if let x = list(v, "plan.columns", DashboardLayout.PlanColumn.self) { layout.planColumns = x }
                }
            default:
                for (k, _, v) in mapping(value, "thresholds", allowed: ["deviation", "rul", "lag", "heartbeat"]) {
                    switch k {
                    case "deviation": threshold(v, "deviation", durations: false, into: &layout.deviation)
                    case "rul": threshold(v, "rul", durations: true, into: &layout.rul)
                    case "lag": threshold(v, "lag", durations: true, into: &layout.lag)
                    default:
                        if let x = seconds(v, "thresholds.heartbeat", range: 1...3600) { layout.heartbeatTimeout = x }
                    }
                }
            }
        }
        if !layout.views.contains(layout.start), problems.isEmpty {
            report("start view '\(layout.start.rawValue)' is not in views", at: root)
        }
        if layout.deviation.warn > layout.deviation.alarm {
            report(
                "thresholds.deviation.warn (\(layout.deviation.warn)) is above thresholds.deviation.alarm (\(layout.deviation.alarm))",
                at: root)
        }
        if layout.rul.warn < layout.rul.alarm {
            report("thresholds.rul.warn must be longer than thresholds.rul.alarm", at: root)
        }
    }
}
