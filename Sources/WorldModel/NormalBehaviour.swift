import LinearAlgebra

/// The fitted parameters of healthy behaviour (no state): a context baseline, the scale of
/// healthy deviations, their covariance, and short-term dynamics of the deviations.
///
/// A deviation is `e = (y − f(u)) / scale`: zero-mean, unit-spread per sensor when healthy.
/// Dynamics: `e[t+1] ≈ A·e[t]`, fitted by ridge least squares (LAPACK `dposv`).
struct NormalBehaviour: Sendable, Equatable {
    var sensorCount: Int
    var context: ContextFeatures
    /// Baseline weights, `featureCount × sensorCount`, in the sensors' own units.
    var baseline: Matrix
    /// Healthy spread of each sensor's deviation from the baseline; 0 marks a sensor that never
    /// moved in training (its deviation is taken as 0: nothing can be learned about it).
    var scale: [Double]
    /// `L⁻¹` and `Σ⁻¹` of the shrunk covariance of `e`.
    var levelWhitener: Matrix
    var levelPrecision: Matrix
    /// `A`, and `L⁻¹`, `Σ⁻¹` of the innovation covariance.
    var dynamics: Matrix
    var innovationWhitener: Matrix
    var innovationPrecision: Matrix
    /// Column-major copies of `dynamics` and of the two whiteners: the layout that the per-step
    /// kernels (`StepKernels`) read. Derived from the matrices above, never serialised.
    private(set) var dynamicsByColumn: [Double]
    private(set) var levelWhitenerByColumn: [Double]
    private(set) var innovationWhitenerByColumn: [Double]
    /// Sensors with a healthy spread (the others are ignored).
    let activeCount: Int

    init(
        sensorCount: Int, context: ContextFeatures, baseline: Matrix, scale: [Double], levelWhitener: Matrix,
        levelPrecision: Matrix, dynamics: Matrix, innovationWhitener: Matrix, innovationPrecision: Matrix
    ) {
        self.sensorCount = sensorCount
        self.context = context
        self.baseline = baseline
        self.scale = scale
        self.levelWhitener = levelWhitener
        self.levelPrecision = levelPrecision
        self.dynamics = dynamics
        self.innovationWhitener = innovationWhitener
        self.innovationPrecision = innovationPrecision
        dynamicsByColumn = dynamics.transposed.elements
        levelWhitenerByColumn = levelWhitener.transposed.elements
        innovationWhitenerByColumn = innovationWhitener.transposed.elements
        activeCount = scale.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
    }

    /// Fits on the rows of `y` (sensors) and `u` (context); `segments` are the lengths of
    /// contiguous runs (dynamics never pair the last row of one run with the first of the next).
    static func fit(
        y: Matrix, u: Matrix, segments: [Int], configuration: ModelConfiguration
    ) throws
        -> NormalBehaviour
    {
        let n = y.rows
        let m = y.cols
        guard n >= 3 else { throw WorldModelError("need at least 3 healthy rows to fit, got \(n)") }
        let context = ContextFeatures.fit(u)
        let phi = context.featureMatrix(u)
        var penalties = [Double](repeating: configuration.contextRidge * Double(n), count: phi.cols)
        penalties[0] = 0
        // A tiny absolute floor keeps the normal equations definite when a feature is constant.
        for j in 1..<max(phi.cols, 1) { penalties[j] += 1e-9 }
        let baseline = try Matrix.ridge(phi, y, penalties: penalties)
        var residual = y
        Matrix.gemm(phi, baseline, alpha: -1, beta: 1, into: &residual)

        var scale = [Double](repeating: 0, count: m)
        for j in 0..<m {
            var ss = 0.0
            var mean = 0.0
            for i in 0..<n { mean += y[i, j] }
            mean /= Double(n)
            var rawSS = 0.0
            for i in 0..<n {
                ss += residual[i, j] * residual[i, j]
                rawSS += (y[i, j] - mean) * (y[i, j] - mean)
            }
            let sd = (ss / Double(n - 1)).squareRoot()
            let rawSD = (rawSS / Double(n - 1)).squareRoot()
            // Constant in training, or a pure function of the context (the baseline explains all
            // of it, as for a setpoint echo): no healthy spread to learn from.
            let moves = rawSS > 1e-20 * (1 + mean * mean) * Double(n)
            scale[j] = moves && sd > 1e-6 * rawSD ? sd : 0
        }
        var e = residual
        for i in 0..<n {
            for j in 0..<m { e[i, j] = scale[j] > 0 ? residual[i, j] / scale[j] : 0 }
        }

        let shrink = configuration.covarianceShrinkage
        let levelCov = shrunk(covariance(e, centred: false), towardsIdentity: true, shrink)
        let levelChol = try Cholesky(levelCov)

        // Pairs (e[t], e[t+1]) inside each contiguous run.
        var prevRows: [Int] = []
        var start = 0
        for length in segments {
            if length >= 2 { prevRows.append(contentsOf: start..<(start + length - 1)) }
            start += length
        }
        guard prevRows.count >= 2 else { throw WorldModelError("need consecutive rows to fit dynamics") }
        let ePrev = e.selectingRows(prevRows)
        let eNext = e.selectingRows(prevRows.map { $0 + 1 })
        var dynPen = [Double](repeating: configuration.dynamicsRidge * Double(prevRows.count), count: m)
        for j in 0..<m where scale[j] == 0 { dynPen[j] = 1 }
        let aT = try Matrix.ridge(ePrev, eNext, penalties: dynPen)  // m × m, so that eNext ≈ ePrev·Aᵀ
        var innovation = eNext
        Matrix.gemm(ePrev, aT, alpha: -1, beta: 1, into: &innovation)
        var innovCov = shrunk(covariance(innovation, centred: false), towardsIdentity: false, shrink)
        for j in 0..<m where innovCov[j, j] <= 1e-12 { innovCov[j, j] = 1 }
        let innovChol = try Cholesky(innovCov)

        return NormalBehaviour(
            sensorCount: m, context: context, baseline: baseline, scale: scale,
            levelWhitener: try lowerInverse(levelChol), levelPrecision: try levelChol.inverse(),
            dynamics: aT.transposed, innovationWhitener: try lowerInverse(innovChol),
            innovationPrecision: try innovChol.inverse())
    }

    /// `XᵀX / n` (about zero-mean data: the deviations' expected mean is zero by construction).
    static func covariance(_ x: Matrix, centred: Bool) -> Matrix {
        var g = x.gram
        let n = Double(max(x.rows, 1))
        for i in g.elements.indices { g.elements[i] /= n }
        return g
    }

    /// `(1 − s)·S + s·T` with `T` the identity (level: unit spread by construction) or the
    /// diagonal of `S` (innovations: their variances differ per sensor).
    static func shrunk(_ s: Matrix, towardsIdentity: Bool, _ amount: Double) -> Matrix {
        var out = s
        for i in 0..<s.rows {
            for j in 0..<s.cols {
                let target = i == j ? (towardsIdentity ? 1 : s[i, i]) : 0
                out[i, j] = (1 - amount) * s[i, j] + amount * target
            }
        }
        // Sensors with no spread (constant in training) get a unit variance, so the matrix stays definite.
        for i in 0..<s.rows where out[i, i] <= 1e-12 { out[i, i] = 1 }
        return out
    }

    /// `L⁻¹` as an explicit matrix: in the per-step hot path a triangular product beats a solve.
    static func lowerInverse(_ chol: Cholesky) throws -> Matrix {
        let n = chol.lower.rows
        var inv = Matrix(rows: n, cols: n)
        for j in 0..<n {
            var unit = [Double](repeating: 0, count: n)
            unit[j] = 1
            let col = chol.whiten(unit)
            for i in 0..<n { inv[i, j] = col[i] }
        }
        return inv
    }
}
