import Foundation
import PrognosCore

/// Calendar arithmetic on epoch seconds (UTC, which the plant runs on).
enum Calendar {
    /// Hour of day, 0 ..< 24.
    static func hour(_ epoch: Double) -> Double {
        let seconds = epoch.truncatingRemainder(dividingBy: 86400)
        return (seconds < 0 ? seconds + 86400 : seconds) / 3600
    }

    /// Day of the week, Monday = 0 (1970-01-01 was a Thursday).
    static func weekday(_ epoch: Double) -> Int {
        let day = Int((epoch / 86400).rounded(.down))
        return ((day + 3) % 7 + 7) % 7
    }

    /// Day of the year, 0 ..< 365.25 (mean year).
    static func dayOfYear(_ epoch: Double) -> Double {
        let days = epoch / 86400
        let year = 365.2425
        let r = (days - 0.5).truncatingRemainder(dividingBy: year)
        return r < 0 ? r + year : r
    }

    /// The start of the next maintenance window after `epoch` (epoch seconds), if any.
    static func nextWindow(after epoch: Double, windows: [MaintenanceWindow]) -> Double? {
        let weekStart = (epoch / 86400).rounded(.down) * 86400 - Double(weekday(epoch)) * 86400
        var best: Double?
        for window in windows {
            let index = Double(MaintenanceWindow.Weekday.allCases.firstIndex(of: window.weekday) ?? 0)
            var start = weekStart + index * 86400 + Double(window.startMinute) * 60
            if start <= epoch { start += 7 * 86400 }
            best = min(best ?? start, start)
        }
        return best
    }
}

/// The site's weather: seasonal and daily cycles of the outdoor temperature plus weather systems
/// (an Ornstein–Uhlenbeck anomaly of σ 2 K lasting days), and the machine halls' temperature,
/// which follows the outdoors damped and late (building mass, τ 3 h) and is heated to 16 °C.
struct Weather: Sendable, Equatable {
    var anomaly: OUProcess
    var hall: Double
    let variation: Bool

    init(variation: Bool, start: Double, random: inout SimulationRandom) {
        anomaly = OUProcess(sigma: variation ? 2 : 0, tau: 2 * 86400, random: &random)
        self.variation = variation
        hall = 0
        hall = hallTarget(start)
    }

    func ambient(_ epoch: Double) -> Double {
        guard variation else { return 15 }
        let season = 9 * sin(2 * Double.pi * (Calendar.dayOfYear(epoch) - 110) / 365.2425)
        let daily = 5 * sin(2 * Double.pi * (Calendar.hour(epoch) - 9) / 24)
        return 11 + season + daily + anomaly.value
    }

    /// The halls are heated to at least 16 °C in winter and follow the outdoors damped in summer.
    func hallTarget(_ epoch: Double) -> Double {
        guard variation else { return 15 }
        let free = 17 + 0.35 * (ambient(epoch) - 11)
        return max(free, 16)
    }

    mutating func step(to epoch: Double, dt: Double, random: inout SimulationRandom) {
        if variation { anomaly.step(dt, &random) }
        relax(&hall, toward: hallTarget(epoch), tau: 3 * 3600, dt: dt)
    }
}

/// A line's demand, 0 … 1: the daily water-demand curve (morning and evening peaks, night
/// trough), lower at weekends, slow random wander, and occasional regime changes (a reservoir
/// being filled, a line taken over from another) that shift it for a day or three.
struct Demand: Sendable, Equatable {
    var wander: OUProcess
    var regime = 0.0
    var regimeUntil = 0.0
    var nextRegime: Double
    let variation: Bool

    init(variation: Bool, random: inout SimulationRandom) {
        wander = OUProcess(sigma: variation ? 0.05 : 0, tau: 4 * 3600, random: &random)
        nextRegime = random.exponential(mean: 5 * 86400)
        self.variation = variation
    }

    static func daily(_ hour: Double) -> Double {
        func bump(_ centre: Double, _ width: Double) -> Double {
            var distance = abs(hour - centre)
            distance = min(distance, 24 - distance)
            return exp(-(distance / width) * (distance / width))
        }
        return 0.5 + 0.3 * bump(7.5, 2.2) + 0.22 * bump(19, 2.8) - 0.25 * bump(3.5, 2.5)
    }

    func value(_ epoch: Double) -> Double {
        guard variation else { return 0.5 }
        let weekend = Calendar.weekday(epoch) >= 5 ? -0.08 : 0
        return clamp(Self.daily(Calendar.hour(epoch)) + weekend + regime + wander.value, 0...1)
    }

    /// Advances to `elapsed` simulated seconds; returns a description when a regime starts or ends.
    mutating func step(elapsed: Double, dt: Double, random: inout SimulationRandom) -> String? {
        guard variation else { return nil }
        wander.step(dt, &random)
        if regime != 0, elapsed >= regimeUntil {
            regime = 0
            return "regime back to normal"
        }
        if elapsed >= nextRegime {
            regime = (random.chance(0.5) ? 1 : -1) * random.uniform(0.08...0.18)
            regimeUntil = elapsed + random.uniform(1...3) * 86400
            nextRegime = regimeUntil + random.exponential(mean: 5 * 86400)
            return String(format: "regime change: demand %+.0f %%", regime * 100)
        }
        return nil
    }
}

/// How one asset is being run: its duty (speed or load fraction) following the line's demand
/// through a ramp, its on/off schedule, the compressor setpoint, and any override from a scenario
/// or a derating action.
struct Operation: Sendable, Equatable {
    var offset: Double
    var jitter: OUProcess
    var duty: Double
    var setpoint: Double
    var scheduledStop: (from: Double, until: Double)?
    var nextScheduleDay: Double
    var override: (fraction: Double, until: Double?)?
    var derate: (fraction: Double, until: Double)?
    let hasSchedule: Bool

    static func == (a: Operation, b: Operation) -> Bool {
        a.offset == b.offset && a.jitter == b.jitter && a.duty == b.duty && a.setpoint == b.setpoint
            && a.scheduledStop?.from == b.scheduledStop?.from && a.scheduledStop?.until == b.scheduledStop?.until
            && a.override?.fraction == b.override?.fraction && a.override?.until == b.override?.until
            && a.derate?.fraction == b.derate?.fraction && a.derate?.until == b.derate?.until
    }

    init(spec: DutySpec, variation: Bool, hasSchedule: Bool, random: inout SimulationRandom) {
        offset = variation ? 0.06 * random.normal() : 0
        jitter = OUProcess(sigma: variation ? 0.03 : 0, tau: 3600, random: &random)
        duty = spec.nominal
        setpoint = 7.5
        nextScheduleDay = 0
        self.hasSchedule = hasSchedule && variation
    }

    /// Whether the schedule has the asset stopped at `elapsed`.
    func scheduledOff(_ elapsed: Double) -> Bool {
        guard let stop = scheduledStop else { return false }
        return elapsed >= stop.from && elapsed < stop.until
    }

    mutating func step(
        spec: DutySpec, demand: Double, epoch: Double, elapsed: Double, dt: Double?, variation: Bool,
        random: inout SimulationRandom
    ) {
        if let dt { jitter.step(dt, &random) }
        if let until = override?.until, elapsed >= until { override = nil }
        if let derate, elapsed >= derate.until { self.derate = nil }
        var target: Double
        if let override {
            target = override.fraction
        } else if variation {
            let span = spec.range.upperBound - spec.range.lowerBound
            target = spec.range.lowerBound + span * clamp(demand + offset + jitter.value, 0...1)
        } else {
            target = spec.nominal
        }
        if let derate { target = min(target, derate.fraction) }
        relax(&duty, toward: clamp(target, 0.2...1.1), tau: 120, dt: dt)
        // Compressor pressure: lower at night (less aeration demand), higher at the morning peak.
        if variation {
            let hour = Calendar.hour(epoch)
            setpoint = hour < 6 || hour >= 22 ? 7.3 : (hour < 10 ? 7.7 : 7.5)
        }
        // On/off schedule: on about one night in four, off for 2–4 hours after 1 am.
        if hasSchedule, elapsed >= nextScheduleDay {
            let dayStart = (epoch / 86400).rounded(.down) * 86400 - epoch + elapsed
            nextScheduleDay = dayStart + 86400
            if random.chance(0.25) {
                let from = dayStart + 3600 + random.uniform(0...7200)
                scheduledStop = (from, from + random.uniform(7200...14400))
            }
        }
    }
}
