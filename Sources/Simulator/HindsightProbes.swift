import Foundation
import PrognosCore

/// What a hindsight evaluation reads from a replay of the plant: how fast each failure mode would
/// wear at this moment, how much damage would trip it now, and the life of each renewed part.
extension PlantSimulation {
    /// The delay from the `renewal`-th new part of a mode to its onset when `partLives` is on
    /// (its own stream, so the same part has the same life whenever it is fitted).
    public static func partOnsetDelay(
        _ options: SimulationOptions, asset: String, mode: String, kind: DegradationKind, renewal: Int
    ) -> Double {
        var random = SimulationRandom.stream(seed: options.seed, "part", asset, mode, String(renewal))
        return random.weibull(scale: kind.onsetScale(options), shape: 1.5)
    }

    /// Life consumed per second by a started mode if the asset keeps running as it runs now, at no
    /// slowing (0 while it is stopped).
    public func wearRate(asset: String, mode: String) -> Double {
        guard let i = assetIndex[asset], let m = assets[i].modes.firstIndex(where: { $0.modeID == mode }),
            assets[i].isRunning(elapsed)
        else { return 0 }
        return progress(i, m, dt: 1, slowFactor: 1)
    }

    /// The least damage of a mode's mechanism at which its limit sensor would be beyond its limit
    /// at this moment (the machine's thermal state and the other mechanisms as they are now), to
    /// `resolution`, rounded up; infinity if it would not be beyond it below `ceiling`; nil while
    /// the asset is stopped (a stopped machine does not trip). The answer is the least multiple of
    /// the grid step (`ceiling` halved until it is no more than `resolution`) at which the sensor is
    /// beyond its limit. `near`, the answer a moment ago, starts the search there (a few probes
    /// instead of a bisection of the whole range); with the limit reading growing with the damage,
    /// as every limit sensor of the plant's physics does, the answer is the same.
    public func criticalDamage(
        asset: String, mode: String, ceiling: Double = 4, resolution: Double = 1e-3, near: Double? = nil
    ) -> Double? {
        guard let i = assetIndex[asset], let m = assets[i].modes.firstIndex(where: { $0.modeID == mode }),
            let signal = assets[i].limitSignal[m], assets[i].isRunning(elapsed)
        else { return nil }
        var probe = assets[i]
        let conditions = conditionsFor(i)
        let limit = assets[i].modes[m].limit
        var grid = ceiling
        var steps = 1
        while grid > resolution {
            grid /= 2
            steps *= 2
        }
        func crossed(_ k: Int) -> Bool {
            limit.isCrossed(
                by: probe.limitValue(mode: m, signal: signal, damage: Double(k) * grid, conditions: conditions))
        }
        // Bracket the answer: not crossed at `low`, crossed at `high`.
        var low: Int, high: Int
        if let near, near.isFinite {
            let start = min(max(Int((near / grid).rounded()), 0), steps)
            var reach = 1
            if crossed(start) {
                high = start
                while true {
                    low = high - reach
                    if low <= 0 {
                        if crossed(0) { return 0 }
                        low = 0
                        break
                    }
                    if !crossed(low) { break }
                    high = low
                    reach *= 2
                }
            } else {
                low = start
                while true {
                    high = low + reach
                    if high >= steps {
                        if !crossed(steps) { return .infinity }
                        high = steps
                        break
                    }
                    if crossed(high) { break }
                    low = high
                    reach *= 2
                }
            }
        } else {
            if crossed(0) { return 0 }
            if !crossed(steps) { return .infinity }
            (low, high) = (0, steps)
        }
        while high - low > 1 {
            let mid = (low + high) / 2
            if crossed(mid) { high = mid } else { low = mid }
        }
        return Double(high) * grid
    }
}

extension SimAsset {
    /// The value of `signal` (mode `m`'s limit sensor) now, under `c`, if mode `m`'s mechanism were
    /// at damage `d`: the physics evaluated over a zero step, so states with inertia (temperatures)
    /// keep their present values.
    mutating func limitValue(mode m: Int, signal: Int, damage d: Double, conditions c: Conditions) -> Double {
        var damage = self.damage
        damage[modes[m].kind] = max(damage[modes[m].kind], d)
        physics.evaluate(c, damage, gains: gains, dt: 0, into: &out)
        map(c, damage: damage)
        for shift in genericShifts where c.running {
            values[shift.signal] += shift.slope * (shift.mode == m ? d : modes[shift.mode].damage)
        }
        return values[signal]
    }
}
