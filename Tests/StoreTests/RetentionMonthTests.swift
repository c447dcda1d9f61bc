import PlantMonth
import PrognosCore
import Testing

@testable import Store

@Suite("A simulated month on disk")
struct RetentionMonthTests {
    @Test("Past raw_days the raw readings stop growing, freed pages are reused, only the kept tables grow")
    func boundedByRetention() async throws {
        let folder = try TemporaryFolder()
        // 5 pumps of 12 signals: 60 series, more than the daemon's 20 transactions a retention run.
        let plan = MonthPlan(
            assets: 5, days: 20, cadence: 7_200, retention: Retention(rawDays: 14, summaryDays: 730),
            storeOptions: Store.Options(synchronousFull: false))
        var days: [DayOnDisk] = []
        try await PlantMonth.run(plan, path: folder.file("month.sqlite")) { days.append($0) }
        try #require(days.count == 20)
        #expect(days.allSatisfy { $0.retention.caughtUp })
        let before = days[15]  // after day 16
        let after = days[19]  // after day 20
        // The readings of the last raw_days are kept (the cutoff falls on a minute: within a step), no older.
        let signals = 60
        let kept = plan.retention.rawDays * plan.stepsPerDay * signals
        let readings = try #require(after.rows["readings"])
        #expect(readings >= kept - signals && readings <= kept + signals)
        #expect(before.rows["readings"] == readings)
        let rawBytes = { (day: DayOnDisk) in Double(day.tableBytes["readings", default: 0]) }
        #expect(rawBytes(after) <= rawBytes(before) * 1.05)
        // What the deletes free is reused or given back: at most a tenth of the file stays free.
        #expect(after.freePages <= after.fileBytes / after.pageSize / 10 + 1)
        // The file grows past raw_days by what is kept summary_days (summaries, health, flagged
        // deviations, alarm history), give or take 5 % of the file for pages' fill.
        let keptTables = ["readings_1m", "health", "deviations", "deviation_shares", "alarms", "alarm_history"]
        let keptGrowth = keptTables.map {
            after.tableBytes[$0, default: 0] - before.tableBytes[$0, default: 0]
        }.reduce(0, +)
        #expect(after.fileBytes - before.fileBytes <= keptGrowth + before.fileBytes / 20)
    }

    @Test(
        "A retention budget far below the inflow still keeps up: a run that leaves rows due runs again the next second")
    func aSmallBudgetKeepsUp() async throws {
        let folder = try TemporaryFolder()
        // 20 transactions of one row a run, every 600 s, against 60 readings in that time: a third of
        // the inflow (the daemon's 400,000 rows a run are a 18th of 1,000 pumps' 7.2 M at 1 Hz).
        let plan = MonthPlan(
            assets: 5, days: 16, cadence: 600, retention: Retention(rawDays: 14, summaryDays: 730),
            compactionChunkRows: 1, storeOptions: Store.Options(synchronousFull: false))
        var days: [DayOnDisk] = []
        try await PlantMonth.run(plan, path: folder.file("month.sqlite")) { days.append($0) }
        try #require(days.count == 16)
        #expect(days.allSatisfy { $0.retention.caughtUp })
        let kept = plan.retention.rawDays * plan.stepsPerDay * 60
        #expect(
            days[14...].allSatisfy { abs(($0.rows["readings"] ?? 0) - kept) <= 60 },
            "\(days.map { $0.rows["readings"] ?? 0 })")
    }
}
