extension Double {
    /// The value to store: nil for NaN and ±infinity (no plausible measurement or estimate).
    public var storable: Double? { isFinite ? self : nil }
}

extension Optional where Wrapped == Double {
    /// The value to store: nil for nil, NaN and ±infinity.
    public var storable: Double? { flatMap(\.storable) }
}
