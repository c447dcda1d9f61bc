import Foundation
import PrognosCore

/// The fleet dashboard without a terminal: an overview of every plant from the fleet database,
/// the UI state, key handling (the plant dashboard's keys) and rendering to a `Canvas`.
/// `FleetDashboard` runs it on a terminal; tests render it directly.
public final class FleetDashboardModel {
    public enum View: String, Sendable, CaseIterable {
        case plants, alarms, work

        var title: String {
            switch self {
            case .plants: "Plants"
            case .alarms: "Alarms"
            case .work: "Planned work"
            }
        }
    }

    public struct State: Sendable, Equatable {
        public var view: View = .plants
        /// The plant selected in the plants view.
        public var selectedSite: String?
        /// Alarms and work of this site only (Enter on a plant); nil: every site.
        public var site: String?
        public var selectedAlarm = 0
        public var selectedWork = 0
        public var filterPrompt: String?
        /// Words that sites, assets, alarms and actions must contain.
        public var filter = ""
        public var showHelp = false
        public var message: String?
        var plantScroll = 0
        var alarmScroll = 0
        var workScroll = 0
    }

    public let options: DashboardOptions
    public var overview = FleetOverview()
    /// When the overview was read (the clock on the title bar).
    public var now: Double = 0
    /// Why the last read failed (shown on the status line; the previous overview stays shown).
    public var error: String?
    public var state = State()
    /// Worst assets listed under each plant.
    public let worstAssets: Int
    let glyphs: Glyphs
    let theme: Theme
    let format: Formatter
    var lastPage = 10

    public init(options: DashboardOptions, worstAssets: Int = 3) {
        self.options = options
        self.worstAssets = worstAssets
        glyphs = options.unicode ? .unicode : .ascii
        theme = Theme(colors: options.colors)
        format = Formatter(timeZone: options.timeZone, glyphs: glyphs)
    }

    // MARK: - What each view lists

    func matches(_ words: [String], _ fields: String...) -> Bool {
        let haystack = fields.joined(separator: " ").lowercased()
        return words.allSatisfy { haystack.contains($0) }
    }

    var filterWords: [String] { state.filter.lowercased().split(separator: " ").map(String.init) }

    public var plants: [FleetOverview.Plant] {
        let words = filterWords
        guard !words.isEmpty else { return overview.plants }
        return overview.plants.filter { plant in
            matches(words, plant.site) || plant.assets.contains { matches(words, plant.site, $0.asset, $0.status) }
        }
    }

    public var alarms: [FleetOverview.OpenAlarm] {
        let words = filterWords
        return overview.openAlarms.filter { alarm in
            (state.site == nil || alarm.site == state.site)
                && matches(
                    words, alarm.site, alarm.asset, alarm.alarmID, alarm.kind, alarm.state.rawValue,
                    alarm.priority.rawValue)
        }
    }

    public var work: [FleetOverview.PlannedWork] {
        let words = filterWords
        return overview.plannedWork.filter { item in
            (state.site == nil || item.site == state.site)
                && matches(words, item.site, item.asset, item.action, item.failureMode)
        }
    }

    // MARK: - Keys

    /// What the runner must do after `key`: nothing more, read the database now, or quit.
    public func handle(_ key: Key) -> DashboardAction {
        if let text = state.filterPrompt {
            switch key {
            case .enter, .escape: state.filterPrompt = nil
            case .backspace: state.filterPrompt = String(text.dropLast())
            case .control("u"): state.filterPrompt = ""
            case .character(let c): state.filterPrompt = text + String(c)
            default: break
            }
            if let prompt = state.filterPrompt { state.filter = prompt }
            if key == .escape { state.filter = "" }
            return .none
        }
        if state.showHelp {
            state.showHelp = false
            return key == .character("q") ? .quit : .none
        }
        state.message = nil
        switch key {
        case .character("q"), .control("c"): return .quit
        case .character("?"), .character("h"):
            state.showHelp = true
            return .none
        case .control("l"), .character("r"): return .refresh
        case .tab: return show(View.allCases[(View.allCases.firstIndex(of: state.view)! + 1) % View.allCases.count])
        case .backTab:
            return show(
                View.allCases[
                    (View.allCases.firstIndex(of: state.view)! + View.allCases.count - 1) % View.allCases.count])
        case .character(let c) where c.isNumber:
            if let n = c.wholeNumberValue, n >= 1, n <= View.allCases.count { return show(View.allCases[n - 1]) }
            return .none
        case .character("/"):
            state.filterPrompt = state.filter
            return .none
        case .escape, .backspace:
            if state.site != nil {
                state.site = nil
                state.message = "every site"
            } else if !state.filter.isEmpty {
                state.filter = ""
            } else if state.view != .plants {
                return show(.plants)
            }
            return .none
        default: break
        }
        switch state.view {
        case .plants:
            let list = plants
            let index = list.firstIndex { $0.site == state.selectedSite } ?? 0
            if key == .enter, index < list.count {
                state.site = list[index].site
                state.message = "alarms of \(list[index].site) (Esc: every site)"
                return show(.alarms)
            }
            if let next = moved(index, count: list.count, key: key, page: lastPage) {
                state.selectedSite = list[next].site
            }
        case .alarms:
            if let next = moved(state.selectedAlarm, count: alarms.count, key: key, page: lastPage) {
                state.selectedAlarm = next
            }
        case .work:
            if let next = moved(state.selectedWork, count: work.count, key: key, page: lastPage) {
                state.selectedWork = next
            }
        }
        return .none
    }

    private func show(_ view: View) -> DashboardAction {
        state.view = view
        return .none
    }
}
