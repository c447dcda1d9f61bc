import PrognosCore
import Store

extension DashboardModel {
    func stateStyle(_ state: AlarmState) -> Style {
        switch state {
        case .unacknowledged: theme.level(.alarm)
        case .returnedUnacknowledged: theme.level(.warn)
        case .acknowledged: .plain
        case .shelved, .outOfService, .normal: theme.muted
        }
    }

    func drawAlarms(_ canvas: inout Canvas, y: Int, height: Int) {
        let alarms = snapshot.alarms
        let byState = Dictionary(grouping: alarms, by: \.state).mapValues(\.count)
        var x = canvas.put("\(alarms.count) active ", x: 0, y: y, style: .bold)
        for state in [AlarmState.unacknowledged, .returnedUnacknowledged, .acknowledged, .shelved, .outOfService] {
            guard let n = byState[state], n > 0 else { continue }
            x += canvas.put(" \(n) ", x: x, y: y, style: .bold)
            x += canvas.put(state.rawValue, x: x, y: y, style: stateStyle(state))
        }
        let note = "unacknowledged first, oldest first"
        if x + columns(note) + 2 < canvas.width {
            canvas.put(note, x: canvas.width - columns(note), y: y, style: theme.muted)
        }

        let specs: [ColumnSpec<DashboardLayout.AlarmColumn>] = layout.alarmColumns.map { column in
            switch column {
            case .priority: ColumnSpec(key: column, title: "PRI", minWidth: 6, maxWidth: 6)
            case .state: ColumnSpec(key: column, title: "STATE", minWidth: 14, maxWidth: 23)
            case .asset: ColumnSpec(key: column, title: "ASSET", minWidth: 11, maxWidth: 16)
            case .kind: ColumnSpec(key: column, title: "KIND", minWidth: 9, maxWidth: 13, dropPriority: 2)
            case .alarm: ColumnSpec(key: column, title: "ALARM", minWidth: 14, maxWidth: 40)
            case .message: ColumnSpec(key: column, title: "MESSAGE", minWidth: 16, maxWidth: 80, dropPriority: 4)
            case .value:
                ColumnSpec(key: column, title: "VALUE", minWidth: 12, maxWidth: 16, align: .right, dropPriority: 3)
            case .since: ColumnSpec(key: column, title: "SINCE", minWidth: 5, maxWidth: 5, align: .right)
            case .ack: ColumnSpec(key: column, title: "ACK BY", minWidth: 8, maxWidth: 14, dropPriority: 1)
            }
        }
        let fitted = fitColumns(specs, total: canvas.width - 1)
        for column in fitted {
            canvas.put(
                column.spec.title, x: 1 + column.x, y: y + 1, width: column.width, style: theme.heading,
                align: column.spec.align)
        }
        let detailHeight = height >= 20 ? 4 : 3
        let visible = max(1, height - 2 - detailHeight)
        lastPage = visible
        guard !alarms.isEmpty else {
            canvas.put("no active alarms", x: 1, y: y + 2, style: theme.muted)
            return
        }
        let selectedIndex = alarms.firstIndex { $0.id == state.selectedAlarm } ?? 0
        state.selectedAlarm = alarms[selectedIndex].id
        state.alarmScroll = scrolled(state.alarmScroll, selected: selectedIndex, visible: visible, count: alarms.count)
        for row in 0..<visible {
            let index = state.alarmScroll + row
            guard index < alarms.count else { break }
            let alarm = alarms[index]
            let ly = y + 2 + row
            for column in fitted {
                let cx = 1 + column.x
                let w = column.width
                switch column.spec.key {
                case .priority:
                    canvas.put(alarm.priority.rawValue, x: cx, y: ly, width: w, style: theme.priority(alarm.priority))
                case .state:
                    canvas.put(
                        alarm.state.rawValue, x: cx, y: ly, width: w, style: stateStyle(alarm.state),
                        ellipsis: glyphs.ellipsis)
                case .asset: canvas.put(alarm.asset, x: cx, y: ly, width: w, style: .bold, ellipsis: glyphs.ellipsis)
                case .kind: canvas.put(alarm.kind.rawValue, x: cx, y: ly, width: w, style: theme.muted)
                case .alarm: canvas.put(alarmName(alarm), x: cx, y: ly, width: w, ellipsis: glyphs.ellipsis)
                case .message: canvas.put(messageText(alarm), x: cx, y: ly, width: w, ellipsis: glyphs.ellipsis)
                case .value:
                    let text =
                        alarm.value.map { value in
                            alarm.kind == .rul
                                ? format.duration(value) : "\(format.number(value)) / \(format.number(alarm.threshold))"
                        } ?? ""
                    canvas.put(text, x: cx, y: ly, width: w, align: .right)
                case .since:
                    canvas.put(
                        format.age(snapshot.now - (alarm.raisedAt ?? alarm.updatedAt)), x: cx, y: ly, width: w,
                        align: .right)
                case .ack:
                    canvas.put(
                        alarm.acknowledgedBy ?? alarm.shelvedBy ?? "", x: cx, y: ly, width: w, style: theme.muted)
                }
            }
            if index == selectedIndex { canvas.restyle(x: 0, y: ly, count: canvas.width) { $0.adding(reverse: true) } }
        }
        // The selected alarm in full.
        let alarm = alarms[selectedIndex]
        let dy = y + height - detailHeight
        canvas.put(String(repeating: String(glyphs.horizontal), count: canvas.width), x: 0, y: dy, style: theme.muted)
        canvas.put(" \(alarm.id) ", x: 2, y: dy, style: .bold)
        canvas.put(alarm.message, x: 1, y: dy + 1, limit: canvas.width - 2)
        var facts: [String] = ["\(alarm.kind.rawValue), \(alarm.priority.rawValue)"]
        if let value = alarm.value {
            if alarm.kind == .rul {
                facts.append("median RUL \(format.duration(value)), alarm below \(format.duration(alarm.threshold))")
            } else {
                facts.append("value \(format.number(value)) / limit \(format.number(alarm.threshold))")
            }
        }
        if let raised = alarm.raisedAt { facts.append("raised \(format.day(raised))") }
        if let by = alarm.acknowledgedBy, let at = alarm.acknowledgedAt {
            facts.append("acknowledged by \(by) at \(format.clock(at))")
        }
        if alarm.state == .shelved, let until = alarm.shelvedUntil {
            facts.append("shelved by \(alarm.shelvedBy ?? "?") until \(format.day(until))")
        }
        let factLines = wrap(facts.joined(separator: " · "), width: canvas.width - 2, maxLines: detailHeight - 2)
        for (i, line) in factLines.enumerated() { canvas.put(line, x: 1, y: dy + 2 + i, style: theme.muted) }
    }

    /// The alarm's message without the asset id it starts with (the table has an asset column).
    func messageText(_ alarm: AlarmRecord) -> String {
        if alarm.message.hasPrefix(alarm.asset + ": ") { return String(alarm.message.dropFirst(alarm.asset.count + 2)) }
        if alarm.message.hasPrefix(alarm.asset + " ") { return String(alarm.message.dropFirst(alarm.asset.count + 1)) }
        return alarm.message
    }

    /// The alarm id without its asset prefix (`limit/vibration_de/high`).
    func alarmName(_ alarm: AlarmRecord) -> String {
        alarm.id.hasPrefix(alarm.asset + "/") ? String(alarm.id.dropFirst(alarm.asset.count + 1)) : alarm.id
    }
}
