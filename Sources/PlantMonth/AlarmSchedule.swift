import PrognosCore

/// Alarms now and then: each day, each asset raises its deviation alarm with `alarmChancePerDay`,
/// an operator acknowledges it an hour later and its condition clears an hour after that (back to
/// normal): three transitions, each committed as the daemon's alarm writer commits one.
struct AlarmSchedule {
    let plan: MonthPlan
    /// Pending changes by time: (time, asset index, what happens).
    private var due: [(time: Double, asset: Int, change: Change)] = []
    private var machines: [Int: AlarmStateMachine] = [:]

    enum Change { case raise, acknowledge, clear }

    init(plan: MonthPlan) { self.plan = plan }

    mutating func plan(day: Int, random: inout SplitMix64) {
        let dayStart = plan.start + Double(day) * 86_400
        for asset in 0..<plan.assets where Double.random(in: 0..<1, using: &random) < plan.alarmChancePerDay {
            let raised = dayStart + Double.random(in: 0..<86_400, using: &random)
            due.append((raised, asset, .raise))
            due.append((raised + 3_600, asset, .acknowledge))
            due.append((raised + 7_200, asset, .clear))
        }
        due.sort { $0.time < $1.time }
    }

    /// The alarm records and transitions due by `time`, in time order.
    mutating func changes(upTo time: Double) -> [(alarm: AlarmRecord, transition: AlarmTransition)] {
        var result: [(alarm: AlarmRecord, transition: AlarmTransition)] = []
        while let next = due.first, next.time <= time {
            due.removeFirst()
            var machine = machines[next.asset] ?? AlarmStateMachine()
            let transition: AlarmTransition?
            switch next.change {
            case .raise: transition = machine.update(conditionActive: true, at: next.time)
            case .acknowledge: transition = machine.acknowledge(at: next.time)
            case .clear: transition = machine.update(conditionActive: false, at: next.time)
            }
            machines[next.asset] = machine
            // An alarm raised again while still active changes nothing.
            guard let transition else { continue }
            let asset = Pump.id(next.asset)
            let alarm = AlarmRecord(
                id: "\(asset)/deviation", asset: asset, kind: .deviation, sensors: ["vibration_de", "bearing_temp_de"],
                priority: .medium, machine: machine, message: "deviation from the learned normal",
                value: 4.1, threshold: 3.2, raisedAt: next.time, updatedAt: next.time)
            result.append((alarm, transition))
        }
        return result
    }
}
