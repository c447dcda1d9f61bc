import LinearAlgebra
import PrognosCore

/// Random matrices from the seeded generator, so that every random input here is reproducible.
extension SplitMix64 {
    mutating func matrix(_ rows: Int, _ cols: Int) -> Matrix {
        Matrix(
            rows: rows, cols: cols, elements: (0..<(rows * cols)).map { _ in Double.random(in: -1...1, using: &self) })
    }

    /// A well-conditioned symmetric positive-definite matrix: `AᵀA + n·I`.
    mutating func spd(_ n: Int) -> Matrix {
        let a = matrix(n + 3, n)
        var s = naiveProduct(a.transposed, a)
        for i in 0..<n { s[i, i] += Double(n) }
        return s
    }
}

/// Plain triple loop: the reference that BLAS results are checked against.
func naiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
    var c = Matrix(rows: a.rows, cols: b.cols)
    for i in 0..<a.rows {
        for j in 0..<b.cols {
            var s = 0.0
            for k in 0..<a.cols { s += a[i, k] * b[k, j] }
            c[i, j] = s
        }
    }
    return c
}

func maxAbsDifference(_ a: Matrix, _ b: Matrix) -> Double {
    precondition(a.rows == b.rows && a.cols == b.cols)
    return zip(a.elements, b.elements).map { abs($0 - $1) }.max() ?? 0
}

func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
