import Foundation
import PrognosCore

/// Where a reading of a failure mode's limit sensor stands on the way from the edge of the sensor's
/// normal range (0) to the mode's failure limit (1): the scale of `ModeHealth.peakFraction`, of the
/// alarm level on it (`ModeEstimator.alarmFraction`) and of the level the planner extrapolates.
///
/// A quantity that must stay above a positive limit (insulation resistance, pressure, flow, airflow)
/// is measured by ratios: the way from 100 to 5 MΩ is the logarithm's way, so 100 → 50 MΩ is as far
/// as 10 → 5 MΩ. Insulation resistance halves for every 10 K the winding runs hotter and falls by a
/// constant factor per unit of ageing; in megohms a summer's heat and the first months of ageing
/// covered most of the way from normal to the limit, and the linear trend of those months ran into
/// the limit at a third of the winding's life. On the ratio scale heat shifts the reading by the
/// same step whatever the ageing, and ageing moves it at a steady pace. A limit above (vibration,
/// temperature, pressure drop) and a limit at or below zero keep the linear scale. Pure.
struct LimitScale: Sendable, Equatable {
    /// +1 when the mode fails upward, −1 downward.
    let sign: Double
    /// The edge of the normal range and the limit, in the sensor's units.
    let reference: Double
    let limit: Double
    /// Whether readings are compared by ratio (a limit below, above zero).
    let logarithmic: Bool

    /// Nil when the sensor has no normal range or the limit is not beyond its edge.
    init?(sensor: Sensor?, mode: FailureMode) {
        guard let normal = sensor?.normal else { return nil }
        let above = mode.limit.direction == .above
        sign = above ? 1 : -1
        reference = above ? normal.upperBound : normal.lowerBound
        limit = mode.limit.value
        guard sign * limit > sign * reference else { return nil }
        logarithmic = !above && limit > 0
    }

    /// The fraction of the way from `reference` to `limit` at which `value` stands (negative inside
    /// the normal range, above 1 past the limit). On the ratio scale a reading below the limit
    /// continues the scale's slope at the limit, so a reading of zero stays finite.
    func fraction(_ value: Double) -> Double {
        guard logarithmic else { return (value - reference) / (limit - reference) }
        let way = log(reference / limit)
        if value >= limit { return log(reference / value) / way }
        return 1 + (limit - value) / (limit * way)
    }
}
