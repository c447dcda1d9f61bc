/// A scenario that makes bursts of alarm transitions: every Modbus device of the demo plant goes
/// dark at once, `cycles` times, so every asset raises its communication alarm together and
/// returns together when the devices answer again (with `prognos run --stale-after 2`).
enum AlarmBursts {
    static let devices = [
        "plc-intake", "plc-treatment", "plc-mixing", "plc-distribution", "vfd-gateway", "energy-meters",
        "fan-controller",
    ]

    /// Outages of `down` seconds every `every` seconds from `start`, in simulated seconds (run at speed 1).
    static func scenario(cycles: Int, start: Int = 12, every: Int = 14, down: Int = 6) -> String {
        var lines = ["name: alarm-bursts", "natural_degradation: false", "events:"]
        for cycle in 0..<cycles {
            for device in devices {
                lines.append("  - {at: \(start + cycle * every)s, device: \(device), down: \(down)s}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
