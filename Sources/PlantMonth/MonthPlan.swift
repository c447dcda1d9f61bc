import PrognosCore
import Store

/// A simulated stretch of a pump plant's life on disk: what the daemon writes, at a thinned cadence,
/// on a simulated clock, with retention run as the daemon runs it (`make retention-month`,
/// docs/performance.md).
public struct MonthPlan: Sendable, Equatable {
    /// Pumps, each with the generated scale plant's signals (`Plants/tools/generate-scale.py`).
    public var assets: Int
    public var days: Int
    /// Seconds between a signal's readings, which are also the model's steps. At least 60, so that
    /// each step is a minute of its own and the per-minute write rules (unflagged deviations,
    /// health) write one row a step.
    public var cadence: Double
    public var retention: Retention
    /// Seconds between retention runs, the write transactions each may use and the rows each
    /// transaction: the daemon's (`PlantDaemon.Options.compactionInterval`, `compact(…,
    /// maxTransactions: 20)` with its default chunks). Rows a transaction ÷ the cadence is the
    /// daemon's budget measured against a plant read at 1 Hz.
    public var compactionInterval: Double
    public var compactionTransactions: Int
    public var compactionChunkRows: Int
    /// The share of model steps flagged (the healthy alarm budget is 1 %).
    public var flaggedFraction: Double
    /// The chance that an asset raises an alarm on a given day (it clears two hours later).
    public var alarmChancePerDay: Double
    public var seed: UInt64
    /// The first simulated second: a midnight, UTC.
    public var start: Double
    /// The daemon's (`Store.open`'s defaults) unless a test trades durability for speed.
    public var storeOptions: Store.Options

    public init(
        assets: Int, days: Int, cadence: Double, retention: Retention = Retention(),
        compactionInterval: Double = 600, compactionTransactions: Int = 20, compactionChunkRows: Int = 20_000,
        flaggedFraction: Double = 0.01,
        alarmChancePerDay: Double = 0.05, seed: UInt64 = 1, start: Double = 1_767_225_600,
        storeOptions: Store.Options = Store.Options()
    ) {
        precondition(assets > 0 && days > 0 && cadence >= 60 && cadence <= 86_400)
        self.assets = assets
        self.days = days
        self.cadence = cadence
        self.retention = retention
        self.compactionInterval = compactionInterval
        self.compactionTransactions = compactionTransactions
        self.compactionChunkRows = compactionChunkRows
        self.flaggedFraction = flaggedFraction
        self.alarmChancePerDay = alarmChancePerDay
        self.seed = seed
        self.start = start
        self.storeOptions = storeOptions
    }

    public var stepsPerDay: Int { Int((86_400 / cadence).rounded(.down)) }
}

/// The shape of one generated scale pump, as the daemon models it.
enum Pump {
    /// The modelled sensors, with the middle of their normal range.
    static let sensors: [(id: String, normal: Double)] = [
        ("suction_pressure", 1.4), ("discharge_pressure", 5.0), ("flow", 650), ("bearing_temp_de", 45),
        ("bearing_temp_nde", 45), ("vibration_de", 2.4), ("vibration_nde", 2.4), ("seal_leak", 0.075),
        ("motor_current", 100), ("power", 57.5),
    ]
    /// The context signals, read and stored like the sensors but not modelled.
    static let context: [(id: String, normal: Double)] = [("speed", 1_480), ("ambient", 18)]
    static let failureModes = ["bearing-wear", "impeller-wear", "seal-leak"]
    /// The forecast rule (docs/schema.md): every 10 steps, 3, 6, 9 and 12 steps ahead.
    static let forecastEvery = 10
    static let forecastHorizons = [3, 6, 9, 12]
    /// Shares stored with an unflagged deviation row (`sharesStoredWhenHealthy`); a flagged step
    /// stores every modelled sensor's.
    static let sharesWhenHealthy = 3

    static func id(_ index: Int) -> String {
        let digits = String(index + 1)
        return "pump-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
