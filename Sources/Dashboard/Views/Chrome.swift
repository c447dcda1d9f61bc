import Foundation
import PrognosCore
import Store

extension DashboardModel: DashboardFrame {
    /// The whole frame at `width`×`height`: title bar, the current view, the key/message line and
    /// the status line (and the help box over them on `?`).
    public func render(width: Int, height: Int) -> Canvas { frame(width: width, height: height) }

    func drawView(_ canvas: inout Canvas, y: Int, height: Int) {
        switch state.view {
        case .plant: drawPlant(&canvas, y: y, height: height)
        case .asset: drawAsset(&canvas, y: y, height: height)
        case .alarms: drawAlarms(&canvas, y: y, height: height)
        case .plan: drawPlan(&canvas, y: y, height: height)
        }
    }

    func drawOverlay(_ canvas: inout Canvas) {
        if state.showHelp { drawHelp(&canvas) }
    }

    private func viewTitle(_ view: DashboardLayout.View) -> String {
        switch view {
        case .plant: "Plant"
        case .asset: "Asset"
        case .alarms: "Alarms"
        case .plan: "Plan"
        }
    }

    func drawTitle(_ canvas: inout Canvas) {
        let bar = theme.bar
        canvas.fill(x: 0, y: 0, width: canvas.width, height: 1, Cell(" ", bar))
        var x = canvas.put(" Prognos ", x: 0, y: 0, style: bar.adding(bold: true))
        if !hierarchy.site.isEmpty, canvas.width >= 100 {
            x += canvas.put(hierarchy.site + " ", x: x, y: 0, style: bar)
        }
        for (index, view) in layout.views.enumerated() {
            var label = " \(index + 1) \(viewTitle(view))"
            if view == .alarms {
                let unack = snapshot.alarms.filter { $0.state.needsAttention }.count
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
        // A simulation's clock says so, with its pace, so nobody takes its time for the wall's.
        let pace = snapshot.clock.isWall ? "" : " sim \(Int(snapshot.clock.speed.rounded()))x"
        let right = " \(layout.name) \(format.clock(snapshot.now))\(pace) "
        if x + columns(right) < canvas.width {
            canvas.put(right, x: canvas.width - columns(right), y: 0, style: bar)
        }
    }

    func drawHints(_ canvas: inout Canvas, y: Int) {
        if let prompt = state.prompt {
            let text: String
            switch prompt {
            case .filter(let f): text = "Filter (area, line, type, status, name): \(f)"
            case .shelve(let id, let t): text = "Shelve \(id) for (30m, 2h, 1d; Enter to confirm, Esc to cancel): \(t)"
            }
            let n = canvas.put(text, x: 0, y: y, style: theme.accent)
            canvas.put(options.unicode ? "▏" : "_", x: n, y: y)
            return
        }
        if let message = state.message {
            canvas.put(message, x: 0, y: y, style: state.messageIsError ? theme.level(.alarm) : theme.accent)
            return
        }
        let hints: [(String, String)]
        switch state.view {
        case .plant: hints = [("↑↓", "move"), ("Enter", "open"), ("/", "filter"), ("o", "sort"), ("g", "group")]
        case .asset: hints = [("↑↓", "sensor"), ("[ ]", "asset"), ("a", "ack"), ("Esc", "back")]
        case .alarms: hints = [("↑↓", "move"), ("a", "ack"), ("s", "shelve"), ("u", "unshelve"), ("Enter", "asset")]
        case .plan: hints = [("↑↓", "move"), ("Enter", "asset")]
        }
        let all = hints + [("Tab", "view"), ("?", "keys"), ("q", "quit")]
        var x = 0
        for (key, what) in all {
            let k = options.unicode ? key : key.replacingOccurrences(of: "↑↓", with: "j/k")
            if x + columns(k) + columns(what) + 2 > canvas.width { break }
            x += canvas.put(k, x: x, y: y, style: theme.accent)
            x += canvas.put(" " + what + "  ", x: x, y: y, style: theme.muted)
        }
    }

    func daemonAlive(_ daemon: DaemonStatus) -> Bool {
        snapshot.wallNow - daemon.heartbeatAt < layout.heartbeatTimeout
    }

    func drawStatus(_ canvas: inout Canvas, y: Int) {
        // Parts with a long and a short form; the short forms are used when the long ones do not fit.
        var parts: [(long: String, short: String, style: Style)] = []
        if let daemon = snapshot.daemon {
            let age = snapshot.wallNow - daemon.heartbeatAt
            if daemonAlive(daemon) {
                parts.append(
                    (glyphs.alive + " daemon running", glyphs.alive + " daemon ok", theme.colors ? .fg(.green) : .plain)
                )
            } else {
                parts.append(
                    (
                        glyphs.dead + " daemon NOT RUNNING (heartbeat \(format.age(age)) ago)",
                        glyphs.dead + " daemon DOWN \(format.age(age))", theme.level(.alarm)
                    ))
            }
            let lag = daemon.ingestLag
            let level: Level = lag.map { $0 >= layout.lag.alarm ? .alarm : $0 >= layout.lag.warn ? .warn : .ok } ?? .ok
            let text = lag.map { $0 < 10 ? String(format: "%.2f s", $0) : format.duration($0) } ?? glyphs.missing
            parts.append(("ingest lag \(text)", "lag \(text)", theme.level(level)))
        } else {
            parts.append(
                (glyphs.dead + " no daemon has run on this database", glyphs.dead + " no daemon", theme.level(.warn)))
        }
        let undelivered = snapshot.undeliveredAlerts
        parts.append(
            (
                "undelivered alerts \(undelivered)", "undelivered \(undelivered)",
                undelivered > 0 ? theme.level(.warn) : .plain
            ))
        // On a simulation's clock, data an hour of plant time old may be a wall second old.
        let dataAge = snapshot.lastDataTime.map { snapshot.clock.wallSeconds(snapshot.now - $0) }
        let stale = (dataAge ?? .infinity) > max(30, layout.heartbeatTimeout)
        let clock = format.clock(snapshot.lastDataTime)
        parts.append(
            (
                "last data \(clock)" + (dataAge.map { " (\(format.age($0)) ago)" } ?? ""), "data \(clock)",
                stale ? theme.level(.warn) : .plain
            ))
        if let error = snapshot.error { parts.append(("store: " + error, "store: " + error, theme.level(.alarm))) }
        let sep = glyphs.separator
        let longWidth = parts.map { columns($0.long) }.reduce(0, +) + columns(sep) * (parts.count - 1)
        let useLong = longWidth <= canvas.width
        var x = 0
        for (i, part) in parts.enumerated() {
            if i > 0 { x += canvas.put(sep, x: x, y: y, style: theme.muted) }
            x += canvas.put(useLong ? part.long : part.short, x: x, y: y, style: part.style)
        }
    }

    func drawHelp(_ canvas: inout Canvas) {
        let lines: [String] = [
            "Keys",
            "",
            "1-\(layout.views.count), Tab, Shift-Tab   switch view ("
                + layout.views.map(\.rawValue).joined(separator: ", ") + ")",
            "Up/Down, j/k, PgUp/PgDn   move; Home/End (G) first/last",
            "Enter                     open the asset (plant, alarms, plan)",
            "Esc, Backspace            back; clear the filter",
            "/                         filter the plant (area, line, type, status)",
            "o                         sort the plant: risk / name",
            "g                         group the plant: line / area / none",
            "[ ], Left/Right           previous / next asset (asset view)",
            "a                         acknowledge the alarm (asset: oldest)",
            "s                         shelve the alarm for a duration",
            "u                         unshelve the alarm",
            "r, Ctrl-L                 read the store now, redraw",
            "?                         this help;  q, Ctrl-C  quit",
            "",
            "Status words (NAMUR NE 107): normal, maintenance-required,",
            "off-spec, check-function, failure.",
        ]
        drawBox(&canvas, lines: lines, theme: theme, glyphs: glyphs, unicode: options.unicode)
    }

    /// The level of a deviation score against the layout's thresholds.
    func deviationLevel(_ ratio: Double?) -> Level {
        guard let ratio else { return .ok }
        return ratio >= layout.deviation.alarm ? .alarm : ratio >= layout.deviation.warn ? .warn : .ok
    }

    func rulLevel(_ record: HealthRecord?) -> Level {
        if record?.state == .failed { return .alarm }
        guard let median = record?.rulMedian else { return .ok }
        return median <= layout.rul.alarm ? .alarm : median <= layout.rul.warn ? .warn : .ok
    }

    /// `values` with interior gaps (between two known values) filled with the value before them,
    /// so that a series sampled more slowly than the buckets draws as a continuous step line.
    func fillGaps(_ values: [Double?]) -> [Double?] {
        guard let last = values.lastIndex(where: { $0 != nil }) else { return values }
        var out = values
        var previous: Double?
        for i in 0...last {
            if let v = out[i] { previous = v } else { out[i] = previous }
        }
        return out
    }

    /// Resamples `values` to `count` columns (each column the max or mean of its share).
    func resample(_ values: [Double?], to count: Int, max useMax: Bool) -> [Double?] {
        guard count > 0 else { return [] }
        guard !values.isEmpty else { return Array(repeating: nil, count: count) }
        if values.count <= count { return Array(repeating: nil, count: count - values.count) + values }
        var out: [Double?] = []
        out.reserveCapacity(count)
        for c in 0..<count {
            let lo = c * values.count / count
            let hi = max(lo + 1, (c + 1) * values.count / count)
            let slice = values[lo..<hi].compactMap { $0 }
            if slice.isEmpty {
                out.append(nil)
            } else {
                out.append(useMax ? slice.max()! : slice.reduce(0, +) / Double(slice.count))
            }
        }
        return out
    }
}

/// A framed box in the middle of the canvas with `lines` in it, the first as its heading (the help).
func drawBox(_ canvas: inout Canvas, lines: [String], theme: Theme, glyphs: Glyphs, unicode: Bool) {
    let w = min(canvas.width - 2, lines.map(columns).max()! + 4)
    let h = min(canvas.height - 2, lines.count + 2)
    let x0 = (canvas.width - w) / 2
    let y0 = max(1, (canvas.height - h) / 2)
    let frame = theme.accent
    canvas.fill(x: x0, y: y0, width: w, height: h)
    let hl = String(repeating: String(glyphs.horizontal), count: w - 2)
    let corner = unicode ? ("┌", "┐", "└", "┘") : ("+", "+", "+", "+")
    canvas.put(corner.0 + hl + corner.1, x: x0, y: y0, style: frame)
    canvas.put(corner.2 + hl + corner.3, x: x0, y: y0 + h - 1, style: frame)
    for row in 1..<(h - 1) {
        canvas.put(String(glyphs.vertical), x: x0, y: y0 + row, style: frame)
        canvas.put(String(glyphs.vertical), x: x0 + w - 1, y: y0 + row, style: frame)
        let index = row - 1
        if index < lines.count {
            canvas.put(lines[index], x: x0 + 2, y: y0 + row, style: index == 0 ? theme.heading : .plain, limit: w - 4)
        }
    }
}
