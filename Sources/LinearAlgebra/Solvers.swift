import CBLAS

extension Matrix {
    /// Solves `S·X = B` for symmetric positive-definite `S` with LAPACK `dposv`.
    public static func solveSPD(_ s: Matrix, _ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        precondition(s.rows == s.cols && b.rows == s.rows, "solveSPD: dimensions do not agree")
        var a = s
        var x = b
        let n = s.rows
        if n == 0 || b.cols == 0 { return x }
        let info = a.elements.withUnsafeMutableBufferPointer { pa in
            x.elements.withUnsafeMutableBufferPointer { px in
                LAPACKE_dposv(
                    LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), Int32(b.cols), pa.baseAddress, Int32(n),
                    px.baseAddress, Int32(b.cols))
            }
        }
        try checkLAPACK(info, "dposv")
        return x
    }

    /// Ridge regression: the `W` minimising `‖X·W − Y‖² + Σⱼ λⱼ‖Wⱼ,·‖²`, one column of `W` per
    /// column of `Y`, solved through the normal equations `(XᵀX + diag λ)·W = XᵀY` (`dsyrk`, `dgemm`,
    /// `dposv`). `penalties` gives λ per feature (0 leaves an intercept column unpenalised);
    /// a scalar `lambda` applies to every feature.
    public static func ridge(
        _ x: Matrix, _ y: Matrix, lambda: Double = 0, penalties: [Double]? = nil
    ) throws(LinearAlgebraError) -> Matrix {
        precondition(x.rows == y.rows, "ridge: X and Y need the same number of rows")
        var normal = x.gram
        let pen = penalties ?? [Double](repeating: lambda, count: x.cols)
        precondition(pen.count == x.cols, "ridge: one penalty per feature")
        for j in 0..<x.cols { normal[j, j] += pen[j] }
        let rhs = Matrix.product(x, y, transA: .transposed)
        return try solveSPD(normal, rhs)
    }
}

/// Eigen-decomposition of a symmetric matrix (LAPACK `dsyevd`): `S = V·diag(values)·Vᵀ`.
public struct SymmetricEigen: Sendable {
    /// Eigenvalues in ascending order.
    public let values: [Double]
    /// Eigenvectors as columns, in the order of `values`.
    public let vectors: Matrix

    public init(_ s: Matrix) throws(LinearAlgebraError) {
        precondition(s.rows == s.cols, "SymmetricEigen needs a square matrix")
        let n = s.rows
        var a = s
        var w = [Double](repeating: 0, count: n)
        if n > 0 {
            let info = a.elements.withUnsafeMutableBufferPointer { pa in
                w.withUnsafeMutableBufferPointer { pw in
                    LAPACKE_dsyevd(
                        LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")), Int32(n), pa.baseAddress,
                        Int32(n), pw.baseAddress)
                }
            }
            try checkLAPACK(info, "dsyevd")
        }
        values = w
        vectors = a
    }
}
