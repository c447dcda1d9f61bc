/// Small dense kernels of the per-step hot path, sized for the tens of sensors of one asset.
///
/// Products accumulate column by column (`y += A[:, k]·x[k]`) over matrices stored column-major,
/// so the inner loop walks contiguous memory into independent outputs and the compiler
/// vectorises it. A row-by-row dot product is one chain of dependent additions per output: at
/// 20×20 the latency of that chain, not the arithmetic, set the speed of scoring, and a BLAS call
/// costs more than the product itself at this size.
enum StepKernels {
    /// `y = A·x` for an m×m `A` stored column-major.
    @inline(__always)
    static func multiply(
        _ a: UnsafePointer<Double>, _ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, _ m: Int
    ) {
        for i in 0..<m { y[i] = 0 }
        for k in 0..<m {
            let xk = x[k]
            let column = a + k * m
            for i in 0..<m { y[i] += column[i] * xk }
        }
    }

    /// `w = L·v` for a lower-triangular m×m `L` stored column-major; returns `‖w‖²`.
    /// With `L = L_Σ⁻¹` (the inverse Cholesky factor of Σ) this is the Mahalanobis form `vᵀΣ⁻¹v`.
    @inline(__always)
    static func lowerSquaredNorm(
        _ l: UnsafePointer<Double>, _ v: UnsafePointer<Double>, into w: UnsafeMutablePointer<Double>, _ m: Int
    ) -> Double {
        for i in 0..<m { w[i] = 0 }
        for k in 0..<m {
            let vk = v[k]
            let column = l + k * m
            for i in k..<m { w[i] += column[i] * vk }
        }
        return squaredNorm(w, m)
    }

    /// `lowerSquaredNorm` of two vectors in one pass over `L`: `(‖L·v‖², ‖L·x‖²)`.
    @inline(__always)
    static func lowerSquaredNorms(
        _ l: UnsafePointer<Double>, _ v: UnsafePointer<Double>, _ x: UnsafePointer<Double>,
        into w: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ m: Int
    ) -> (Double, Double) {
        for i in 0..<m {
            w[i] = 0
            y[i] = 0
        }
        for k in 0..<m {
            let vk = v[k]
            let xk = x[k]
            let column = l + k * m
            for i in k..<m {
                w[i] += column[i] * vk
                y[i] += column[i] * xk
            }
        }
        return (squaredNorm(w, m), squaredNorm(y, m))
    }

    /// `‖w‖²` with two partial sums: half the length of the dependent chain.
    @inline(__always)
    static func squaredNorm(_ w: UnsafePointer<Double>, _ m: Int) -> Double {
        var even = 0.0
        var odd = 0.0
        var i = 0
        while i + 1 < m {
            even += w[i] * w[i]
            odd += w[i + 1] * w[i + 1]
            i += 2
        }
        if i < m { even += w[i] * w[i] }
        return even + odd
    }

    /// `z = Lᵀ·w` for a lower-triangular m×m `L` stored row-major (row k of `L` is column k of
    /// `Lᵀ`). After `lowerSquaredNorm` this gives `Σ⁻¹·v = Lᵀ·(L·v)` for the sensor shares.
    @inline(__always)
    static func lowerTransposedTimes(
        _ l: UnsafePointer<Double>, _ w: UnsafePointer<Double>, into z: UnsafeMutablePointer<Double>, _ m: Int
    ) {
        for i in 0..<m { z[i] = 0 }
        for k in 0..<m {
            let wk = w[k]
            let row = l + k * m
            for i in 0...k { z[i] += row[i] * wk }
        }
    }
}
