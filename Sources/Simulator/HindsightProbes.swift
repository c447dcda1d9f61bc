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
    /// the asset is stopped (a stopped machine does not trip).
    public func criticalDamage(asset: String, mode: String, ceiling: Double = 4, resolution: Double = 1e-3) -> Double? {
        guard let i = assetIndex[asset], let m = assets[i].modes.firstIndex(where: { $0.modeID == mode }),
            let signal = assets[i].limitSignal[m], assets[i].isRunning(elapsed)
        else { return nil }
        var probe = assets[i]
        let conditions = conditionsFor(i)
        let limit = assets[i].modes[m].limit
        func crossed(_ d: Double) -> Bool {
            limit.isCrossed(by: probe.limitValue(mode: m, signal: signal, damage: d, conditions: conditions))
        }
        if crossed(0) { return 0 }
        if !crossed(ceiling) { return .infinity }
        var low = 0.0, high = ceiling
        while high - low > resolution {
            let mid = (low + high) / 2
            if crossed(mid) { high = mid } else { low = mid }
        }
        return high
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
