/// Whether a reading can be trusted. Only `.good` values feed a world model as normal data.
public enum Quality: String, Sendable, Equatable, CaseIterable, Codable {
    /// Read and decoded, finite, inside the sensor's physical plausibility.
    case good
    /// The device or broker could not be reached; the value is the last known one or absent.
    case commFail = "comm-fail"
    /// No fresh value arrived within the expected interval.
    case stale
    /// The bytes decoded to NaN, Inf or a value that cannot be a measurement.
    case badValue = "bad-value"
    /// Decoded fine but outside what the sensor can physically report.
    case outOfRange = "out-of-range"
}

/// One timestamped value of one signal of one asset, as collectors hand it to the runtime.
public struct Reading: Sendable, Equatable {
    public var asset: String
    public var sensor: String
    /// The engineering value; nil when the quality says no value could be had.
    public var value: Double?
    /// Seconds since 1970-01-01T00:00:00Z.
    public var timestamp: Double
    public var quality: Quality

    public init(asset: String, sensor: String, value: Double?, timestamp: Double, quality: Quality) {
        self.asset = asset
        self.sensor = sensor
        self.value = value
        self.timestamp = timestamp
        self.quality = quality
    }
}
