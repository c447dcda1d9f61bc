import Foundation
import PrognosCore
import Store

/// How the dashboard draws: colours, glyphs, time zone, and who acts on alarms.
public struct DashboardOptions: Sendable {
    public var colors: Bool
    public var unicode: Bool
    public var timeZone: TimeZone
    /// Recorded as the actor of acknowledgements and shelves.
    public var actor: String

    public init(colors: Bool = true, unicode: Bool = true, timeZone: TimeZone = .current, actor: String = "operator") {
        self.colors = colors
        self.unicode = unicode
        self.timeZone = timeZone
        self.actor = actor
    }

    /// Colours unless `NO_COLOR` is set (https://no-color.org) or TERM is dumb; Unicode when the locale is UTF-8.
    public static func fromEnvironment(_ environment: [String: String], actor: String) -> DashboardOptions {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty || environment["TERM"] == "dumb"
        return DashboardOptions(colors: !noColor, unicode: localeIsUTF8(environment), actor: actor)
    }
}

/// What the runner must do after a key.
public enum DashboardAction: Sendable, Equatable {
    case none
    case quit
    /// Read the store now (a view that needs other data was opened, or the operator asked).
    case refresh
    /// Run an operator command on an alarm (through the same path as `prognos alarms`).
    case command(AlarmCommand, alarmID: String)
}

/// The interactive state: which view, what is selected, the filter, prompts and messages.
public struct UIState: Sendable, Equatable {
    public enum Prompt: Sendable, Equatable {
        case filter(String)
        case shelve(alarmID: String, text: String)
    }

    public var view: DashboardLayout.View
    public var previousView: DashboardLayout.View?
    public var sort: DashboardLayout.Sort
    public var grouping: DashboardLayout.Grouping
    public var filter = ""
    public var selectedAsset: String?
    public var openAsset: String?
    public var selectedSensor = 0
    public var selectedAlarm: String?
    public var selectedProposal = 0
    public var prompt: Prompt?
    public var message: String?
    public var messageIsError = false
    public var showHelp = false
    var plantScroll = 0
    var alarmScroll = 0
    var planScroll = 0
}

/// The dashboard without a terminal: a snapshot of the store, the UI state, key handling and
/// rendering to a `Canvas`. The runner (`Dashboard`) feeds it keys and snapshots; tests and
/// benchmarks use it directly.
public final class DashboardModel {
    public let layout: DashboardLayout
    public let hierarchy: PlantHierarchy
    public let options: DashboardOptions
    public var snapshot: Snapshot {
        didSet { generation += 1 }
    }
    public var state: UIState
    private var generation = 0
    private var entriesCache: (key: EntriesKey, rows: [AssetRow])?
    /// Plant-file order of the assets, and of their groups.
    private let fileOrder: [String: Int]
    private var groupOrderCache: (DashboardLayout.Grouping, [String: Int])?
    let glyphs: Glyphs
    let theme: Theme
    let format: Formatter

    public init(
        layout: DashboardLayout, hierarchy: PlantHierarchy, options: DashboardOptions,
        snapshot: Snapshot = Snapshot(now: 0)
    ) {
        self.layout = layout
        self.hierarchy = hierarchy
        self.options = options
        self.snapshot = snapshot
        fileOrder = Dictionary(hierarchy.assets.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        state = UIState(view: layout.start, sort: layout.plantSort, grouping: layout.plantGrouping)
        glyphs = options.unicode ? .unicode : .ascii
        theme = Theme(colors: options.colors)
        format = Formatter(timeZone: options.timeZone, glyphs: glyphs)
    }

    /// The asset whose details the data source should read.
    public var detailAsset: String? {
        state.openAsset ?? (layout.views.contains(.asset) && state.view == .asset ? plantEntries().first?.id : nil)
    }

    // MARK: - Keys

    public func handle(_ key: Key) -> DashboardAction {
        if let prompt = state.prompt { return handlePrompt(prompt, key) }
        if state.showHelp {
            state.showHelp = false
            if key == .character("q") { return .quit }
            return .none
        }
        state.message = nil
        switch key {
        case .character("q"), .control("c"): return .quit
        case .character("?"), .character("h"):
            state.showHelp = true
            return .none
        case .control("l"), .character("r"): return .refresh
        case .tab: return switchView(by: 1)
        case .backTab: return switchView(by: -1)
        case .character(let c) where c.isNumber:
            if let n = c.wholeNumberValue, n >= 1, n <= layout.views.count { return show(layout.views[n - 1]) }
            return .none
        case .escape, .backspace:
            if state.view == .asset, let previous = state.previousView, previous != .asset { return show(previous) }
            if state.view == .plant, !state.filter.isEmpty {
                state.filter = ""
                return .none
            }
            return .none
        default: break
        }
        switch state.view {
        case .plant: return handlePlant(key)
        case .asset: return handleAsset(key)
        case .alarms: return handleAlarms(key)
        case .plan: return handlePlan(key)
        }
    }

    private func show(_ view: DashboardLayout.View) -> DashboardAction {
        guard layout.views.contains(view), view != state.view else { return .none }
        state.previousView = state.view
        state.view = view
        if view == .asset, state.openAsset == nil { state.openAsset = state.selectedAsset ?? plantEntries().first?.id }
        return view == .asset ? .refresh : .none
    }

    private func switchView(by step: Int) -> DashboardAction {
        guard let index = layout.views.firstIndex(of: state.view) else { return show(layout.views[0]) }
        let next = (index + step + layout.views.count) % layout.views.count
        return show(layout.views[next])
    }

    /// Opens the asset view on `id` (when the layout has one).
    @discardableResult
    public func open(asset id: String) -> DashboardAction {
        state.openAsset = id
        state.selectedAsset = id
        state.selectedSensor = 0
        guard layout.views.contains(.asset) else { return .none }
        if state.view != .asset {
            state.previousView = state.view
            state.view = .asset
        }
        return .refresh
    }

    private func handlePlant(_ key: Key) -> DashboardAction {
        let entries = plantEntries()
        switch key {
        case .character("/"):
            state.prompt = .filter(state.filter)
            return .none
        case .character("o"):
            state.sort = state.sort == .risk ? .name : .risk
            state.message = "sorted by \(state.sort.rawValue)"
            return .none
        case .character("g"):
            let all = DashboardLayout.Grouping.allCases
            state.grouping = all[(all.firstIndex(of: state.grouping)! + 1) % all.count]
            state.message = state.grouping == .none ? "not grouped" : "grouped by \(state.grouping.rawValue)"
            return .none
        case .enter, .right, .character("l"):
            if let id = state.selectedAsset ?? entries.first?.id { return open(asset: id) }
            return .none
        default:
            let index = entries.firstIndex { $0.id == state.selectedAsset } ?? 0
            if let next = moved(index, count: entries.count, key: key, page: lastPage) {
                state.selectedAsset = entries[next].id
            }
            return .none
        }
    }

    private func handleAsset(_ key: Key) -> DashboardAction {
        let count = snapshot.detail?.sensors.count ?? 0
        switch key {
        case .character("["), .left:
            return stepAsset(-1)
        case .character("]"), .right:
            return stepAsset(1)
        case .character("a"):
            guard let id = state.openAsset,
                let alarm = snapshot.alarms.first(where: { $0.asset == id && $0.state.needsAttention })
            else {
                state.message = "no unacknowledged alarm on this asset"
                return .none
            }
            return .command(.acknowledge, alarmID: alarm.id)
        default:
            if let next = moved(state.selectedSensor, count: count, key: key, page: 5) { state.selectedSensor = next }
            return .none
        }
    }

    private func stepAsset(_ step: Int) -> DashboardAction {
        let entries = plantEntries()
        guard !entries.isEmpty else { return .none }
        let index = entries.firstIndex { $0.id == state.openAsset } ?? 0
        return open(asset: entries[(index + step + entries.count) % entries.count].id)
    }

    private func handleAlarms(_ key: Key) -> DashboardAction {
        let alarms = snapshot.alarms
        let selected = alarms.first { $0.id == state.selectedAlarm } ?? alarms.first
        switch key {
        case .character("a"):
            guard let selected else { return .none }
            return .command(.acknowledge, alarmID: selected.id)
        case .character("s"):
            guard let selected else { return .none }
            state.prompt = .shelve(alarmID: selected.id, text: shelveText(layout.shelveDefault))
            return .none
        case .character("u"):
            guard let selected else { return .none }
            return .command(.unshelve, alarmID: selected.id)
        case .enter:
            guard let selected else { return .none }
            return open(asset: selected.asset)
        default:
            let index = alarms.firstIndex { $0.id == selected?.id } ?? 0
            if let next = moved(index, count: alarms.count, key: key, page: lastPage) {
                state.selectedAlarm = alarms[next].id
            }
            return .none
        }
    }

    private func handlePlan(_ key: Key) -> DashboardAction {
        let proposals = snapshot.plan?.proposals ?? []
        switch key {
        case .enter:
            guard state.selectedProposal < proposals.count else { return .none }
            return open(asset: proposals[state.selectedProposal].asset)
        default:
            if let next = moved(state.selectedProposal, count: proposals.count, key: key, page: lastPage) {
                state.selectedProposal = next
            }
            return .none
        }
    }

    private func handlePrompt(_ prompt: UIState.Prompt, _ key: Key) -> DashboardAction {
        func edit(_ text: String) -> String? {
            switch key {
            case .backspace: return String(text.dropLast())
            case .control("u"): return ""
            case .character(let c): return text + String(c)
            default: return nil
            }
        }
        switch prompt {
        case .filter(let text):
            switch key {
            case .enter:
                state.prompt = nil
                state.filter = text
                state.selectedAsset = plantEntries().first?.id
            case .escape, .control("c"):
                state.prompt = nil
            default:
                if let next = edit(text) {
                    state.prompt = .filter(next)
                    state.filter = next  // filter as you type
                }
            }
            return .none
        case .shelve(let id, let text):
            switch key {
            case .enter:
                guard let seconds = parseSeconds(text), seconds >= 60, seconds <= 30 * 86_400 else {
                    state.message = "shelve for how long? such as 30m, 2h or 1d (at most 30d)"
                    state.messageIsError = true
                    return .none
                }
                state.prompt = nil
                return .command(.shelve(until: snapshot.now + seconds), alarmID: id)
            case .escape, .control("c"):
                state.prompt = nil
                return .none
            default:
                if let next = edit(text) { state.prompt = .shelve(alarmID: id, text: next) }
                return .none
            }
        }
    }

    /// Records the outcome of a command for the message line.
    public func commandFinished(_ command: AlarmCommand, alarmID: String, result: Result<AlarmRecord, any Error>) {
        switch result {
        case .success(let alarm):
            var text = "\(alarm.id): \(alarm.state.rawValue)"
            if let until = alarm.shelvedUntil, alarm.state == .shelved { text += " until \(format.day(until))" }
            state.message = text + " (by \(options.actor))"
            state.messageIsError = false
        case .failure(let error):
            let text = (error as? StoreError)?.message ?? "\(error)"
            state.message = "cannot \(commandName(command)) \(alarmID): \(text)"
            state.messageIsError = true
        }
    }

    private func commandName(_ command: AlarmCommand) -> String {
        switch command {
        case .acknowledge: "acknowledge"
        case .shelve: "shelve"
        case .unshelve: "unshelve"
        case .removeFromService: "remove from service"
        case .returnToService: "return to service"
        }
    }

    func shelveText(_ seconds: Double) -> String {
        if seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return "\(Int(seconds / 86_400))d" }
        if seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        return "\(Int(seconds / 60))m"
    }

    /// Rows on the last drawn page (for PgUp/PgDn).
    var lastPage = 10

    // MARK: - Plant ordering

    /// The plant view's assets after the filter, in display order (cached until the snapshot,
    /// the filter, the sort or the grouping changes).
    public func plantEntries() -> [AssetRow] {
        let key = EntriesKey(generation: generation, filter: state.filter, sort: state.sort, grouping: state.grouping)
        if let cached = entriesCache, cached.key == key { return cached.rows }
        let rows = computePlantEntries()
        entriesCache = (key, rows)
        return rows
    }

    struct EntriesKey: Equatable {
        var generation: Int
        var filter: String
        var sort: DashboardLayout.Sort
        var grouping: DashboardLayout.Grouping
    }

    private func computePlantEntries() -> [AssetRow] {
        var rows = snapshot.rows
        let words = state.filter.lowercased().split(separator: " ").map(String.init)
        if !words.isEmpty {
            rows = rows.filter { row in
                let haystack = [
                    row.id, row.info?.name ?? "", row.info?.type ?? "", row.info?.area ?? "", row.info?.areaID ?? "",
                    row.info?.line ?? "", row.info?.lineID ?? "", row.status.rawValue,
                ].joined(separator: " ").lowercased()
                return words.allSatisfy { haystack.contains($0) }
            }
        }
        // Sort keys computed once per row, not per comparison.
        let groups = groupOrder
        struct Keyed {
            var row: AssetRow
            var group: Int
            var severity: Int
            var ratio: Double
            var rul: Double
            var order: Int
        }
        let keyed = rows.map { row in
            Keyed(
                row: row,
                group: state.grouping == .none ? 0 : row.info.map { groups[groupKey($0)] ?? Int.max } ?? Int.max,
                severity: row.status.severity, ratio: row.ratio ?? -1, rul: row.worstRUL?.rulMedian ?? .infinity,
                order: fileOrder[row.id] ?? Int.max)
        }
        let byRisk = state.sort == .risk
        let byName = state.sort == .name
        return keyed.sorted { a, b in
            if a.group != b.group { return a.group < b.group }
            if byRisk {
                if a.severity != b.severity { return a.severity > b.severity }
                if a.ratio != b.ratio { return a.ratio > b.ratio }
                if a.rul != b.rul { return a.rul < b.rul }
                if a.row.alarms != b.row.alarms { return a.row.alarms > b.row.alarms }
            }
            if byName { return a.row.id < b.row.id }
            return (a.order, a.row.id) < (b.order, b.row.id)
        }.map(\.row)
    }

    func groupKey(_ info: PlantHierarchy.AssetInfo) -> String {
        state.grouping == .area ? info.areaID : info.areaID + "/" + info.lineID
    }

    func groupTitle(_ info: PlantHierarchy.AssetInfo) -> String {
        state.grouping == .area ? info.area : "\(info.area) \(options.unicode ? "›" : ">") \(info.line)"
    }

    var groupOrder: [String: Int] {
        if let cached = groupOrderCache, cached.0 == state.grouping { return cached.1 }
        var order: [String: Int] = [:]
        for (index, asset) in hierarchy.assets.enumerated() where order[groupKey(asset)] == nil {
            order[groupKey(asset)] = index
        }
        groupOrderCache = (state.grouping, order)
        return order
    }
}
