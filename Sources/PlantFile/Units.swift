/// The engineering units a plant file may use. A closed list catches typos ("degc", "rmp")
/// before a wrong unit reaches a dashboard or an alarm text.
enum EngineeringUnits {
    static let known: Set<String> = [
        // temperature
        "degC", "degF", "K",
        // pressure
        "Pa", "kPa", "MPa", "bar", "mbar", "psi", "inH2O",
        // vibration and motion
        "mm/s", "in/s", "m/s", "m/s2", "g", "um", "mm",
        // electrical
        "A", "mA", "V", "kV", "W", "kW", "MW", "kVA", "kvar", "Hz", "MOhm", "ohm", "kWh",
        // flow, level, volume
        "m3/h", "l/s", "l/min", "kg/h", "t/h", "m", "m3", "l",
        // speed and ratios
        "rpm", "%", "ratio", "pH", "ppm", "dB", "NTU", "uS/cm",
        // counters and time
        "h", "s", "count", "bool", "Nm",
    ]
}
