import Foundation

// Elementary functions, named once so the numeric files read the same everywhere.
@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _exp(_ x: Double) -> Double { Foundation.exp(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Foundation.cos(x) }

/// The empirical quantile with the split-conformal finite-sample correction: the
/// ⌈(n+1)·q⌉-th smallest of n values, so that a fresh exchangeable value falls below it with
/// probability at least q. Returns the largest value when n is too small for the level.
func conformalQuantile(_ values: [Double], _ q: Double) -> Double {
    guard !values.isEmpty else { return .infinity }
    let sorted = values.sorted()
    let rank = Int((Double(sorted.count + 1) * q).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

/// The plain empirical quantile (linear interpolation between order statistics).
func empiricalQuantile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let pos = q * Double(sorted.count - 1)
    let lo = Int(pos.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    let w = pos - Double(lo)
    return sorted[lo] * (1 - w) + sorted[hi] * w
}
