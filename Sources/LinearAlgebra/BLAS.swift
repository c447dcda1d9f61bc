import CBLAS

/// Thread control of the BLAS library.
public enum BLASThreads {
    /// One BLAS thread: Prognos multiplies many small per-asset matrices from Swift tasks, and
    /// OpenBLAS's own threads would only fight the two-thread Swift pool for the cores.
    public static func useSingleThread() { cblas_prognos_set_threads(1) }
}

/// Whether an operand enters a product as is or transposed.
public enum Transpose: Sendable {
    case none, transposed
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

extension Matrix {
    /// `C ← α·op(A)·op(B) + β·C` through `cblas_dgemm`.
    public static func gemm(
        _ a: Matrix, _ b: Matrix, transA: Transpose = .none, transB: Transpose = .none,
        alpha: Double = 1, beta: Double = 0, into c: inout Matrix
    ) {
        let m = transA == .none ? a.rows : a.cols
        let k = transA == .none ? a.cols : a.rows
        let kb = transB == .none ? b.rows : b.cols
        let n = transB == .none ? b.cols : b.rows
        precondition(k == kb && c.rows == m && c.cols == n, "gemm: dimensions do not agree")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in c.elements.indices { c.elements[i] *= beta }
            return
        }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(
                        CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k),
                        alpha, pa.baseAddress, Int32(max(a.cols, 1)), pb.baseAddress, Int32(max(b.cols, 1)),
                        beta, pc.baseAddress, Int32(max(n, 1)))
                }
            }
        }
    }

    /// `op(A)·op(B)`.
    public static func product(
        _ a: Matrix, _ b: Matrix, transA: Transpose = .none, transB: Transpose = .none
    )
        -> Matrix
    {
        var c = Matrix(rows: transA == .none ? a.rows : a.cols, cols: transB == .none ? b.cols : b.rows)
        gemm(a, b, transA: transA, transB: transB, into: &c)
        return c
    }

    public static func * (a: Matrix, b: Matrix) -> Matrix { product(a, b) }

    /// `AᵀA` (the Gram matrix), symmetric, computed with `cblas_dsyrk` and mirrored to both triangles.
    public var gram: Matrix {
        var c = Matrix(rows: cols, cols: cols)
        if rows > 0 && cols > 0 {
            elements.withUnsafeBufferPointer { pa in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    cblas_dsyrk(
                        CblasRowMajor, CblasUpper, CblasTrans, Int32(cols), Int32(rows), 1, pa.baseAddress,
                        Int32(cols), 0, pc.baseAddress, Int32(cols))
                }
            }
            for i in 0..<cols {
                for j in 0..<i { c[i, j] = c[j, i] }
            }
        }
        return c
    }

    /// `y ← α·op(A)·x + β·y` through `cblas_dgemv`.
    public static func gemv(
        _ a: Matrix, _ x: [Double], trans: Transpose = .none, alpha: Double = 1, beta: Double = 0,
        into y: inout [Double]
    ) {
        let outCount = trans == .none ? a.rows : a.cols
        let inCount = trans == .none ? a.cols : a.rows
        precondition(x.count == inCount && y.count == outCount, "gemv: dimensions do not agree")
        if a.rows == 0 || a.cols == 0 {
            for i in y.indices { y[i] *= beta }
            return
        }
        a.elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    cblas_dgemv(
                        CblasRowMajor, trans.cblas, Int32(a.rows), Int32(a.cols), alpha, pa.baseAddress,
                        Int32(a.cols), px.baseAddress, 1, beta, py.baseAddress, 1)
                }
            }
        }
    }

    /// `op(A)·x`.
    public func applied(to x: [Double], _ trans: Transpose = .none) -> [Double] {
        var y = [Double](repeating: 0, count: trans == .none ? rows : cols)
        Matrix.gemv(self, x, trans: trans, into: &y)
        return y
    }
}

/// Vector helpers over BLAS level 1.
public enum Vector {
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot: lengths differ")
        return x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in cblas_ddot(Int32(x.count), px.baseAddress, 1, py.baseAddress, 1) }
        }
    }

    /// `y ← α·x + y`.
    public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        precondition(x.count == y.count, "axpy: lengths differ")
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                cblas_daxpy(Int32(x.count), alpha, px.baseAddress, 1, py.baseAddress, 1)
            }
        }
    }
}

extension Matrix {
    /// `y ← A·x` through `cblas_dgemv`, on caller-owned buffers: the same BLAS kernel (hence the
    /// same bits) as `gemv(_:_:into:)`, without the array arguments, for per-step hot paths.
    public static func gemv(
        _ a: Matrix, _ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(x.count == a.cols && y.count == a.rows, "gemv: dimensions do not agree")
        if a.rows == 0 { return }
        if a.cols == 0 {
            for i in 0..<y.count { y[i] = 0 }
            return
        }
        a.elements.withUnsafeBufferPointer { pa in
            cblas_dgemv(
                CblasRowMajor, CblasNoTrans, Int32(a.rows), Int32(a.cols), 1, pa.baseAddress, Int32(a.cols),
                x.baseAddress, 1, 0, y.baseAddress, 1)
        }
    }
}
