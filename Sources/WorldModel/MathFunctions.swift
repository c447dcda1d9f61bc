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

/// The weighted quantile: each value sits at the midpoint of its weight on the cumulative scale
/// (Hazen's plotting position when the weights are equal), linearly interpolated between values.
func weightedQuantile(_ values: [Double], _ weights: [Double], _ q: Double) -> Double {
    precondition(values.count == weights.count, "weightedQuantile: one weight per value")
    guard !values.isEmpty else { return .nan }
    let order = values.indices.sorted { values[$0] < values[$1] }
    let total = weights.reduce(0, +)
    guard total > 0 else { return .nan }
    var cumulative = 0.0
    var previous: (position: Double, value: Double)?
    for i in order {
        let position = (cumulative + weights[i] / 2) / total
        if position >= q {
            guard let (p0, v0) = previous, position > p0 else { return values[i] }
            return v0 + (values[i] - v0) * (q - p0) / (position - p0)
        }
        cumulative += weights[i]
        previous = (position, values[i])
    }
    return values[order.last!]
}
