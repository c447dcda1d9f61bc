/// The three deviation statistics of one step, each compared with its own calibrated threshold.
public struct DeviationStatistics: Sendable, Equatable, Codable {
    /// Squared Mahalanobis distance of the deviation from healthy behaviour (Hotelling T²).
    public var level: Double
    /// Squared whitened one-step prediction error (the dynamics' innovation).
    public var innovation: Double
    /// MEWMA of the whitened deviation: small persistent shifts and slow drifts.
    public var drift: Double

    public init(level: Double, innovation: Double, drift: Double) {
        self.level = level
        self.innovation = innovation
        self.drift = drift
    }
}

/// The asset's memory of its own wear: a local-linear-trend filter of every sensor's deviation
/// from healthy behaviour, summarised by a health index.
public struct HealthState: Sendable, Equatable {
    /// Whitened size of the filtered deviation (0 when healthy; grows with wear).
    public var index: Double
    /// Change of `index` per step.
    public var trend: Double
    /// Standard deviation of each filtered level (the filter's uncertainty).
    public var uncertainty: Double
    /// Filtered deviation per sensor, in units of the sensor's healthy spread; where the context is
    /// outside the fitted range, each step's deviation enters scaled by its extrapolation gain (see
    /// `ModelConfiguration.extrapolationUncertainty`), as the deviation statistics take it.
    public var sensorLevels: [Double]
    /// Its trend per step.
    public var sensorTrends: [Double]

    /// An empty state, to be filled by `AssetModel.update(y:u:into:)`.
    public init() {
        index = 0
        trend = 0
        uncertainty = 0
        sensorLevels = []
        sensorTrends = []
    }

    init(index: Double, trend: Double, uncertainty: Double, sensorLevels: [Double], sensorTrends: [Double]) {
        self.index = index
        self.trend = trend
        self.uncertainty = uncertainty
        self.sensorLevels = sensorLevels
        self.sensorTrends = sensorTrends
    }
}

/// What `update` concludes from one observation.
public struct StepResult: Sendable, Equatable {
    /// The combined deviation score: the largest of the three statistics, each divided by its
    /// calibrated threshold. Flagged when above `threshold`.
    public var score: Double
    /// The score's threshold (1: each statistic is already in units of its own threshold).
    public var threshold: Double
    public var flagged: Bool
    public var statistics: DeviationStatistics
    public var thresholds: DeviationStatistics
    /// Each sensor's share of the dominant statistic (non-negative, sums to 1 when any deviates).
    public var sensorShares: [Double]
    /// The drift statistic in units of its threshold (the slow-change detector on its own).
    public var drift: Double
    public var health: HealthState
    /// Each sensor's extrapolation gain: 1 where the context is inside the range the model was
    /// fitted on, else `spread / √(spread² + (k·extrapolated change)²)` (see
    /// `ModelConfiguration.extrapolationUncertainty`): how far the reference can be trusted. Below
    /// `trustedGain` the reference's own uncertainty exceeds the healthy spread.
    public var referenceGains: [Double]
    /// The gain at which the extrapolated part of the reference is as uncertain as the healthy
    /// spread (1/√2).
    public static let trustedGain = 0.5.squareRoot()

    /// An empty result, to be filled (and its arrays reused) by `AssetModel.update(y:u:into:)`.
    public init() {
        score = 0
        threshold = 1
        flagged = false
        statistics = DeviationStatistics(level: 0, innovation: 0, drift: 0)
        thresholds = statistics
        sensorShares = []
        drift = 0
        health = HealthState()
        referenceGains = []
    }
}

/// One step of a forecast: the median and central prediction intervals of every sensor.
public struct ForecastStep: Sendable, Equatable {
    /// Steps ahead of the last update (1 is the next observation).
    public var horizon: Int
    public var median: [Double]
    /// Interval bounds per level; `levels` lists the nominal coverages, in the same order.
    public var lower: [[Double]]
    public var upper: [[Double]]
    public static let levels: [Double] = [0.5, 0.8, 0.9]

    /// An empty step, to be filled (and its arrays reused) by `AssetModel.forecast(horizon:context:into:)`.
    public init() {
        horizon = 0
        median = []
        lower = []
        upper = []
    }

    init(horizon: Int, median: [Double], lower: [[Double]], upper: [[Double]]) {
        self.horizon = horizon
        self.median = median
        self.lower = lower
        self.upper = upper
    }

    /// Gives the arrays the shape of `m` sensors and `levels` levels, keeping them when they have it.
    mutating func reshape(sensors m: Int, levels: Int) {
        if median.count != m { median = [Double](repeating: 0, count: m) }
        // One fresh buffer per level: copies of one array would each be copied on first write.
        if lower.count != levels || lower.contains(where: { $0.count != m }) {
            lower = (0..<levels).map { _ in [Double](repeating: 0, count: m) }
        }
        if upper.count != levels || upper.contains(where: { $0.count != m }) {
            upper = (0..<levels).map { _ in [Double](repeating: 0, count: m) }
        }
    }

    /// The bounds at one of `levels`.
    public func interval(level: Double) -> (lower: [Double], upper: [Double])? {
        guard let k = Self.levels.firstIndex(where: { abs($0 - level) < 1e-9 }) else { return nil }
        return (lower[k], upper[k])
    }
}

/// A distribution of remaining useful life, in steps of the asset's time.
public struct RULDistribution: Sendable, Equatable, Codable {
    public var median: Double
    public var p10: Double
    public var p90: Double

    public init(median: Double, p10: Double, p90: Double) {
        self.median = median
        self.p10 = p10
        self.p90 = p90
    }
}

/// A failure limit on one sensor: the failure mode is reached when the sensor's value
/// crosses `value` (from below when `above`, from above otherwise).
public struct SensorLimit: Sendable, Equatable, Codable {
    public var sensor: Int
    public var value: Double
    public var above: Bool

    public init(sensor: Int, value: Double, above: Bool) {
        self.sensor = sensor
        self.value = value
        self.above = above
    }
}

/// Why a model could not be built or restored.
public struct WorldModelError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
