import LinearAlgebra

/// The world model of one asset: healthy behaviour conditioned on the operating context,
/// short-term dynamics, a health filter, calibrated forecasts, deviation scores and RUL.
///
/// Plain inputs: each row is the asset's sensors followed by its context columns, as Doubles.
/// A value type: `update` mutates this copy only, so a refit can run on another task from a copy
/// and be swapped in (`refitted(history:)`) without ever blocking scoring.
/// Deterministic: nothing here draws random numbers except where a generator is passed in.
public struct AssetModel: Sendable, Equatable {
    /// Format version of `serialized()`; bumped whenever the layout changes.
    public static let formatVersion: UInt32 = 3

    public let sensorNames: [String]
    public let contextNames: [String]
    public let configuration: ModelConfiguration
    var behaviour: NormalBehaviour
    /// Calibrated thresholds of the level, innovation and drift statistics.
    var thresholds: DeviationStatistics
    /// Out-of-sample |error| quantiles of the forecasts, in units of each sensor's healthy
    /// spread, indexed `[horizon − 1][level][sensor]` for the levels of `ForecastStep.levels`.
    var intervalQuantiles: [[[Double]]]
    var state: ScoringState
    /// `A^h` of the forecast head's tracked horizons (derived from `behaviour`, never serialised).
    let forecastDynamics: [Double]

    public var sensorCount: Int { sensorNames.count }
    public var contextCount: Int { contextNames.count }
    /// Healthy spread of each sensor around its context baseline (0: the sensor never moved in
    /// training and is ignored). Deviations, limits and intervals are measured in these units.
    public var healthySpread: [Double] { behaviour.scale }
    /// Steps scored since the last reset (the asset's age as far as the filter knows).
    public var age: Int { state.steps }
    /// Set while one of the asset's failure modes is degrading: the model then learns nothing as
    /// normal, so a fault that looks like a slow healthy drift keeps its alarm.
    public var adaptationHeld: Bool {
        get { state.adaptationHeld }
        set { state.adaptationHeld = newValue }
    }

    /// Seconds between the caller's steps, when it knows them (the daemon: its step interval on the
    /// plant's clock): the baseline then adapts at the same pace in time whatever the cadence (see
    /// `ModelConfiguration.adaptationReferenceStep`). Nil: per step, as configured. Not serialised.
    public var stepSeconds: Double? {
        get { state.stepSeconds }
        set {
            guard newValue != state.stepSeconds else { return }
            state.stepSeconds = newValue
            state.adaptationPace =
                newValue.map { configuration.adaptationPace(stepSeconds: $0) } ?? AdaptationPace(configuration)
        }
    }

    /// Fits a model on healthy history: `history` has one row per time step, sensors first, then
    /// context. `segments` gives the lengths of contiguous runs when the history joins several
    /// (e.g. several units of a fleet); default: one run. Thresholds and interval widths are
    /// calibrated out of sample on contiguous folds.
    public init(
        sensorNames: [String], contextNames: [String] = [], history: Matrix, segments: [Int]? = nil,
        configuration: ModelConfiguration = ModelConfiguration()
    ) throws {
        guard history.cols == sensorNames.count + contextNames.count else {
            throw WorldModelError(
                "history has \(history.cols) columns, expected \(sensorNames.count) sensors + \(contextNames.count) context"
            )
        }
        let segs = segments ?? [history.rows]
        guard segs.reduce(0, +) == history.rows, segs.allSatisfy({ $0 > 0 }) else {
            throw WorldModelError("segment lengths must be positive and add up to the history's rows")
        }
        self.sensorNames = sensorNames
        self.contextNames = contextNames
        self.configuration = configuration
        let fitted = try Calibration.fit(
            history: history, sensorCount: sensorNames.count, segments: segs, configuration: configuration)
        behaviour = fitted.behaviour
        thresholds = fitted.thresholds
        intervalQuantiles = fitted.intervalQuantiles
        state = ScoringState(
            sensorCount: sensorNames.count, contextCount: contextNames.count, configuration: configuration,
            fittedIntervals: fitted.intervalQuantiles)
        forecastDynamics = Self.dynamicsPowers(fitted.behaviour.dynamics, horizons: state.forecast.horizons)
        // Warm the filter on the last run of the history, so that scoring continues from it.
        let lastStart = history.rows - (segs.last ?? 0)
        for r in lastStart..<history.rows {
            let row = history.row(r)
            _ = score(y: Array(row[0..<sensorCount]), u: Array(row[sensorCount...]), learn: false)
        }
    }

    init(
        sensorNames: [String], contextNames: [String], configuration: ModelConfiguration,
        behaviour: NormalBehaviour, thresholds: DeviationStatistics, intervalQuantiles: [[[Double]]],
        state: ScoringState
    ) {
        self.sensorNames = sensorNames
        self.contextNames = contextNames
        self.configuration = configuration
        self.behaviour = behaviour
        self.thresholds = thresholds
        self.intervalQuantiles = intervalQuantiles
        self.state = state
        forecastDynamics = Self.dynamicsPowers(behaviour.dynamics, horizons: state.forecast.horizons)
    }

    /// Scores one observation and folds it into the filter state.
    /// `y`: the sensors (in `sensorNames` order); `u`: the context; `time` is informational
    /// (steps are taken as equally spaced, as in the training history).
    public mutating func update(y: [Double], u: [Double] = [], time: Double? = nil) -> StepResult {
        precondition(y.count == sensorCount && u.count == contextCount, "update: wrong number of values")
        return score(y: y, u: u, learn: configuration.baselineAdaptationRate > 0)
    }

    /// `update(y:u:time:)` writing into `result`, whose arrays are reused when they have the
    /// right size: a caller that keeps one `StepResult` per asset scores without allocating.
    public mutating func update(y: [Double], u: [Double] = [], time: Double? = nil, into result: inout StepResult) {
        precondition(y.count == sensorCount && u.count == contextCount, "update: wrong number of values")
        score(y: y, u: u, learn: configuration.baselineAdaptationRate > 0, into: &result)
    }

    /// Forgets the filter state (a new unit, or after maintenance that restored health);
    /// the fitted parameters and calibration (the forecast head's weights and widths) stay.
    public mutating func resetState() { resetState(toIntervals: false) }

    /// Maintenance renewed the parts behind `sensors` (indices): their filtered deviations, trends
    /// and adapted offsets start again from the fit, as on a new unit; what the model follows of
    /// every other sensor (its adapted normal, its deviation) stays.
    public mutating func renew(sensors: [Int]) {
        let m = sensorCount
        for j in sensors where j < m {
            state.previous[j] = 0
            state.driftMean[j] = 0
            state.levels[j] = 0
            state.slopes[j] = 0
            state.baselineOffset[j] = 0
            state.forecast.localMean[j] = 0
            state.forecast.trend[j] = 0
            for k in 0..<state.smoothed.count / m { state.smoothed[k * m + j] = 0 }
        }
    }

    /// `toIntervals`: also restart the forecast head's calibration from the fit's.
    mutating func resetState(toIntervals: Bool) {
        let kept = state.forecast
        state = ScoringState(
            sensorCount: sensorCount, contextCount: contextCount, configuration: configuration,
            fittedIntervals: intervalQuantiles)
        if !toIntervals {
            state.forecast.recentErrors = kept.recentErrors
            state.forecast.quantiles = kept.quantiles
        }
    }

    /// Accepts the machine's present state as its new normal (an operator's re-baseline, for a
    /// change the bounded adaptation may not follow): the healthy baseline moves to where the
    /// sensors have been lately (the forecast head's local mean), every remembered deviation moves
    /// with it, the health filter's trend restarts, and learning resumes at once. Who asked and
    /// when is for the caller to record. `sensors`: only these (a maintenance action that renewed
    /// the parts behind them), the rest of what the model learnt stays.
    public mutating func rebaseline(sensors: [Int]? = nil) {
        let m = sensorCount
        let shift = state.forecast.localMean
        for j in sensors ?? Array(0..<m) where j < m && behaviour.scale[j] > 0 {
            // Into the baseline's intercept (feature 0 is the constant 1), not the adapted offset,
            // whose bound is about what adaptation alone may move.
            behaviour.baseline[0, j] += behaviour.scale[j] * shift[j]
            state.previous[j] -= shift[j]
            state.driftMean[j] -= shift[j]
            state.levels[j] -= shift[j]
            state.slopes[j] = 0
            state.forecast.localMean[j] = 0
            for k in 0..<state.smoothed.count / m { state.smoothed[k * m + j] -= shift[j] }
            // The head's remembered deviations, levels and means (not slopes or trends) move too.
            for slot in 0..<state.forecast.slots {
                for quantity in [0, 1, 3] {
                    state.forecast.snapshots[(slot * ForecastMemory.snapshotWidth + quantity) * m + j] -= shift[j]
                }
            }
        }
        state.stepsSinceFlag = state.adaptationPace.holdSteps + 1
    }

    /// A model refitted on new healthy history that keeps this one's filter state (its memory of
    /// wear) and online calibration. Runs on a copy: scoring continues on `self` meanwhile.
    public func refitted(history: Matrix, segments: [Int]? = nil) throws -> AssetModel {
        var fresh = try AssetModel(
            sensorNames: sensorNames, contextNames: contextNames, history: history, segments: segments,
            configuration: configuration)
        var carried = state
        carried.baselineOffset = [Double](repeating: 0, count: sensorCount)
        fresh.state = carried
        return fresh
    }

    /// The health features that fleet RUL models learn from: the deviation smoothed at several
    /// rates, the difference of the fastest and slowest (a trend), and the age in hundreds of steps.
    public var healthFeatures: [Double] {
        let m = sensorCount
        let k = configuration.healthFeatureSmoothing.count
        var out = state.smoothed
        for j in 0..<m { out.append(state.smoothed[j] - state.smoothed[(k - 1) * m + j]) }
        out.append(Double(state.steps) / 100)
        return out
    }

    /// The current health state.
    public var health: HealthState { healthState() }
}
