import Foundation
import PrognosCore
import Store

extension DashboardModel {
    func drawAsset(_ canvas: inout Canvas, y: Int, height: Int) {
        guard let id = state.openAsset ?? snapshot.detail?.id else {
            canvas.put(
                "no asset open: choose one in the plant view and press Enter", x: 1, y: y + 1, style: theme.muted)
            return
        }
        let row = snapshot.rows.first { $0.id == id }
        let info = hierarchy.asset(id) ?? row?.info
        var x = canvas.put(id, x: 0, y: y, style: theme.accent)
        if let info {
            let where_ = "\(info.area) \(options.unicode ? "›" : ">") \(info.line)"
            x += canvas.put(
                "  \(info.name) \(glyphs.bullet) \(info.type) \(glyphs.bullet) \(where_)", x: x, y: y,
                style: theme.muted)
        }
        let status = row?.status ?? .normal
        x = canvas.put(status.rawValue, x: 0, y: y + 1, style: theme.style(status))
        guard let detail = snapshot.detail, detail.id == id else {
            canvas.put("  reading\(glyphs.ellipsis)", x: x, y: y + 1, style: theme.muted)
            return
        }
        if let deviation = detail.deviation, let score = deviation.score {
            let ratio = deviation.threshold.map { score / $0 }
            x += canvas.put("  deviation ", x: x, y: y + 1)
            x += canvas.put(format.score(score), x: x, y: y + 1, style: theme.level(deviationLevel(ratio)))
            x += canvas.put(" (threshold \(format.score(deviation.threshold)))", x: x, y: y + 1, style: theme.muted)
            if let drift = deviation.drift, canvas.width >= 120 {
                x += canvas.put(
                    "  drift \(format.number(drift))/\(format.number(deviation.driftThreshold))", x: x, y: y + 1,
                    style: deviation.driftFlagged ? theme.level(.warn) : theme.muted)
            }
            let drivers = deviation.shares.prefix(3).filter { ($0.share ?? 0) >= 0.05 }
            if !drivers.isEmpty {
                let text =
                    "  drivers: " + drivers.map { "\($0.sensor) \(format.percent($0.share))" }.joined(separator: ", ")
                canvas.put(text, x: x, y: y + 1, limit: canvas.width - x)
            }
        } else {
            canvas.put("  no deviation score yet: the world model is learning", x: x, y: y + 1, style: theme.muted)
        }

        // Panels stacked in layout order: minimums first, then natural heights, the chart takes the rest.
        let assetAlarms = snapshot.alarms.filter { $0.asset == id }
        let proposals = snapshot.plan?.proposals.filter { $0.asset == id } ?? []
        let available = height - 2
        let wide = canvas.width >= 120
        let panels = layout.assetPanels
        func bounds(_ panel: DashboardLayout.AssetPanel) -> (min: Int, natural: Int) {
            switch panel {
            case .sensors: return (min(4, detail.sensors.count + 1), detail.sensors.count + 1)
            case .chart: return (5, 1000)
            case .rul: return (1, max(1, detail.health.count) + 1)
            case .alarms: return (1, max(1, assetAlarms.count) + 1)
            case .proposals: return (1, proposals.isEmpty ? 1 : 1 + proposals.count * (wide ? 3 : 2))
            }
        }
        var heights = panels.map { bounds($0).min }
        var spare = available - heights.reduce(0, +)
        for (i, panel) in panels.enumerated() where panel != .chart && spare > 0 {
            let grow = min(spare, bounds(panel).natural - heights[i])
            heights[i] += grow
            spare -= grow
        }
        if let chart = panels.firstIndex(of: .chart), spare > 0 { heights[chart] += spare }
        var py = y + 2
        for (i, panel) in panels.enumerated() {
            let h = min(heights[i], y + height - py)
            guard h > 0 else { break }
            switch panel {
            case .sensors: drawSensors(&canvas, detail, y: py, height: h)
            case .chart: drawChart(&canvas, detail, y: py, height: h)
            case .rul: drawRUL(&canvas, detail, y: py, height: h)
            case .alarms: drawAssetAlarms(&canvas, assetAlarms, y: py, height: h)
            case .proposals: drawProposals(&canvas, proposals, y: py, height: h)
            }
            py += h
        }
    }

    private func forecastBounds(_ f: ForecastRecord) -> (Double?, Double?) {
        switch layout.assetInterval {
        case 50: (f.lower50, f.upper50)
        case 80: (f.lower80, f.upper80)
        default: (f.lower90, f.upper90)
        }
    }

    private func valueLevel(_ value: Double?, _ info: PlantHierarchy.SensorInfo) -> Level {
        guard let value else { return .ok }
        if let high = info.alarmHigh, value >= high { return .alarm }
        if let low = info.alarmLow, value <= low { return .alarm }
        if let normal = info.normal, !normal.contains(value) { return .warn }
        return .ok
    }

    private func drawSensors(_ canvas: inout Canvas, _ detail: AssetDetail, y: Int, height: Int) {
        enum Col: Equatable { case sensor, value, share, trend, forecast }
        let specs: [ColumnSpec<Col>] = [
            ColumnSpec(key: .sensor, title: "SENSOR", minWidth: 14, maxWidth: 34),
            ColumnSpec(key: .value, title: "VALUE", minWidth: 13, maxWidth: 14, align: .right),
            ColumnSpec(key: .share, title: "SHARE", minWidth: 5, maxWidth: 5, align: .right, dropPriority: 2),
            ColumnSpec(
                key: .trend, title: "LAST \(format.age(layout.assetHistory).uppercased())", minWidth: 10, maxWidth: 60,
                dropPriority: 3),
            ColumnSpec(
                key: .forecast, title: "FORECAST \(layout.assetInterval)%", minWidth: 20, maxWidth: 24, dropPriority: 1),
        ]
        let fitted = fitColumns(specs, total: canvas.width - 1)
        for column in fitted {
            canvas.put(
                column.spec.title, x: 1 + column.x, y: y, width: column.width, style: theme.heading,
                align: column.spec.align)
        }
        let sensors = detail.sensors
        let visible = height - 1
        guard visible > 0, !sensors.isEmpty else { return }
        state.selectedSensor = min(state.selectedSensor, sensors.count - 1)
        let scroll = scrolled(0, selected: state.selectedSensor, visible: visible, count: sensors.count)
        for row in 0..<visible {
            let index = scroll + row
            guard index < sensors.count else { break }
            let panel = sensors[index]
            let ly = y + 1 + row
            for column in fitted {
                let cx = 1 + column.x
                let w = column.width
                switch column.spec.key {
                case .sensor:
                    let name = canvas.width >= 120 ? panel.info.name : panel.info.id
                    canvas.put(
                        name, x: cx, y: ly, width: w, style: panel.info.isContext ? theme.muted : .plain,
                        ellipsis: glyphs.ellipsis)
                case .value:
                    let value = panel.latest.flatMap { $0.quality == .good ? $0.value : nil }
                    var text = format.number(value)
                    if let latest = panel.latest, latest.quality != .good { text = latest.quality.rawValue }
                    if !panel.info.unit.isEmpty { text += " " + panel.info.unit }
                    canvas.put(
                        text, x: cx, y: ly, width: w, style: theme.level(valueLevel(value, panel.info)), align: .right)
                case .share:
                    let share = panel.share ?? 0
                    let text = panel.share == nil ? "" : format.percent(share)
                    canvas.put(
                        text, x: cx, y: ly, width: w, style: share >= 0.25 ? theme.level(.warn) : theme.muted,
                        align: .right)
                case .trend:
                    let values = fillGaps(resample(panel.history, to: w, max: false))
                    let known = values.compactMap { $0 }
                    let lo = min(known.min() ?? 0, panel.info.normal?.lowerBound ?? .infinity)
                    let hi = max(known.max() ?? 1, panel.info.normal?.upperBound ?? -.infinity)
                    canvas.put(
                        glyphs.sparkline(values, low: lo, high: hi), x: cx, y: ly, style: theme.forecast, limit: w)
                case .forecast:
                    guard let last = panel.forecast.last else {
                        canvas.put(glyphs.missing, x: cx, y: ly, width: w, style: theme.muted)
                        break
                    }
                    let (lo, hi) = forecastBounds(last)
                    let text =
                        "+\(format.age(last.targetTime - snapshot.now)) \(format.number(last.mean)) [\(format.number(lo))\(glyphs.range)\(format.number(hi))]"
                    canvas.put(
                        text, x: cx, y: ly, width: w,
                        style: theme.level(
                            valueLevel(hi, panel.info) == .alarm || valueLevel(lo, panel.info) == .alarm ? .warn : .ok))
                }
            }
            if index == state.selectedSensor {
                canvas.restyle(x: 0, y: ly, count: canvas.width) { $0.adding(reverse: true) }
            }
        }
    }

    /// The selected sensor's history (filled area) left of a "now" line and its forecast (mean and
    /// interval band) right of it, each on its own time scale, with the value axis on the left.
    private func drawChart(_ canvas: inout Canvas, _ detail: AssetDetail, y: Int, height: Int) {
        guard !detail.sensors.isEmpty else { return }
        let panel = detail.sensors[min(state.selectedSensor, detail.sensors.count - 1)]
        let title =
            " \(panel.info.name)\(panel.info.unit.isEmpty ? "" : " (\(panel.info.unit))"): last \(format.duration(layout.assetHistory)), forecast \(layout.assetInterval)% "
        canvas.put(String(repeating: String(glyphs.horizontal), count: canvas.width), x: 0, y: y, style: theme.muted)
        canvas.put(title, x: 2, y: y, style: .bold, limit: canvas.width - 4)
        let rows = height - 2  // title and time axis
        guard rows >= 2 else { return }
        let axis = 8
        let plotWidth = canvas.width - axis - 1
        let futureWidth = panel.forecast.isEmpty ? 0 : max(6, plotWidth / 4)
        let pastWidth = plotWidth - futureWidth - 1
        guard pastWidth > 4 else { return }
        let past = fillGaps(resample(panel.history, to: pastWidth, max: false))
        let forecast = panel.forecast.filter { $0.targetTime > snapshot.now }
        var lows: [Double] = past.compactMap { $0 }
        var highs = lows
        for f in forecast {
            let (lo, hi) = forecastBounds(f)
            if let lo { lows.append(lo) }
            if let hi { highs.append(hi) }
            if let m = f.mean {
                lows.append(m)
                highs.append(m)
            }
        }
        guard var lo = lows.min(), var hi = highs.max() else {
            canvas.put(
                "no data in the last \(format.duration(layout.assetHistory))", x: axis + 1, y: y + 1, style: theme.muted
            )
            return
        }
        if hi - lo < 1e-9 {
            lo -= 1
            hi += 1
        }
        let pad = (hi - lo) * 0.05
        lo -= pad
        hi += pad
        let top = y + 1
        func rowOf(_ v: Double) -> Int { rows - 1 - Int(((v - lo) / (hi - lo) * Double(rows - 1)).rounded()) }
        canvas.put(fit(format.number(hi), axis - 1, align: .right), x: 0, y: top, style: theme.muted)
        canvas.put(fit(format.number(lo), axis - 1, align: .right), x: 0, y: top + rows - 1, style: theme.muted)
        // History as a filled area with eighth-block tops (Unicode) or '#' columns (ASCII).
        let x0 = axis
        let eighths = options.unicode ? 8 : 1
        for (c, value) in past.enumerated() {
            guard let value else { continue }
            let filled = Int(((value - lo) / (hi - lo) * Double(rows * eighths)).rounded())
            for r in 0..<rows {
                let level = filled - (rows - 1 - r) * eighths
                guard level > 0 else { continue }
                let glyph: Character =
                    level >= eighths ? glyphs.levels[glyphs.levels.count - 1] : glyphs.levels[max(0, level - 1)]
                canvas.put(String(options.unicode ? glyph : "#"), x: x0 + c, y: top + r, style: theme.forecast)
            }
        }
        // Now.
        let nowX = x0 + pastWidth
        for r in 0..<rows { canvas.put(String(glyphs.vertical), x: nowX, y: top + r, style: theme.muted) }
        // Forecast: band, then mean.
        if futureWidth > 0, let horizon = forecast.last.map({ $0.targetTime - snapshot.now }), horizon > 0 {
            for c in 0..<futureWidth {
                let t = snapshot.now + horizon * Double(c + 1) / Double(futureWidth)
                guard let f = forecast.min(by: { abs($0.targetTime - t) < abs($1.targetTime - t) }) else { continue }
                let (blo, bhi) = forecastBounds(f)
                if let blo, let bhi {
                    for r in rowOf(bhi)...rowOf(blo) where r >= 0 && r < rows {
                        canvas.put(String(glyphs.band), x: nowX + 1 + c, y: top + r, style: theme.band)
                    }
                }
                if let m = f.mean {
                    let r = rowOf(m)
                    if r >= 0 && r < rows {
                        canvas.put(
                            String(glyphs.horizontal), x: nowX + 1 + c, y: top + r,
                            style: theme.forecast.adding(bold: true))
                    }
                }
            }
        }
        // Alarm limits as a marker on the axis.
        for limit in [panel.info.alarmHigh, panel.info.alarmLow].compactMap({ $0 }) where limit > lo && limit < hi {
            canvas.put("limit", x: 1, y: top + rowOf(limit), style: theme.level(.alarm))
        }
        let axisY = top + rows
        canvas.put("-\(format.age(layout.assetHistory))", x: x0, y: axisY, style: theme.muted)
        canvas.put("now", x: max(x0, nowX - 1), y: axisY, style: theme.muted)
        if let last = forecast.last, futureWidth > 0 {
            let label = "+\(format.age(last.targetTime - snapshot.now))"
            canvas.put(label, x: canvas.width - columns(label), y: axisY, style: theme.muted)
        }
    }

    private func drawRUL(_ canvas: inout Canvas, _ detail: AssetDetail, y: Int, height: Int) {
        let health = detail.health
        if health.isEmpty {
            canvas.put("RUL ", x: 0, y: y, style: theme.heading)
            canvas.put("no health estimate yet", x: 4, y: y, style: theme.muted)
            return
        }
        if height == 1 {
            var x = canvas.put("RUL ", x: 0, y: y, style: theme.heading)
            for h in health.sorted(by: { ($0.rulMedian ?? .infinity) < ($1.rulMedian ?? .infinity) }) {
                guard x < canvas.width else { break }
                x += canvas.put(" \(h.failureMode) ", x: x, y: y)
                x += canvas.put(format.rul(h), x: x, y: y, style: theme.level(rulLevel(h)))
            }
            return
        }
        canvas.put(
            fit("FAILURE MODE", 20) + " " + fit("HEALTH", 12) + " RUL (P10\(glyphs.range)P90)", x: 1, y: y,
            style: theme.heading)
        for (i, h) in health.enumerated() where i < height - 1 {
            let ly = y + 1 + i
            canvas.put(h.failureMode, x: 1, y: ly, width: 20, ellipsis: glyphs.ellipsis)
            var healthText = h.health.map { String(format: "%.2f", $0) } ?? glyphs.missing
            if let trend = h.trend, trend != 0 { healthText += " " + (trend < 0 ? glyphs.down : glyphs.up) }
            canvas.put(healthText, x: 22, y: ly, width: 12, style: theme.muted)
            canvas.put(format.rul(h), x: 35, y: ly, style: theme.level(rulLevel(h)))
        }
    }

    private func drawAssetAlarms(_ canvas: inout Canvas, _ alarms: [AlarmRecord], y: Int, height: Int) {
        if alarms.isEmpty {
            canvas.put("ALARMS ", x: 0, y: y, style: theme.heading)
            canvas.put("none active", x: 7, y: y, style: theme.muted)
            return
        }
        let oneLine = height == 1
        if !oneLine { canvas.put("ALARMS", x: 0, y: y, style: theme.heading) }
        for (i, alarm) in alarms.enumerated() where i < (oneLine ? 1 : height - 1) {
            let ly = oneLine ? y : y + 1 + i
            var x = oneLine ? canvas.put("ALARM ", x: 0, y: ly, style: theme.heading) : 1
            x += canvas.put(fit(alarm.state.rawValue, 16), x: x, y: ly, style: stateStyle(alarm.state))
            x += canvas.put(" " + fit(alarm.priority.rawValue, 7), x: x, y: ly, style: theme.priority(alarm.priority))
            var text = messageText(alarm)
            if oneLine, alarms.count > 1 { text += " (+\(alarms.count - 1) more)" }
            canvas.put(text, x: x, y: ly, limit: canvas.width - x)
        }
    }

    private func drawProposals(_ canvas: inout Canvas, _ proposals: [ProposalRecord], y: Int, height: Int) {
        if snapshot.plan == nil || proposals.isEmpty {
            canvas.put("PLAN ", x: 0, y: y, style: theme.heading)
            canvas.put(
                snapshot.plan == nil ? "no plan yet" : "no action proposed for this asset", x: 5, y: y,
                style: theme.muted)
            return
        }
        var ly = y
        let oneLine = height == 1
        if !oneLine {
            canvas.put("PLANNER PROPOSALS", x: 0, y: ly, style: theme.heading)
            ly += 1
        }
        for p in proposals {
            guard ly < y + height else { break }
            var x = oneLine ? canvas.put("PLAN ", x: 0, y: ly, style: theme.heading) : 1
            x += canvas.put(format.window(p.windowStart, p.windowEnd), x: x, y: ly, style: theme.accent)
            x += canvas.put("  \(actionName(p.action))", x: x, y: ly, style: .bold)
            canvas.put(
                "  cost \(format.money(p.expectedCost)), P(fail) \(riskText(p))", x: x, y: ly, limit: canvas.width - x)
            ly += 1
            if !oneLine, !p.reasoning.isEmpty {
                let room = min(canvas.width >= 120 ? 2 : 1, y + height - ly)
                for line in wrap(p.reasoning, width: canvas.width - 4, maxLines: room) {
                    canvas.put(line, x: 3, y: ly, style: theme.muted)
                    ly += 1
                }
            }
        }
    }
}
