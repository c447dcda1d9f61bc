import LinearAlgebra

/// Features of the operating context for the healthy baseline `y ≈ f(u)`: an intercept, the
/// standardised context and its pairwise products (a quadratic response surface).
///
/// Quadratic because sensor responses to speed, load and altitude are curved, and because with a
/// handful of discrete operating conditions (C-MAPSS FD002 has six) a quadratic surface can pass
/// through every condition's mean, so one model serves all regimes.
struct ContextFeatures: Sendable, Equatable {
    var mean: [Double]
    var scale: [Double]
    /// The range of each context column in the fitted rows: beyond it the baseline extrapolates.
    /// (−∞, ∞) for a model restored from a format that did not record it.
    var low: [Double]
    var high: [Double]

    init(mean: [Double], scale: [Double], low: [Double]? = nil, high: [Double]? = nil) {
        self.mean = mean
        self.scale = scale
        self.low = low ?? [Double](repeating: -.infinity, count: mean.count)
        self.high = high ?? [Double](repeating: .infinity, count: mean.count)
    }

    var inputCount: Int { mean.count }
    var featureCount: Int { 1 + inputCount + inputCount * (inputCount + 1) / 2 }

    static func fit(_ u: Matrix) -> ContextFeatures {
        var mean = [Double](repeating: 0, count: u.cols)
        var scale = [Double](repeating: 1, count: u.cols)
        var low = [Double](repeating: -.infinity, count: u.cols)
        var high = [Double](repeating: .infinity, count: u.cols)
        for j in 0..<u.cols {
            let col = u.column(j)
            if let least = col.min(), let most = col.max() { (low[j], high[j]) = (least, most) }
            let mu = col.reduce(0, +) / Double(max(col.count, 1))
            let variance = col.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(max(col.count, 1))
            mean[j] = mu
            // A constant context column carries no information: leave it unscaled (it becomes ~0).
            scale[j] = variance > 1e-24 ? variance.squareRoot() : 1
        }
        return ContextFeatures(mean: mean, scale: scale, low: low, high: high)
    }

    /// Writes `u` clamped to the fitted range into `out`; returns whether any value was outside it.
    @inline(__always)
    func clamp(_ u: UnsafeBufferPointer<Double>, into out: UnsafeMutablePointer<Double>) -> Bool {
        var outside = false
        for i in 0..<inputCount {
            let v = min(max(u[i], low[i]), high[i])
            outside = outside || v != u[i]
            out[i] = v
        }
        return outside
    }

    /// Writes the features of one context vector into `out` (length `featureCount`).
    @inline(__always)
    func features(_ u: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        let c = inputCount
        out[0] = 1
        for i in 0..<c { out[1 + i] = (u[i] - mean[i]) / scale[i] }
        var k = 1 + c
        for i in 0..<c {
            for j in i..<c {
                out[k] = out[1 + i] * out[1 + j]
                k += 1
            }
        }
    }

    func featureMatrix(_ u: Matrix) -> Matrix {
        var phi = Matrix(rows: u.rows, cols: featureCount)
        u.elements.withUnsafeBufferPointer { pu in
            phi.elements.withUnsafeMutableBufferPointer { pf in
                for r in 0..<u.rows {
                    features(
                        UnsafeBufferPointer(rebasing: pu[(r * u.cols)..<((r + 1) * u.cols)]),
                        into: UnsafeMutableBufferPointer(rebasing: pf[(r * featureCount)..<((r + 1) * featureCount)]))
                }
            }
        }
        return phi
    }
}
