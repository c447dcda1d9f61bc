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
        var nextCompaction = plan.start + plan.compactionInterval
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
                // The daemon's retention runs (`PlantDaemon.housekeep`): every `compactionInterval`
                // seconds, the next second after a run that left rows due, each with the daemon's
                // budget; as many as fall due in the simulated time since the last.
                while time >= nextCompaction {
                    let started = ContinuousClock.now
                    let report = try await store.compact(
                        now: time, retention: plan.retention, chunkRows: plan.compactionChunkRows,
                        maxTransactions: plan.compactionTransactions)
                    retention.add(report, took: ContinuousClock.now - started)
                    nextCompaction = report.nextRun(after: nextCompaction, interval: plan.compactionInterval)
                    // After a run that finished, those due later in this gap would find nothing to do.
                    while report.finished, nextCompaction <= time { nextCompaction += plan.compactionInterval }
                }
            }
            try await afterEachDay(try DayOnDisk.measure(path: path, day: day + 1, retention: retention))
        }
    }
}
