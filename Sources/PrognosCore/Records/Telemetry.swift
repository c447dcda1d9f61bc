// Telemetry and what the world models conclude from it, one record per stored row. Times are unix
// seconds (UTC), durations seconds. Numbers a model computes are optional: NaN is stored as NULL
// and reads back nil.

/// A one-minute summary of one signal, what raw readings become after `Retention.rawDays`.
/// Only `good` readings enter min/mean/max/count; the others are counted in `badCount`.
public struct MinuteSummary: Codable, Sendable, Equatable {
    public var asset: String
    public var sensor: String
    /// Start of the minute, a multiple of 60.
    public var minute: Double
    public var min: Double?
    public var mean: Double?
    public var max: Double?
    public var count: Int
    public var badCount: Int

    public init(
        asset: String, sensor: String, minute: Double, min: Double?, mean: Double?, max: Double?, count: Int,
        badCount: Int
    ) {
        self.asset = asset
        self.sensor = sensor
        self.minute = minute
        self.min = min
        self.mean = mean
        self.max = max
        self.count = count
        self.badCount = badCount
    }

    public enum CodingKeys: String, CodingKey {
        case asset, sensor, minute, min, mean, max, count
        case badCount = "bad_count"
    }
}

/// A sensor's history over a time range: raw readings where they are still kept, one-minute
/// summaries where they were downsampled (both ascending in time).
public struct SensorHistory: Sendable, Equatable {
    public var raw: [Reading]
    public var minutes: [MinuteSummary]
    public init(raw: [Reading], minutes: [MinuteSummary]) {
        self.raw = raw
        self.minutes = minutes
    }
}

/// One k-step-ahead forecast of one sensor with its prediction intervals.
public struct ForecastRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var asset: String
    public var sensor: String
    /// When the forecast was made.
    public var madeAt: Double
    /// The time it predicts.
    public var targetTime: Double
    public var mean: Double?
    public var lower50: Double?
    public var upper50: Double?
    public var lower80: Double?
    public var upper80: Double?
    public var lower90: Double?
    public var upper90: Double?

    /// Seconds between `madeAt` and `targetTime`.
    public var horizon: Double { targetTime - madeAt }

    public init(
        id: Int64? = nil, asset: String, sensor: String, madeAt: Double, targetTime: Double, mean: Double?,
        lower50: Double? = nil, upper50: Double? = nil, lower80: Double? = nil, upper80: Double? = nil,
        lower90: Double? = nil, upper90: Double? = nil
    ) {
        self.id = id
        self.asset = asset
        self.sensor = sensor
        self.madeAt = madeAt
        self.targetTime = targetTime
        self.mean = mean
        self.lower50 = lower50
        self.upper50 = upper50
        self.lower80 = lower80
        self.upper80 = upper80
        self.lower90 = lower90
        self.upper90 = upper90
    }

    public enum CodingKeys: String, CodingKey {
        case id, asset, sensor, mean, lower50, upper50, lower80, upper80, lower90, upper90
        case madeAt = "made_at"
        case targetTime = "target_time"
    }
}

/// One sensor's share of a deviation score (shares of one score sum to about 1).
public struct SensorShare: Codable, Sendable, Equatable {
    public var sensor: String
    public var share: Double?
    public init(sensor: String, share: Double?) {
        self.sensor = sensor
        self.share = share
    }
}

/// One deviation score of an asset: the whitened residual statistic, its threshold, the drift
/// detector's statistic, and which sensors it comes from.
public struct DeviationRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var asset: String
    public var time: Double
    public var score: Double?
    public var threshold: Double?
    public var flagged: Bool
    /// Drift statistic (CUSUM or similar).
    public var drift: Double?
    public var driftThreshold: Double?
    public var driftFlagged: Bool
    /// Per-sensor shares, largest first when read back; stored in `deviation_shares`.
    public var shares: [SensorShare]
    /// The model steps the row stands for: 1 for a flagged step; an unflagged row is the largest
    /// score of a window of unflagged steps (the write rule, docs/schema.md), counted here.
    public var steps: Int

    public init(
        id: Int64? = nil, asset: String, time: Double, score: Double?, threshold: Double?, flagged: Bool,
        drift: Double? = nil, driftThreshold: Double? = nil, driftFlagged: Bool = false, shares: [SensorShare] = [],
        steps: Int = 1
    ) {
        self.id = id
        self.asset = asset
        self.time = time
        self.score = score
        self.threshold = threshold
        self.flagged = flagged
        self.drift = drift
        self.driftThreshold = driftThreshold
        self.driftFlagged = driftFlagged
        self.shares = shares
        self.steps = steps
    }

    public enum CodingKeys: String, CodingKey {
        case id, asset, time, score, threshold, flagged, drift, steps
        case driftThreshold = "drift_threshold"
        case driftFlagged = "drift_flagged"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(Int64.self, forKey: .id)
        asset = try c.decode(String.self, forKey: .asset)
        time = try c.decode(Double.self, forKey: .time)
        score = try c.decodeIfPresent(Double.self, forKey: .score)
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold)
        flagged = try c.decode(Bool.self, forKey: .flagged)
        drift = try c.decodeIfPresent(Double.self, forKey: .drift)
        driftThreshold = try c.decodeIfPresent(Double.self, forKey: .driftThreshold)
        driftFlagged = try c.decode(Bool.self, forKey: .driftFlagged)
        shares = []
        steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? 1
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(asset, forKey: .asset)
        try c.encode(time, forKey: .time)
        try c.encode(score, forKey: .score)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(flagged, forKey: .flagged)
        try c.encode(drift, forKey: .drift)
        try c.encode(driftThreshold, forKey: .driftThreshold)
        try c.encode(driftFlagged, forKey: .driftFlagged)
        try c.encode(steps, forKey: .steps)
    }
}

/// One health estimate of one failure mode of an asset: the mode's outlook (see `ModeOutlook` in
/// the planner), the one estimate that the RUL alarm, the dashboard, the plan and the MQTT state share.
public struct HealthRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var asset: String
    public var failureMode: String
    public var time: Double
    /// Health index: 1 at the healthiest peak the limit sensor showed, 0 at the failure limit.
    public var health: Double?
    /// Standard deviation of the health index.
    public var healthSD: Double?
    /// Change of the health index per second.
    public var trend: Double?
    /// Remaining useful life in seconds: median and 10th/90th percentiles (see `RemainingLife`:
    /// no interval when the evidence gives none, no 90th percentile when it lies beyond the horizon,
    /// no median for a mode that does not degrade).
    public var rulMedian: Double?
    public var rulP10: Double?
    public var rulP90: Double?
    /// Healthy, degrading or failed; nil in rows written before the state was kept.
    public var state: ModeState?
    /// The planning horizon (seconds) that a missing remaining life lies beyond.
    public var horizon: Double?

    public init(
        id: Int64? = nil, asset: String, failureMode: String, time: Double, health: Double?, healthSD: Double? = nil,
        trend: Double? = nil, rulMedian: Double? = nil, rulP10: Double? = nil, rulP90: Double? = nil,
        state: ModeState? = nil, horizon: Double? = nil
    ) {
        self.id = id
        self.asset = asset
        self.failureMode = failureMode
        self.time = time
        self.health = health
        self.healthSD = healthSD
        self.trend = trend
        self.rulMedian = rulMedian
        self.rulP10 = rulP10
        self.rulP90 = rulP90
        self.state = state
        self.horizon = horizon
    }

    /// The remaining life the record holds, if any.
    public var remainingLife: RemainingLife? {
        rulMedian.map { RemainingLife(median: $0, p10: rulP10, p90: rulP90) }
    }

    public enum CodingKeys: String, CodingKey {
        case id, asset, time, health, trend, state, horizon
        case failureMode = "failure_mode"
        case healthSD = "health_sd"
        case rulMedian = "rul_median"
        case rulP10 = "rul_p10"
        case rulP90 = "rul_p90"
    }
}
