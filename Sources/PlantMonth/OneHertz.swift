import PrognosCore

/// The simulated file scaled to a plant read at 1 Hz: each table's measured bytes per row times the
/// rows its write rule makes at 1 Hz instead of at the simulated cadence (docs/performance.md).
/// Readings and flagged deviations come once a step (`cadence` times as many at 1 Hz); minute
/// summaries, unflagged deviations and health once a minute (`cadence` ÷ 60 times as many); the
/// other tables hold a bounded number of rows whatever the cadence.
public struct OneHertz: Sendable, Equatable {
    /// Bytes of each table at 1 Hz.
    public var tableBytes: [String: Double]
    /// Free pages in the same proportion to the used ones as measured.
    public var fileBytes: Double

    public init(_ day: DayOnDisk, plan: MonthPlan) {
        let perMinute = plan.cadence / 60
        let flagged = Double(day.flaggedDeviations)
        let unflagged = Double(day.rows["deviations", default: 0]) - flagged
        let sensors = Double(Pump.sensors.count)
        let healthyShares = Double(Pump.sharesWhenHealthy)
        func weighted(_ unflaggedRows: Double, _ flaggedRows: Double) -> Double {
            let rows = unflaggedRows + flaggedRows
            return rows > 0 ? (unflaggedRows * perMinute + flaggedRows * plan.cadence) / rows : 1
        }
        let factors: [String: Double] = [
            "readings": plan.cadence, "readings_1m": perMinute, "health": perMinute,
            "deviations": weighted(unflagged, flagged),
            "deviation_shares": weighted(unflagged * healthyShares, flagged * sensors),
        ]
        var scaled: [String: Double] = [:]
        for (table, bytes) in day.tableBytes { scaled[table] = Double(bytes) * factors[table, default: 1] }
        tableBytes = scaled
        let used = Double(day.fileBytes - day.freePages * day.pageSize)
        let scaledUsed = scaled.values.reduce(0, +)
        fileBytes = used > 0 ? scaledUsed * Double(day.fileBytes) / used : scaledUsed
    }

    /// Bytes an asset adds in a day at 1 Hz to each growing table, from the measured bytes per row
    /// (`day`'s) and the write rules: 12 readings a second; 12 minute summaries a minute (once
    /// past `raw_days`); a deviation row a minute with 3 shares plus the flagged steps with every
    /// sensor's share; a health row a minute per failure mode.
    public static func bytesPerAssetDay(_ day: DayOnDisk, plan: MonthPlan) -> [String: Double] {
        func perRow(_ table: String) -> Double {
            let rows = day.rows[table, default: 0]
            return rows > 0 ? Double(day.tableBytes[table, default: 0]) / Double(rows) : 0
        }
        let signals = Double(Pump.sensors.count + Pump.context.count)
        let flaggedSteps = 86_400 * plan.flaggedFraction
        return [
            "readings": perRow("readings") * signals * 86_400,
            "readings_1m": perRow("readings_1m") * signals * 1_440,
            "deviations": perRow("deviations") * (1_440 + flaggedSteps),
            "deviation_shares": perRow("deviation_shares")
                * (1_440 * Double(Pump.sharesWhenHealthy) + flaggedSteps * Double(Pump.sensors.count)),
            "health": perRow("health") * Double(Pump.failureModes.count) * 1_440,
        ]
    }
}
