import PrognosCore
import WorldModel

/// How far one sensor is from its healthy behaviour: the evidence a proposal cites.
public struct SensorEvidence: Sendable, Equatable, Codable {
    public var sensor: String
    public var unit: String
    /// The latest reading, if known.
    public var value: Double?
    /// Filtered deviation from healthy behaviour, in units of the sensor's healthy spread (signed).
    public var deviation: Double
    /// Change of the deviation per day.
    public var trendPerDay: Double

    public init(sensor: String, unit: String = "", value: Double? = nil, deviation: Double, trendPerDay: Double) {
        self.sensor = sensor
        self.unit = unit
        self.value = value
        self.deviation = deviation
        self.trendPerDay = trendPerDay
    }
}

/// One failure mode's health: where it stands on the way to its failure limit (any unit, oriented
/// so that the mode fails when `level` reaches `limit`; a `DegradationTracker` gives the daily peak
/// of the limit sensor as a fraction of the way), how fast it moves, and the world model's
/// context-corrected deviation that says whether it degrades at all.
public struct ModeHealth: Sendable, Equatable {
    public var failureMode: String
    /// Level toward the limit (0 healthy), and its uncertainty.
    public var level: Double
    public var levelSD: Double
    /// Rate toward the limit per second, and its standard error.
    public var trend: Double
    public var trendSD: Double
    /// The level at which the mode fails (same units).
    public var limit: Double
    /// The world model's filtered deviation of the limit sensor toward its limit (healthy spreads),
    /// and the limit's distance in the same units if known: a mode counts as degrading only when
    /// this deviation is clear (`PlannerConfiguration.detectionLevel`, `detectionFraction`).
    public var deviation: Double
    public var deviationLimit: Double?
    /// Where the limit sensor's latest daily peak stands: 0 at the edge of its normal range, 1 at
    /// the limit (negative inside the normal range; by ratios for a positive limit below, see
    /// `LimitScale`); nil if unknown.
    public var peakFraction: Double?
    /// Offset `c` of the growth law `level(t) = (level + c)·e^{g·t} − c` fitted to the trajectory
    /// (small: accelerating wear; large: linear). Nil: unknown, drawn over the whole range.
    public var growthOffset: Double?
    /// The world model's own RUL (seconds), reported alongside.
    public var rul: RULDistribution?
    /// The mode's sensors and how far each is from normal.
    public var evidence: [SensorEvidence]
    /// Seconds since the mode was last restored, if known.
    public var ageSinceRenewal: Double?
    /// Set when the mode has failed (see `ModeEstimator`): the planner proposes its repair at once.
    public var failure: ModeFailure?
    /// The rate multiplier of the slowing actions done since the mode was last restored (1: none).
    /// A slowing whose factor is no lower does nothing more (`MaintenanceAction.slowed`).
    public var slowFactor = 1.0

    public init(
        failureMode: String, level: Double, levelSD: Double = 0, trend: Double, trendSD: Double = 0, limit: Double,
        deviation: Double? = nil, deviationLimit: Double? = nil, peakFraction: Double? = nil,
        growthOffset: Double? = nil, rul: RULDistribution? = nil,
        evidence: [SensorEvidence] = [], ageSinceRenewal: Double? = nil
    ) {
        self.failureMode = failureMode
        self.level = level
        self.levelSD = levelSD
        self.trend = trend
        self.trendSD = trendSD
        self.limit = limit
        self.deviation = deviation ?? level
        self.deviationLimit = deviationLimit ?? (deviation == nil ? limit : nil)
        self.peakFraction = peakFraction
        self.growthOffset = growthOffset
        self.rul = rul
        self.evidence = evidence
        self.ageSinceRenewal = ageSinceRenewal
    }
}

/// Every failure mode of one asset; modes left out are taken as healthy.
public struct AssetHealth: Sendable, Equatable {
    public var asset: String
    public var modes: [ModeHealth]
    public init(asset: String, modes: [ModeHealth]) {
        self.asset = asset
        self.modes = modes
    }
}

/// What the planner plans from: the plant (actions, windows, crews, costs), the time, the health
/// of the assets, and optionally the spare parts on hand (action id → how many times it can be done).
public struct PlanningInput: Sendable, Equatable {
    public var plant: Plant
    /// Epoch seconds (the plant's clock, UTC).
    public var now: Double
    public var assets: [AssetHealth]
    public var spares: [String: Int]
    /// Assets already derated until the next window (their rate is already the derated one).
    public var derated: Set<String>
    /// Actions done lately (asset, action id, epoch seconds): their effect is not in the trend yet,
    /// so they are not proposed again within `PlannerConfiguration.repeatGap`.
    public var recentActions: [RecentAction]

    public init(
        plant: Plant, now: Double, assets: [AssetHealth], spares: [String: Int] = [:], derated: Set<String> = [],
        recentActions: [RecentAction] = []
    ) {
        self.plant = plant
        self.now = now
        self.assets = assets
        self.spares = spares
        self.derated = derated
        self.recentActions = recentActions
    }
}

/// A maintenance action done on an asset.
public struct RecentAction: Sendable, Equatable, Codable {
    public var asset: String
    public var action: String
    /// Epoch seconds.
    public var time: Double
    public init(asset: String, action: String, time: Double) {
        self.asset = asset
        self.action = action
        self.time = time
    }
}

/// The planner's constants. Defaults are generic engineering choices, not tuned to one plant.
public struct PlannerConfiguration: Sendable, Equatable {
    /// How far ahead the plan looks (seconds).
    public var horizon: Double = 30 * 86400
    /// Monte-Carlo draws of each degrading mode's future.
    public var draws = 256
    /// Seed of the draws (same seed, same plan).
    public var seed: UInt64 = 1
    /// A mode counts as degrading once its deviation reaches this many healthy spreads and it rises.
    public var detectionLevel = 4.0
    /// … and once the limit sensor's daily peak has come this close to the edge of its normal range
    /// (as a fraction of the way from that edge to the limit; slow drifts of the operating point,
    /// such as the seasons, stay well inside the range).
    public var detectionPeak = -0.25
    /// … and its rise is this many standard errors above zero (not the wander of the duty).
    public var detectionSignificance = 1.0
    /// Hours from an unplanned failure to the start of its repair (call-out, diagnosis, parts).
    public var responseHours = 4.0
    /// Expected life of a renewed part (seconds) when the mode's age since its last renewal is not
    /// known: acting early forfeits the rest of the old part's life, valued at the action's cost per
    /// this much time (with the age known, the part's own life is used, see `partLife`).
    public var renewedLife: Double = 365 * 86400
    /// Wear rate ∝ load^exponent when derating (bearings' L10 life goes with load cubed; 2 is
    /// the conservative choice across mechanisms).
    public var derateExponent = 2.0
    /// Lost production per hour of derating; nil: the output given up, `1 − fraction` of an hour
    /// of the plant's downtime cost (an hour stopped loses a whole hour of the asset's output).
    public var derateCostPerHour: Double? = nil
    /// An action done on an asset is not proposed again on it for this long (seconds).
    public var repeatGap: Double = 14 * 86400
    /// Floor of the level's standard deviation, as a fraction of the way to the limit (the growth
    /// law's own error, beyond the scatter of the trajectory).
    public var levelFloor = 0.03
    /// Log-normal spread of the future rate around the estimate: the duty of the coming weeks and
    /// the error of the growth law.
    public var rateSpread = 0.5
    /// Proposals are only made for modes whose probability of failure within the horizon, if
    /// ignored, reaches this.
    public var minimumRisk = 0.001

    public init() {}
}
