import Foundation
import PrognosCore

extension FleetDashboardModel: DashboardFrame {
    /// The whole frame: title bar, the current view, the key/message line and the status line.
    public func render(width: Int, height: Int) -> Canvas { frame(width: width, height: height) }

    func drawView(_ canvas: inout Canvas, y: Int, height: Int) {
        switch state.view {
        case .plants: drawPlants(&canvas, y: y, height: height)
        case .alarms: drawAlarms(&canvas, y: y, height: height)
        case .work: drawWork(&canvas, y: y, height: height)
        }
    }

    func drawOverlay(_ canvas: inout Canvas) {
        if state.showHelp { drawBox(&canvas, lines: helpLines, theme: theme, glyphs: glyphs, unicode: options.unicode) }
    }

    func drawTitle(_ canvas: inout Canvas) {
        let bar = theme.bar
        canvas.fill(x: 0, y: 0, width: canvas.width, height: 1, Cell(" ", bar))
        var x = canvas.put(" Prognos fleet ", x: 0, y: 0, style: bar.adding(bold: true))
        for (index, view) in View.allCases.enumerated() {
            var label = " \(index + 1) \(view.title)"
            if view == .alarms {
                let unack = overview.openAlarms.filter { $0.state.needsAttention }.count
                if unack > 0 { label += " (\(unack))" }
            }
            label += " "
            let selected = view == state.view
            let style =
                selected
                ? (options.colors
                    ? Style(foreground: .black, background: .cyan, bold: true) : Style(bold: true, underline: true))
                : bar
            x += canvas.put(label, x: x, y: 0, style: style)
        }
        let right = " \(state.site.map { "site \($0)" } ?? "all sites") \(format.clock(now)) "
        if x + columns(right) < canvas.width { canvas.put(right, x: canvas.width - columns(right), y: 0, style: bar) }
    }

    private func statusStyle(_ word: String) -> Style {
        NE107Status(rawValue: word).map(theme.style) ?? theme.level(.warn)
    }

    private enum PlantColumn: Equatable { case name, status, score, rul, alarms, last }

    private func drawPlants(_ canvas: inout Canvas, y: Int, height: Int) {
        let list = plants
        let assets = list.map(\.assetCount).reduce(0, +)
        let notNormal = list.map(\.notNormal).reduce(0, +)
        let open = list.map(\.openAlarms).reduce(0, +)
        let unack = list.map(\.unacknowledged).reduce(0, +)
        var x = canvas.put("\(plural(list.count, "plant")) ", x: 0, y: y, style: .bold)
        x += canvas.put(" \(plural(assets, "asset")), ", x: x, y: y)
        x += canvas.put("\(notNormal) not normal", x: x, y: y, style: notNormal > 0 ? theme.level(.warn) : .plain)
        x += canvas.put(", \(plural(open, "open alarm"))", x: x, y: y)
        if unack > 0 { canvas.put(" (\(unack) unacknowledged)", x: x, y: y, style: theme.level(.alarm)) }
        let note = "worst \(worstAssets) assets of each plant"
        if x + columns(note) + 30 < canvas.width {
            canvas.put(note, x: canvas.width - columns(note), y: y, style: theme.muted)
        }

        let specs: [ColumnSpec<PlantColumn>] = [
            ColumnSpec(key: .name, title: "PLANT / ASSET", minWidth: 18, maxWidth: 28),
            ColumnSpec(key: .status, title: "STATUS", minWidth: 14, maxWidth: 22),
            ColumnSpec(key: .score, title: "DEVIATION", minWidth: 9, maxWidth: 11, align: .right, dropPriority: 2),
            ColumnSpec(key: .rul, title: "RUL", minWidth: 7, maxWidth: 20, dropPriority: 3),
            ColumnSpec(key: .alarms, title: "ALARMS", minWidth: 8, maxWidth: 20, align: .right),
            ColumnSpec(key: .last, title: "LAST STATE", minWidth: 10, maxWidth: 12, align: .right, dropPriority: 1),
        ]
        let fitted = fitColumns(specs, total: canvas.width - 1)
        for column in fitted {
            canvas.put(
                column.spec.title, x: 1 + column.x, y: y + 1, width: column.width, style: theme.heading,
                align: column.spec.align)
        }
        guard !list.isEmpty else {
            let text =
                overview.plants.isEmpty
                ? "no plant has reported to the fleet database yet" : "no plant matches \"\(state.filter)\""
            canvas.put(text, x: 1, y: y + 2, style: theme.muted)
            return
        }
        // Rows: each plant, then its worst assets indented under it.
        var rows: [(plant: FleetOverview.Plant, asset: FleetOverview.AssetState?)] = []
        for plant in list {
            rows.append((plant, nil))
            for asset in plant.assets { rows.append((plant, asset)) }
        }
        let selectedSite = list.contains { $0.site == state.selectedSite } ? state.selectedSite! : list[0].site
        state.selectedSite = selectedSite
        let selectedRow = rows.firstIndex { $0.plant.site == selectedSite && $0.asset == nil } ?? 0
        let visible = max(1, height - 2)
        lastPage = max(1, visible / max(1, worstAssets + 1))
        state.plantScroll = scrolled(state.plantScroll, selected: selectedRow, visible: visible, count: rows.count)
        for line in 0..<visible {
            let index = state.plantScroll + line
            guard index < rows.count else { break }
            let (plant, asset) = rows[index]
            let ly = y + 2 + line
            for column in fitted {
                let cx = 1 + column.x
                let w = column.width
                if let asset {
                    drawAssetCell(&canvas, asset, column.spec.key, x: cx, y: ly, width: w)
                } else {
                    drawPlantCell(&canvas, plant, column.spec.key, x: cx, y: ly, width: w)
                }
            }
            if index == selectedRow { canvas.restyle(x: 0, y: ly, count: canvas.width) { $0.adding(reverse: true) } }
        }
    }

    private func drawPlantCell(
        _ canvas: inout Canvas, _ plant: FleetOverview.Plant, _ key: PlantColumn, x: Int, y: Int, width w: Int
    ) {
        switch key {
        case .name: canvas.put(plant.site, x: x, y: y, width: w, style: .bold, ellipsis: glyphs.ellipsis)
        case .status:
            switch plant.online {
            case true?:
                canvas.put(glyphs.alive + " online", x: x, y: y, width: w, style: theme.colors ? .fg(.green) : .plain)
            case false?: canvas.put(glyphs.dead + " OFFLINE", x: x, y: y, width: w, style: theme.level(.alarm))
            case nil: canvas.put(glyphs.missing + " no status", x: x, y: y, width: w, style: theme.muted)
            }
        case .score:
            canvas.put("\(plant.assetCount) assets", x: x, y: y, width: w, style: theme.muted, align: .right)
        case .rul:
            canvas.put(
                plant.notNormal > 0 ? "\(plant.notNormal) not normal" : "all normal", x: x, y: y, width: w,
                style: plant.notNormal > 0 ? theme.level(.warn) : theme.muted)
        case .alarms:
            let text =
                plant.unacknowledged > 0 ? "\(plant.openAlarms) (\(plant.unacknowledged) new)" : "\(plant.openAlarms)"
            canvas.put(
                text, x: x, y: y, width: w, style: plant.unacknowledged > 0 ? theme.level(.alarm) : .plain,
                align: .right)
        case .last:
            canvas.put(
                plant.lastState.map { format.age(now - $0) + " ago" } ?? glyphs.missing, x: x, y: y, width: w,
                style: staleState(plant.lastState) ? theme.level(.warn) : theme.muted, align: .right)
        }
    }

    private func drawAssetCell(
        _ canvas: inout Canvas, _ asset: FleetOverview.AssetState, _ key: PlantColumn, x: Int, y: Int, width w: Int
    ) {
        switch key {
        case .name: canvas.put("  " + asset.asset, x: x, y: y, width: w, ellipsis: glyphs.ellipsis)
        case .status:
            canvas.put(asset.status, x: x, y: y, width: w, style: statusStyle(asset.status), ellipsis: glyphs.ellipsis)
        case .score:
            let text: String
            if let score = asset.score, let threshold = asset.threshold, threshold > 0 {
                text = format.score(score / threshold) + "×"
            } else {
                text = glyphs.missing
            }
            canvas.put(text, x: x, y: y, width: w, align: .right)
        case .rul:
            let text =
                asset.rulMedian.map { format.duration($0) + (asset.rulMode.map { " " + $0 } ?? "") } ?? glyphs.missing
            canvas.put(text, x: x, y: y, width: w, ellipsis: glyphs.ellipsis)
        case .alarms:
            canvas.put(asset.activeAlarms > 0 ? String(asset.activeAlarms) : "", x: x, y: y, width: w, align: .right)
        case .last: canvas.put(format.clock(asset.time), x: x, y: y, width: w, style: theme.muted, align: .right)
        }
    }

    /// A plant whose newest state is older than a minute has stopped reporting (states come every 5 s).
    private func staleState(_ time: Double?) -> Bool { time.map { now - $0 > 60 } ?? true }

    private enum AlarmColumn: Equatable { case priority, state, site, asset, alarm, message, since }

    private func alarmStateStyle(_ alarmState: AlarmState) -> Style {
        switch alarmState {
        case .unacknowledged: theme.level(.alarm)
        case .returnedUnacknowledged: theme.level(.warn)
        case .acknowledged: .plain
        case .shelved, .outOfService, .normal: theme.muted
        }
    }

    private func drawAlarms(_ canvas: inout Canvas, y: Int, height: Int) {
        let list = alarms
        let unack = list.filter { $0.state.needsAttention }.count
        var x = canvas.put("\(list.count) open ", x: 0, y: y, style: .bold)
        if unack > 0 { x += canvas.put(" \(unack) waiting for an operator", x: x, y: y, style: theme.level(.alarm)) }
        let note = "unacknowledged first, then priority, oldest first"
        if x + columns(note) + 2 < canvas.width {
            canvas.put(note, x: canvas.width - columns(note), y: y, style: theme.muted)
        }
        let specs: [ColumnSpec<AlarmColumn>] = [
            ColumnSpec(key: .priority, title: "PRI", minWidth: 6, maxWidth: 6),
            ColumnSpec(key: .state, title: "STATE", minWidth: 14, maxWidth: 23),
            ColumnSpec(key: .site, title: "PLANT", minWidth: 10, maxWidth: 16),
            ColumnSpec(key: .asset, title: "ASSET", minWidth: 10, maxWidth: 16),
            ColumnSpec(key: .alarm, title: "ALARM", minWidth: 12, maxWidth: 32),
            ColumnSpec(key: .message, title: "MESSAGE", minWidth: 16, maxWidth: 80, dropPriority: 2),
            ColumnSpec(key: .since, title: "SINCE", minWidth: 5, maxWidth: 5, align: .right),
        ]
        let fitted = fitColumns(specs, total: canvas.width - 1)
        for column in fitted {
            canvas.put(
                column.spec.title, x: 1 + column.x, y: y + 1, width: column.width, style: theme.heading,
                align: column.spec.align)
        }
        let detailHeight = 3
        let visible = max(1, height - 2 - detailHeight)
        lastPage = visible
        guard !list.isEmpty else {
            canvas.put(
                state.site.map { "no open alarms at \($0)" } ?? "no open alarms", x: 1, y: y + 2, style: theme.muted)
            return
        }
        let selected = min(state.selectedAlarm, list.count - 1)
        state.selectedAlarm = selected
        state.alarmScroll = scrolled(state.alarmScroll, selected: selected, visible: visible, count: list.count)
        for row in 0..<visible {
            let index = state.alarmScroll + row
            guard index < list.count else { break }
            let alarm = list[index]
            let ly = y + 2 + row
            for column in fitted {
                let (cx, w) = (1 + column.x, column.width)
                switch column.spec.key {
                case .priority:
                    canvas.put(alarm.priority.rawValue, x: cx, y: ly, width: w, style: theme.priority(alarm.priority))
                case .state:
                    canvas.put(
                        alarm.state.rawValue, x: cx, y: ly, width: w, style: alarmStateStyle(alarm.state),
                        ellipsis: glyphs.ellipsis)
                case .site: canvas.put(alarm.site, x: cx, y: ly, width: w, ellipsis: glyphs.ellipsis)
                case .asset: canvas.put(alarm.asset, x: cx, y: ly, width: w, style: .bold, ellipsis: glyphs.ellipsis)
                case .alarm:
                    let name =
                        alarm.alarmID.hasPrefix(alarm.asset + "/")
                        ? String(alarm.alarmID.dropFirst(alarm.asset.count + 1)) : alarm.alarmID
                    canvas.put(name, x: cx, y: ly, width: w, ellipsis: glyphs.ellipsis)
                case .message: canvas.put(alarm.message, x: cx, y: ly, width: w, ellipsis: glyphs.ellipsis)
                case .since: canvas.put(format.age(now - alarm.time), x: cx, y: ly, width: w, align: .right)
                }
            }
            if index == selected { canvas.restyle(x: 0, y: ly, count: canvas.width) { $0.adding(reverse: true) } }
        }
        let alarm = list[selected]
        let dy = y + height - detailHeight
        canvas.put(String(repeating: String(glyphs.horizontal), count: canvas.width), x: 0, y: dy, style: theme.muted)
        canvas.put(" \(alarm.site) \(glyphs.separator) \(alarm.alarmID) ", x: 2, y: dy, style: .bold)
        canvas.put(alarm.message, x: 1, y: dy + 1, limit: canvas.width - 2)
        canvas.put(
            "\(alarm.kind), \(alarm.priority.rawValue), \(alarm.state.rawValue) since \(format.day(alarm.time))", x: 1,
            y: dy + 2,
            style: theme.muted, limit: canvas.width - 2)
    }

    private enum WorkColumn: Equatable { case window, site, asset, action, mode, cost, risk }

    private func drawWork(_ canvas: inout Canvas, y: Int, height: Int) {
        let list = work
        let sites = Set(list.map(\.site)).count
        canvas.put(
            "\(plural(list.count, "proposal")) at \(plural(sites, "plant")), soonest first", x: 0, y: y, style: .bold)
        let specs: [ColumnSpec<WorkColumn>] = [
            ColumnSpec(key: .window, title: "WINDOW", minWidth: 16, maxWidth: 24),
            ColumnSpec(key: .site, title: "PLANT", minWidth: 10, maxWidth: 16),
            ColumnSpec(key: .asset, title: "ASSET", minWidth: 10, maxWidth: 16),
            ColumnSpec(key: .action, title: "ACTION", minWidth: 12, maxWidth: 24),
            ColumnSpec(key: .mode, title: "FAILURE MODE", minWidth: 12, maxWidth: 20, dropPriority: 2),
            ColumnSpec(key: .cost, title: "COST", minWidth: 9, maxWidth: 11, align: .right, dropPriority: 3),
            ColumnSpec(
                key: .risk, title: "P(FAIL) IGNORED", minWidth: 15, maxWidth: 16, align: .right, dropPriority: 1),
        ]
        let fitted = fitColumns(specs, total: canvas.width - 1)
        for column in fitted {
            canvas.put(
                column.spec.title, x: 1 + column.x, y: y + 1, width: column.width, style: theme.heading,
                align: column.spec.align)
        }
        let visible = max(1, height - 2)
        lastPage = visible
        guard !list.isEmpty else {
            canvas.put("no planned work", x: 1, y: y + 2, style: theme.muted)
            return
        }
        let selected = min(state.selectedWork, list.count - 1)
        state.selectedWork = selected
        state.workScroll = scrolled(state.workScroll, selected: selected, visible: visible, count: list.count)
        for row in 0..<visible {
            let index = state.workScroll + row
            guard index < list.count else { break }
            let item = list[index]
            let ly = y + 2 + row
            for column in fitted {
                let (cx, w) = (1 + column.x, column.width)
                switch column.spec.key {
                case .window:
                    canvas.put(format.window(item.start, item.end), x: cx, y: ly, width: w, ellipsis: glyphs.ellipsis)
                case .site: canvas.put(item.site, x: cx, y: ly, width: w, ellipsis: glyphs.ellipsis)
                case .asset: canvas.put(item.asset, x: cx, y: ly, width: w, style: .bold, ellipsis: glyphs.ellipsis)
                case .action: canvas.put(item.action, x: cx, y: ly, width: w, ellipsis: glyphs.ellipsis)
                case .mode:
                    canvas.put(item.failureMode, x: cx, y: ly, width: w, style: theme.muted, ellipsis: glyphs.ellipsis)
                case .cost:
                    canvas.put(
                        item.expectedCost.map { format.money($0) + " " + item.currency } ?? glyphs.missing, x: cx,
                        y: ly, width: w,
                        align: .right)
                case .risk:
                    let risk = item.failureProbabilityIgnored
                    canvas.put(
                        format.percent(risk), x: cx, y: ly, width: w,
                        style: (risk ?? 0) >= 0.5 ? theme.level(.alarm) : .plain,
                        align: .right)
                }
            }
            if index == selected { canvas.restyle(x: 0, y: ly, count: canvas.width) { $0.adding(reverse: true) } }
        }
    }

    func drawHints(_ canvas: inout Canvas, y: Int) {
        if let prompt = state.filterPrompt {
            let n = canvas.put("Filter (plant, asset, alarm, action): \(prompt)", x: 0, y: y, style: theme.accent)
            canvas.put(options.unicode ? "▏" : "_", x: n, y: y)
            return
        }
        if let message = state.message {
            canvas.put(message, x: 0, y: y, style: theme.accent)
            return
        }
        var hints: [(String, String)] = [("↑↓", "move")]
        if state.view == .plants { hints.append(("Enter", "its alarms")) }
        if state.site != nil { hints.append(("Esc", "every site")) }
        hints += [("/", "filter"), ("Tab", "view"), ("r", "reload"), ("?", "keys"), ("q", "quit")]
        var x = 0
        for (key, what) in hints {
            let k = options.unicode ? key : key.replacingOccurrences(of: "↑↓", with: "j/k")
            if x + columns(k) + columns(what) + 2 > canvas.width { break }
            x += canvas.put(k, x: x, y: y, style: theme.accent)
            x += canvas.put(" " + what + "  ", x: x, y: y, style: theme.muted)
        }
    }

    func drawStatus(_ canvas: inout Canvas, y: Int) {
        var parts: [(String, Style)] = []
        if let error {
            parts.append((glyphs.dead + " fleet database: " + error, theme.level(.alarm)))
        } else {
            parts.append((glyphs.alive + " fleet database", theme.colors ? .fg(.green) : .plain))
        }
        let offline = overview.plants.filter { $0.online == false }.map(\.site)
        if !offline.isEmpty { parts.append(("offline: " + offline.joined(separator: ", "), theme.level(.alarm))) }
        let age = overview.lastReceived.map { now - $0 }
        let text =
            "last message " + format.clock(overview.lastReceived) + (age.map { " (\(format.age($0)) ago)" } ?? "")
        parts.append((text, (age ?? .infinity) > 60 ? theme.level(.warn) : .plain))
        var x = 0
        for (i, part) in parts.enumerated() {
            if i > 0 { x += canvas.put(glyphs.separator, x: x, y: y, style: theme.muted) }
            x += canvas.put(part.0, x: x, y: y, style: part.1)
        }
    }

    private var helpLines: [String] {
        [
            "Keys",
            "",
            "1-3, Tab, Shift-Tab       switch view (plants, alarms, planned work)",
            "Up/Down, j/k, PgUp/PgDn   move; Home/End (G) first/last",
            "Enter                     the selected plant's alarms and work only",
            "Esc, Backspace            every site again; clear the filter; back",
            "/                         filter by plant, asset, alarm or action",
            "r, Ctrl-L                 read the fleet database now, redraw",
            "?                         this help;  q, Ctrl-C  quit",
            "",
            "Acknowledge and shelve at the plant (prognos dashboard --db):",
            "the fleet view shows what the plants publish.",
        ]
    }
}

/// "1 plant", "3 plants".
private func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
