/// What an asset model remembers between steps: the last deviation, the drift statistic's
/// running mean, the health filter, the health features, and the forecast head's memory.
struct ScoringState: Sendable, Equatable {
    /// Deviation `e` at the previous step (valid when `steps > 0`).
    var previous: [Double]
    /// EWMA of `e` (the MEWMA drift statistic's state).
    var driftMean: [Double]
    /// Health filter: level and slope of each sensor's deviation, with the filter's covariance,
    /// which is the same for every sensor (same model and noise, data-independent), as
    /// `[P_ll, P_ls, P_ss]`.
    var levels: [Double]
    var slopes: [Double]
    var filterCovariance: [Double]
    /// Exponentially smoothed deviations at each rate of `healthFeatureSmoothing`, rate-major.
    var smoothed: [Double]
    var steps: Int
    /// Learned shift of the healthy baseline since the fit (sensor units).
    var baselineOffset: [Double]
    /// The forecast head: recent states, candidates' errors and per-horizon interval widths.
    var forecast: ForecastMemory
    var lastContext: [Double]
    /// Steps since the last flagged one (`Int.max / 2` before any flag).
    var stepsSinceFlag: Int
    /// Set by the caller while a failure mode of the asset degrades: nothing is learned as normal.
    var adaptationHeld: Bool
    /// The adaptation rate and hold per step for the caller's cadence (see `AssetModel.stepSeconds`).
    /// Not serialised: the caller sets the cadence again after a restore.
    var adaptationPace: AdaptationPace
    var stepSeconds: Double?

    /// A fresh state; the forecast head starts from the fit's interval widths `fittedIntervals`
    /// (`[horizon − 1][level][sensor]`).
    init(sensorCount m: Int, contextCount c: Int, configuration: ModelConfiguration, fittedIntervals: [[[Double]]]) {
        previous = [Double](repeating: 0, count: m)
        driftMean = previous
        levels = previous
        slopes = previous
        // A vague prior: the first observations set the level; the slope is learned slowly.
        filterCovariance = [1, 0, 1e-2]
        smoothed = [Double](repeating: 0, count: m * configuration.healthFeatureSmoothing.count)
        steps = 0
        baselineOffset = previous
        forecast = ForecastMemory(sensorCount: m, configuration: configuration, fitted: fittedIntervals)
        lastContext = [Double](repeating: 0, count: c)
        stepsSinceFlag = Int.max / 2
        adaptationHeld = false
        adaptationPace = AdaptationPace(configuration)
        stepSeconds = nil
    }
}
