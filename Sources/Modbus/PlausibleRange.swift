import PrognosCore

/// The values a sensor can physically report; a decoded value outside it is `.outOfRange`.
///
/// A plant file gives a sensor's normal range and its alarm and trip limits, not its physical
/// span, so the span is derived: take the hull of the normal range and every limit
/// (the "reference", width `w`, or `max(|centre|, 1)` when that is a single point) and widen
/// it by `margin × w` on each side (margin 10 by default). A bearing normally at 40–70 °C with a
/// trip at 95 °C is plausible from −510 to 645 °C: a real overheating is still `good` (the world
/// model and the alarms must see it), while register garbage such as 65535, −32768 or 3.4e38 is
/// not. A sensor with neither normal range nor limits has no bound: only NaN and ±∞ are refused
/// (as `.badValue`, by the decoder).
public struct PlausibleRange: Sendable, Equatable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// Every finite value.
    public static let unbounded = PlausibleRange(lower: -.infinity, upper: .infinity)

    @inlinable
    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }

    /// The plausible range of `sensor`, widened `margin` times the reference width on each side.
    public init(sensor: Sensor, margin: Double = 10) {
        var points: [Double] = []
        if let normal = sensor.normal { points += [normal.lowerBound, normal.upperBound] }
        let limits = sensor.limits
        points += [limits.alarmLow, limits.alarmHigh, limits.tripLow, limits.tripHigh].compactMap { $0 }
        points = points.filter(\.isFinite)
        guard let low = points.min(), let high = points.max() else {
            self = .unbounded
            return
        }
        var width = high - low
        if width <= 0 { width = max(abs((low + high) / 2), 1) }
        self.init(lower: low - margin * width, upper: high + margin * width)
    }
}
