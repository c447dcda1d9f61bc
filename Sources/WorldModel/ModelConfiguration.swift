/// The constants of an asset model. The defaults are generic choices (textbook values or
/// chosen by cross-validation on training data), not tuned to one data set.
public struct ModelConfiguration: Sendable, Equatable, Codable {
    /// Shrinkage of the deviation covariances towards their diagonal (Ledoit–Wolf style):
    /// with tens of sensors and hundreds of rows the raw inverse overstates rare directions.
    public var covarianceShrinkage = 0.1
    /// Ridge penalty of the dynamics `e[t+1] = A·e[t]`, per training row.
    public var dynamicsRidge = 0.01
    /// Ridge penalty of the context baseline `y = f(u)`, per training row.
    public var contextRidge = 1e-6
    /// Smoothing of the MEWMA drift statistic (Lowry et al. 1992 recommend 0.1–0.2).
    public var driftSmoothing = 0.2
    /// Total false-alarm probability per step of the combined deviation test on healthy data;
    /// split equally (Bonferroni) over the level, innovation and drift statistics.
    public var falseAlarmRate = 0.01
    /// Thresholds from a gamma distribution matched to the statistics' out-of-fold values (true),
    /// or their conformal quantile (false). Either way the false-alarm budget is the only knob.
    public var parametricThresholds = true
    /// Contiguous folds used to calibrate thresholds and intervals out of sample.
    public var calibrationFolds = 5
    /// Horizons whose interval widths are calibrated at fit; longer ones reuse the last.
    public var maxHorizon = 24
    /// Health filter (local linear trend per sensor): process noise of level and slope, and
    /// observation noise, in units of the standardised deviation.
    public var healthLevelNoise = 1e-4
    public var healthSlopeNoise = 1e-6
    public var healthObservationNoise = 1.0
    /// Step size of online quantile tracking of each horizon's forecast intervals: a miss widens
    /// an interval by this fraction times its nominal hit rate, a hit narrows it by this times its
    /// nominal miss rate (multiplicative, so a fault's errors are met in tens of steps, not hundreds).
    public var intervalAdaptationRate = 0.1
    /// Forecast head: smoothing of each candidate's absolute k-step error (per check of that
    /// horizon), and the power of the inverse errors that weigh the candidates (1: Bates–Granger;
    /// higher leans harder on the best lately, 16 is nearly "the best lately" with a soft switch).
    /// Absolute, not squared: forecasts are judged by MAE, and a sample-and-hold analyser that
    /// persistence predicts exactly between samples would otherwise be blended away.
    public var forecastErrorSmoothing = 0.02
    public var forecastWeightPower = 16
    /// Forecast head: smoothing of the local mean and of the trend of the deviation, and the
    /// trend's damping per step (Gardner & McKenzie 1985).
    public var localMeanSmoothing = 0.2
    public var trendSmoothing = 0.1
    public var trendDamping = 0.9
    /// Rate at which unflagged data moves the healthy baseline between refits (0: never), so that
    /// the reference follows a healthy machine whose state moves slowly (warm-up, seasons,
    /// ageing instruments). Flagged steps are never learned. 0.003 is the slowest of 0.001, 0.003,
    /// 0.01 that learns a warm-up settling 2.5 spreads away over ~1,500 steps (0.001 falls behind,
    /// gets flagged and stays there); TEP detection is indifferent to the choice, and C-MAPSS
    /// wear read as anomalies is learned faster by faster rates (MAR FD001 45 % → 50 % → 61 %):
    /// the caller's `adaptationHeld` while a failure mode degrades is what protects wear.
    public var baselineAdaptationRate = 0.003
    /// Steps after the last flag during which nothing is learned: a flagged stretch, with its
    /// short gaps, is a hard stop on adaptation.
    public var adaptationHoldSteps = 10
    /// The seconds between steps that `baselineAdaptationRate` and `adaptationHoldSteps` are meant
    /// for once a caller says how far apart its steps are (`AssetModel.stepSeconds`): ten minutes,
    /// the drift scenario's rows on which `eval anomalies` measures them and the demo's steps. Then
    /// the baseline follows a slowly moving machine at the same pace in time (a time constant of
    /// 2.3 days) whatever the cadence; per step, an hourly daemon would follow six times slower and
    /// one stepping every second 600 times faster. Without it (the evals' rows, which have no clock),
    /// the constants are per step.
    public static let adaptationReferenceStep: Double = 600

    /// The adaptation rate per step and the hold in steps for steps `seconds` apart: the same
    /// in time as `baselineAdaptationRate` and `adaptationHoldSteps` at `adaptationReferenceStep`.
    public func adaptationPace(stepSeconds seconds: Double) -> AdaptationPace {
        guard seconds > 0, seconds.isFinite else { return AdaptationPace(self) }
        let steps = seconds / Self.adaptationReferenceStep
        let rate = 1 - _exp(steps * _log(1 - min(max(baselineAdaptationRate, 0), 1)))
        let hold = (Double(adaptationHoldSteps) / steps).rounded(.up)
        return AdaptationPace(rate: rate, holdSteps: Int(min(hold, Double(Int.max / 4))))
    }
    /// The most the baseline may move by adaptation, in healthy spreads per sensor; beyond it only
    /// a refit or an operator's re-baseline moves it.
    public var maxBaselineOffset = 3.0
    /// How uncertain the healthy baseline is where the context is outside the range it was fitted
    /// on, as a multiple of the change the extrapolation makes: each sensor's deviation is scored
    /// against `√(spread² + (k·|f(u) − f(ū)|)²)`, ū the context clamped to the fitted range (0: scored
    /// against the spread alone, as inside the range). 1, the plainest choice, says the extrapolated
    /// part of the reference is as likely wrong as right: a load step beyond anything seen in
    /// training is not by itself a fault, and sensors the context does not move keep their full
    /// sensitivity.
    public var extrapolationUncertainty = 1.0
    /// Smoothing factors of the exponentially weighted health features used for fleet RUL.
    public var healthFeatureSmoothing: [Double] = [0.3, 0.1, 0.03]

    public init() {}
}

/// How fast the healthy baseline adapts, per step: the configured constants, or the same in time
/// for the caller's cadence (`ModelConfiguration.adaptationPace(stepSeconds:)`).
public struct AdaptationPace: Sendable, Equatable {
    public var rate: Double
    public var holdSteps: Int

    public init(rate: Double, holdSteps: Int) {
        self.rate = rate
        self.holdSteps = holdSteps
    }

    /// The configured constants, per step.
    init(_ configuration: ModelConfiguration) {
        self.init(rate: configuration.baselineAdaptationRate, holdSteps: configuration.adaptationHoldSteps)
    }
}
