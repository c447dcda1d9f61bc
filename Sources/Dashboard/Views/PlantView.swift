import PrognosCore
import Store

extension DashboardModel {
    private func plantSpecs(sparkMax: Int) -> [ColumnSpec<DashboardLayout.PlantColumn>] {
        layout.plantColumns.map { column in
            switch column {
            case .status: ColumnSpec(key: column, title: "STATUS", minWidth: 20, maxWidth: 20)
            case .asset: ColumnSpec(key: column, title: "ASSET", minWidth: 11, maxWidth: 15)
            case .name: ColumnSpec(key: column, title: "NAME", minWidth: 12, maxWidth: 32, dropPriority: 2)
            case .type: ColumnSpec(key: column, title: "TYPE", minWidth: 10, maxWidth: 18, dropPriority: 3)
            case .area: ColumnSpec(key: column, title: "AREA", minWidth: 10, maxWidth: 22, dropPriority: 1)
            case .line: ColumnSpec(key: column, title: "LINE", minWidth: 10, maxWidth: 24, dropPriority: 1)
            case .deviation: ColumnSpec(key: column, title: "DEV", minWidth: 6, maxWidth: 6, align: .right)
            case .trend:
                ColumnSpec(
                    key: column, title: "LAST \(format.age(layout.plantHistory).uppercased())", minWidth: 8,
                    maxWidth: sparkMax, dropPriority: 5)
            case .rul:
                ColumnSpec(
                    key: column, title: "RUL (P10\(glyphs.range)P90)", minWidth: 16, maxWidth: 18, dropPriority: 6)
            case .mode: ColumnSpec(key: column, title: "FAILURE MODE", minWidth: 12, maxWidth: 18, dropPriority: 2)
            case .alarms: ColumnSpec(key: column, title: "ALM", minWidth: 4, maxWidth: 4, align: .right)
            }
        }
    }

    func drawPlant(_ canvas: inout Canvas, y origin: Int, height fullHeight: Int) {
        let entries = plantEntries()
        let all = snapshot.rows
        // The summary line gives way when it would push an asset off the screen.
        var groups = 0
        if state.grouping != .none {
            var seen = Set<String>()
            for row in entries where seen.insert(row.info.map(groupKey) ?? "?").inserted { groups += 1 }
        }
        let compact = entries.count + groups > fullHeight - 2
        let y = compact ? origin - 1 : origin
        let height = compact ? fullHeight + 1 : fullHeight
        if !compact {
            // Summary: counts by status, sort, filter.
            var x = 0
            let counts = Dictionary(grouping: all, by: \.status).mapValues(\.count)
            x += canvas.put("\(all.count) assets ", x: x, y: y, style: .bold)
            for status in NE107Status.allCases.reversed() {
                let n = counts[status] ?? 0
                guard n > 0 else { continue }
                x += canvas.put(" \(n) ", x: x, y: y, style: .bold)
                x += canvas.put(status.rawValue, x: x, y: y, style: theme.style(status))
            }
            let learning = all.filter(\.learning).count
            if learning > 0 { x += canvas.put("  (\(learning) learning)", x: x, y: y, style: theme.muted) }
            var right = "sort: \(state.sort.rawValue)"
            if !state.filter.isEmpty { right = "filter: \(state.filter) (\(entries.count))  " + right }
            if x + columns(right) + 2 < canvas.width {
                canvas.put(
                    right, x: canvas.width - columns(right), y: y,
                    style: state.filter.isEmpty ? theme.muted : theme.accent)
            }
        }

        let columnsFit = fitColumns(plantSpecs(sparkMax: 48), total: canvas.width - 1)
        for column in columnsFit {
            canvas.put(
                column.spec.title, x: 1 + column.x, y: y + 1, width: column.width, style: theme.heading,
                align: column.spec.align)
        }
        // Lines: group headers and assets.
        enum Line {
            case header(String)
            case asset(Int)
        }
        var lines: [Line] = []
        var currentGroup: String?
        for (i, row) in entries.enumerated() {
            if state.grouping != .none {
                let key = row.info.map(groupKey) ?? "?"
                if key != currentGroup {
                    currentGroup = key
                    lines.append(.header(row.info.map(groupTitle) ?? "Not in the plant file"))
                }
            }
            lines.append(.asset(i))
        }
        let visible = height - 2
        lastPage = max(1, visible - 1)
        if entries.isEmpty {
            let text =
                all.isEmpty
                ? "no assets yet: is the daemon writing to this database?"
                : "no asset matches the filter '\(state.filter)' (Esc clears it)"
            canvas.put(text, x: 1, y: y + 2, style: theme.muted)
            return
        }
        let selectedIndex = entries.firstIndex { $0.id == state.selectedAsset } ?? 0
        if state.selectedAsset == nil || !entries.contains(where: { $0.id == state.selectedAsset }) {
            state.selectedAsset = entries[selectedIndex].id
        }
        let selectedLine =
            lines.firstIndex { if case .asset(selectedIndex) = $0 { return true } else { return false } } ?? 0
        // Keep the group header of the selected asset in view when possible.
        var scroll = scrolled(state.plantScroll, selected: selectedLine, visible: visible, count: lines.count)
        if scroll == selectedLine, scroll > 0, case .header = lines[scroll - 1] { scroll -= 1 }
        state.plantScroll = scroll
        for row in 0..<visible {
            let index = scroll + row
            guard index < lines.count else { break }
            let ly = y + 2 + row
            switch lines[index] {
            case .header(let title):
                canvas.put(title, x: 0, y: ly, style: theme.accent)
            case .asset(let i):
                drawPlantRow(&canvas, entries[i], y: ly, columns: columnsFit)
                if i == selectedIndex { canvas.restyle(x: 0, y: ly, count: canvas.width) { $0.adding(reverse: true) } }
            }
        }
        if lines.count > visible {
            let more = "\(scroll + 1)\(glyphs.range)\(min(lines.count, scroll + visible))/\(lines.count)"
            canvas.put(more, x: canvas.width - columns(more), y: y + 1, style: theme.muted)
        }
    }

    private func drawPlantRow(
        _ canvas: inout Canvas, _ row: AssetRow, y: Int,
        columns fitted: [(spec: ColumnSpec<DashboardLayout.PlantColumn>, x: Int, width: Int)]
    ) {
        for column in fitted {
            let x = 1 + column.x
            let w = column.width
            switch column.spec.key {
            case .status:
                canvas.put(row.status.rawValue, x: x, y: y, width: w, style: theme.style(row.status))
            case .asset: canvas.put(row.id, x: x, y: y, width: w, style: .bold, ellipsis: glyphs.ellipsis)
            case .name: canvas.put(row.info?.name ?? "", x: x, y: y, width: w, ellipsis: glyphs.ellipsis)
            case .type:
                canvas.put(row.info?.type ?? "", x: x, y: y, width: w, style: theme.muted, ellipsis: glyphs.ellipsis)
            case .area: canvas.put(row.info?.area ?? "", x: x, y: y, width: w, ellipsis: glyphs.ellipsis)
            case .line: canvas.put(row.info?.line ?? "", x: x, y: y, width: w, ellipsis: glyphs.ellipsis)
            case .deviation:
                if row.learning {
                    canvas.put("learn", x: x, y: y, width: w, style: theme.muted, align: .right)
                } else {
                    canvas.put(
                        format.score(row.score), x: x, y: y, width: w, style: theme.level(deviationLevel(row.ratio)),
                        align: .right)
                }
            case .trend:
                let values = resample(row.spark, to: w, max: true)
                let top = max(row.threshold ?? 0, values.compactMap { $0 }.max() ?? 0)
                let line = glyphs.sparkline(values, low: 0, high: top > 0 ? top : 1)
                // Buckets over the threshold in the alarm colour.
                var cx = x
                for (value, glyph) in zip(values, line) {
                    let ratio = value.flatMap { v in row.threshold.map { v / $0 } }
                    canvas.put(String(glyph), x: cx, y: y, style: theme.level(deviationLevel(ratio)))
                    cx += 1
                }
            case .rul:
                canvas.put(
                    format.rul(row.worstRUL), x: x, y: y, width: w, style: theme.level(rulLevel(row.worstRUL)))
            case .mode:
                canvas.put(
                    row.worstRUL?.failureMode ?? "", x: x, y: y, width: w, style: theme.muted, ellipsis: glyphs.ellipsis
                )
            case .alarms:
                let text = row.alarms == 0 ? "" : "\(row.alarms)" + (row.unacknowledged > 0 ? "!" : " ")
                canvas.put(
                    text, x: x, y: y, width: w, style: row.unacknowledged > 0 ? theme.level(.alarm) : .plain,
                    align: .right)
            }
        }
    }
}
