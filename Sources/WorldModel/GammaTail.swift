import Foundation

/// A gamma distribution matched to the mean and variance of a statistic's out-of-sample values,
/// for thresholds beyond what a few hundred values can show: the 99.7th percentile of 100 values
/// is their maximum, one noisy draw, while the shape of a quadratic-form statistic (a scaled
/// χ², which a gamma generalises) is known and two moments pin it down.
struct GammaTail: Sendable, Equatable {
    var shape: Double
    var scale: Double

    /// Matched by moments; nil for fewer than 10 values or no spread.
    init?(matching values: [Double]) {
        guard values.count >= 10 else { return nil }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        guard mean > 0, variance > 0 else { return nil }
        shape = mean * mean / variance
        scale = variance / mean
    }

    /// The `p` quantile, by bisection on the regularised incomplete gamma function.
    func quantile(_ p: Double) -> Double {
        var lo = 0.0
        var hi = max(shape, 1) * scale
        while Self.regularizedLower(shape, hi / scale) < p { hi *= 2 }
        for _ in 0..<100 {
            let mid = 0.5 * (lo + hi)
            if Self.regularizedLower(shape, mid / scale) < p { lo = mid } else { hi = mid }
        }
        return 0.5 * (lo + hi)
    }

    /// P(a, x): the series below a + 1, the continued fraction of Q = 1 − P above
    /// (Numerical Recipes, 3rd ed., §6.2).
    static func regularizedLower(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 0 }
        let logPrefix = -x + a * _log(x) - lgamma(a)
        if x < a + 1 {
            var term = 1 / a
            var sum = term
            var k = a
            for _ in 0..<10_000 {
                k += 1
                term *= x / k
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return min(1, sum * _exp(logPrefix))
        }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return max(0, 1 - _exp(logPrefix) * h)
    }
}
