import CBLAS
import Foundation

/// The Cholesky factor `L` of a symmetric positive-definite matrix `S = L·Lᵀ`.
///
/// Whitening a residual `r` with `L⁻¹r` turns the Mahalanobis distance `rᵀS⁻¹r` into a plain sum
/// of squares, which is what deviation scores and their per-sensor shares are built on.
public struct Cholesky: Sendable, Equatable, Codable {
    /// Lower-triangular factor, row-major; the strict upper triangle is zero.
    public let lower: Matrix

    /// Factors `s` with LAPACK `dpotrf`; throws if `s` is not positive definite.
    public init(_ s: Matrix) throws(LinearAlgebraError) {
        precondition(s.rows == s.cols, "Cholesky needs a square matrix")
        var a = s
        let n = s.rows
        if n > 0 {
            let info = a.elements.withUnsafeMutableBufferPointer { p in
                LAPACKE_dpotrf(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), p.baseAddress, Int32(n))
            }
            try checkLAPACK(info, "dpotrf")
        }
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) { a[i, j] = 0 }
        }
        lower = a
    }

    public init(lower: Matrix) { self.lower = lower }

    /// `L⁻¹x` by forward substitution (`cblas_dtrsv`).
    public func whiten(_ x: [Double]) -> [Double] {
        var y = x
        let n = lower.rows
        precondition(x.count == n, "whiten: length differs from the factor's size")
        if n == 0 { return y }
        lower.elements.withUnsafeBufferPointer { pl in
            y.withUnsafeMutableBufferPointer { py in
                cblas_dtrsv(
                    CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n), pl.baseAddress, Int32(n),
                    py.baseAddress, 1)
            }
        }
        return y
    }

    /// `S⁻¹x = L⁻ᵀL⁻¹x`.
    public func solve(_ x: [Double]) -> [Double] {
        var y = whiten(x)
        let n = lower.rows
        if n == 0 { return y }
        lower.elements.withUnsafeBufferPointer { pl in
            y.withUnsafeMutableBufferPointer { py in
                cblas_dtrsv(
                    CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, Int32(n), pl.baseAddress, Int32(n),
                    py.baseAddress, 1)
            }
        }
        return y
    }

    /// `S⁻¹`, explicitly (for the hot path, where a product beats two triangular solves).
    public func inverse() throws(LinearAlgebraError) -> Matrix {
        var a = lower
        let n = lower.rows
        if n == 0 { return a }
        let info = a.elements.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotri(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), p.baseAddress, Int32(n))
        }
        try checkLAPACK(info, "dpotri")
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) { a[i, j] = a[j, i] }
        }
        return a
    }
}
