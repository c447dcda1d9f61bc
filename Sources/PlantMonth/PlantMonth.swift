import PrognosCore
import Store

/// Runs `plan` into a new database file: each step's records through the daemon's `BatchWriter`
/// (one flush a step), alarms through `Store.recordAlarmTransition` as the alarm writer commits
/// them, retention (`Store.compact`) on the simulated clock at the daemon's interval and budget;
/// hands over the file's measure after every simulated day.
public enum PlantMonth {
    public static func run(
        _ plan: MonthPlan, path: String, afterEachDay: (DayOnDisk) async throws -> Void
    ) async throws {
        let store = try Store.open(path: path, options: plan.storeOptions)
        let writer = BatchWriter(store: store)
        let records = PlantRecords(plan: plan)
        var random = SplitMix64(seed: plan.seed)
        var alarms = AlarmSchedule(plan: plan)
        var lastCompaction = plan.start
        for day in 0..<plan.days {
            let dayStart = plan.start + Double(day) * 86_400
            alarms.plan(day: day, random: &random)
            var retention = RetentionDay()
            for step in 0..<plan.stepsPerDay {
                let time = dayStart + Double(step) * plan.cadence
                writer.append(records.batch(step: day * plan.stepsPerDay + step, at: time, random: &random))
                try await writer.flush()
                for change in alarms.changes(upTo: time) {
                    try await store.recordAlarmTransition(change.transition, of: change.alarm, outbox: nil)
                }
                // The daemon runs retention every `compactionInterval` seconds: as many runs as fit
                // in the simulated time since the last, each with the daemon's budget.
                while time - lastCompaction >= plan.compactionInterval {
                    lastCompaction += plan.compactionInterval
                    let started = ContinuousClock.now
                    let report = try await store.compact(
                        now: time, retention: plan.retention, chunkRows: plan.compactionChunkRows,
                        maxTransactions: plan.compactionTransactions)
                    retention.add(report, took: ContinuousClock.now - started)
                    if report.finished {
                        // The runs due later in this gap would find nothing to do.
                        lastCompaction +=
                            ((time - lastCompaction) / plan.compactionInterval).rounded(.down)
                            * plan.compactionInterval
                        break
                    }
                }
            }
            try await afterEachDay(try DayOnDisk.measure(path: path, day: day + 1, retention: retention))
        }
    }
}
