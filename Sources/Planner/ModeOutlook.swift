import Foundation
import PrognosCore

/// A failure mode's outlook: the one estimate of its health and remaining life that the RUL alarm,
/// the health table, the dashboard, the plan's reasons and the MQTT state all show. It comes from
/// the mode's `ModeHealth` (see `ModeEstimator`) through the planner's own gate and draws, so the
/// planner's "time to failure" and the dashboard's RUL are the same numbers.
public struct ModeOutlook: Sendable, Equatable {
    public var failureMode: String
    public var state: ModeState
    /// Nil for a healthy mode (its life lies beyond `horizon`) and for a degrading one whose median
    /// lies beyond it; zero for a failed one.
    public var life: RemainingLife?
    /// P(failure within `horizon`) if nothing is done; nil for a healthy mode (not drawn).
    public var failureProbability: Double?
    public var horizon: Double
    /// Health index (1 at the healthiest peak seen, 0 at the limit), its standard deviation, and its
    /// change per second; nil while the estimator knows too little.
    public var health: Double?
    public var healthSD: Double?
    public var trend: Double?
    public var failure: ModeFailure?

    public init(
        failureMode: String, state: ModeState, life: RemainingLife? = nil, failureProbability: Double? = nil,
        horizon: Double, health: Double? = nil, healthSD: Double? = nil, trend: Double? = nil,
        failure: ModeFailure? = nil
    ) {
        self.failureMode = failureMode
        self.state = state
        self.life = life
        self.failureProbability = failureProbability
        self.horizon = horizon
        self.health = health
        self.healthSD = healthSD
        self.trend = trend
        self.failure = failure
    }

    /// "3.2 d (10–90 %: 1.1–6.0 d)", "> 30 d", "failed".
    public var lifeText: String { RemainingLifeText.long(state, life, horizon: horizon) }
}

extension Planner {
    /// The outlook of `mode` of `asset` from its health (nil: too little known yet, taken as healthy).
    /// The same health gives the same draws as `plan`, so the plan's time to failure for this mode is
    /// this outlook's remaining life.
    public func outlook(_ health: ModeHealth?, asset: Asset, mode: FailureMode) -> ModeOutlook {
        let horizon = configuration.horizon
        var outlook = ModeOutlook(failureMode: mode.id, state: .healthy, horizon: horizon)
        guard let health else { return outlook }
        if let failure = health.failure {
            outlook.state = .failed
            outlook.failure = failure
            outlook.life = RemainingLife(median: 0, p10: nil, p90: nil)
            outlook.failureProbability = 1
            outlook.health = 0
            return outlook
        }
        let limit = max(health.limit, 1e-12)
        outlook.health = min(max(1 - health.level / limit, 0), 1)
        outlook.healthSD = health.levelSD / limit
        outlook.trend = -health.trend / limit
        let sensor = asset.sensors.first { $0.id == mode.limit.sensor }
        guard configuration.isDegrading(health, alarmFraction: ModeEstimator.alarmFraction(sensor: sensor, mode: mode))
        else { return outlook }
        outlook.state = .degrading
        var stream = configuration.drawStream(asset: asset.id, mode: mode.id)
        let futures = configuration.drawFutures(health, using: &stream)
        let times = PlanningContext.timeToFailure(futures)
        outlook.failureProbability =
            Double(futures.filter { $0.clock < horizon }.count) / Double(max(futures.count, 1))
        if times.median < horizon {
            outlook.life = RemainingLife(quantiles: times.median, p10: times.p10, p90: times.p90, horizon: horizon)
        }
        return outlook
    }
}

extension PlannerConfiguration {
    /// Whether a mode degrades: it rises by more than `detectionSignificance` standard errors, and
    /// either the world model's deviation is clear (with the daily peak near the edge of normal), or
    /// the limit sensor's daily peak has passed the sensor's alarm level (`alarmFraction`, see
    /// `ModeEstimator.alarmFraction`). The alarm is the plant's own word that a reading there is
    /// wrong; it holds when the world model's deviation lags the raw readings (after a refit on slowly
    /// drifting data, or a filter restarted by maintenance).
    func isDegrading(_ h: ModeHealth, alarmFraction: Double?) -> Bool {
        guard h.limit > 0, h.trend > detectionSignificance * h.trendSD else { return false }
        if h.deviation >= detectionLevel && (h.peakFraction ?? 1) >= detectionPeak { return true }
        guard let peak = h.peakFraction, let alarm = alarmFraction else { return false }
        return peak >= alarm
    }

    /// The draws of one mode come from their own stream, seeded by the plan's seed and the mode's
    /// name: adding an asset never changes another's draws, and the outlook draws what the plan draws.
    func drawStream(asset: String, mode: String) -> SplitMix64 {
        var base = SplitMix64(seed: seed)
        return SplitMix64(seed: base.next() ^ StableHash.fnv1a(asset + "/" + mode))
    }

    /// Futures of the mode's degradation: the level's own scatter (at least `levelFloor` of the way
    /// to the limit, for the model's error), the rate's standard error, the growth law's offset, and
    /// a log-normal spread of the rate for the duty of the coming weeks.
    func drawFutures(_ h: ModeHealth, using generator: inout SplitMix64) -> [PlanningContext.Future] {
        var futures: [PlanningContext.Future] = []
        futures.reserveCapacity(draws)
        for _ in 0..<max(1, draws) {
            let x0 = max(0, h.level + max(h.levelSD, levelFloor * h.limit) * generator.nextGaussian())
            let slope = h.trend + h.trendSD * generator.nextGaussian()
            let limit = h.limit
            let c: Double
            if let offset = h.growthOffset {
                c = offset * exp(0.7 * generator.nextGaussian())
            } else {
                c = max(limit, 1) * exp(log(0.01) + Double.random(in: 0..<1, using: &generator) * (log(2) - log(0.01)))
            }
            // The relative growth is the fitted curve's at the estimated level: a level drawn lower
            // (its scatter) is further from the limit and fails later. Dividing the slope by the drawn
            // level instead made an accelerating mode's low draws grow fastest and fail first.
            let g = slope / (max(h.level, 0) + c) * exp(rateSpread * generator.nextGaussian())
            let clock: Double =
                if x0 >= limit { 0 } else if g <= 0 { .infinity } else { log1p((limit - x0) / (x0 + c)) / g }
            futures.append(PlanningContext.Future(x0: x0, c: c, g: g, limit: limit, clock: clock))
        }
        return futures
    }
}

extension PlanningContext {
    /// The 10 %, 50 % and 90 % quantiles of the draws' failure times if nothing is done (seconds from
    /// now; 1e9 for a draw that never fails at its rate).
    static func timeToFailure(_ futures: [Future]) -> (p10: Double, median: Double, p90: Double) {
        let clocks = futures.map { $0.clock.isFinite ? min($0.clock, 1e9) : 1e9 }.sorted()
        func quantile(_ q: Double) -> Double {
            clocks.isEmpty ? 1e9 : clocks[min(clocks.count - 1, Int(q * Double(clocks.count)))]
        }
        return (quantile(0.1), quantile(0.5), quantile(0.9))
    }
}
