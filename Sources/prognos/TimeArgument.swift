import MQTT

/// Seconds since 1970 from a command-line time: ISO 8601 (2025-01-01T00:00:00Z) or epoch seconds.
func parseTimeArgument(_ text: String) -> Double? {
    if let epoch = Double(text), epoch.isFinite { return epoch }
    return PayloadTimestamp.seconds(fromISO8601: text)
}
