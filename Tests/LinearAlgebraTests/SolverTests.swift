import LinearAlgebra
import PrognosCore
import Testing

/// LAPACK-backed factorisations and solvers, checked by reconstruction on random SPD inputs.
/// Tolerance 1e-9: the matrices have condition numbers below ~10, so errors stay near 1e-14.
@Suite struct SolverTests {
    @Test(arguments: [1, 2, 6, 25])
    func choleskyReconstructsAndSolves(n: Int) throws {
        var rng = SplitMix64(seed: UInt64(n))
        let s = rng.spd(n)
        let chol = try Cholesky(s)
        let l = chol.lower
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) { #expect(l[i, j] == 0) }
        }
        #expect(maxAbsDifference(naiveProduct(l, l.transposed), s) < 1e-9)
        let b = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
        let x = chol.solve(b)
        #expect(maxAbsDifference(s.applied(to: x), b) < 1e-9)
        // Whitening: ‖L⁻¹b‖² equals bᵀS⁻¹b.
        let w = chol.whiten(b)
        #expect(abs(w.reduce(0) { $0 + $1 * $1 } - zip(b, x).reduce(0) { $0 + $1.0 * $1.1 }) < 1e-9)
        let inv = try chol.inverse()
        #expect(maxAbsDifference(naiveProduct(inv, s), Matrix.identity(n)) < 1e-9)
    }

    @Test func choleskyRejectsIndefiniteMatrix() {
        let s = Matrix([[1, 2], [2, 1]])
        #expect(throws: LinearAlgebraError.self) { try Cholesky(s) }
    }

    @Test func ridgeRecoversExactLinearMap() throws {
        var rng = SplitMix64(seed: 3)
        let x = rng.matrix(200, 4)
        let w = rng.matrix(4, 2)
        let y = naiveProduct(x, w)
        let fitted = try Matrix.ridge(x, y, lambda: 0)
        #expect(maxAbsDifference(fitted, w) < 1e-9)
    }

    @Test func ridgeShrinksTowardsZero() throws {
        var rng = SplitMix64(seed: 5)
        let x = rng.matrix(50, 3)
        let y = naiveProduct(x, Matrix([[1], [2], [3]]))
        let small = try Matrix.ridge(x, y, lambda: 0.1)
        let large = try Matrix.ridge(x, y, lambda: 1000)
        let norm = { (m: Matrix) in m.elements.reduce(0) { $0 + $1 * $1 } }
        #expect(norm(large) < norm(small))
        // The unpenalised column keeps its value whatever the other penalties.
        let partial = try Matrix.ridge(x, y, penalties: [0, 1e9, 1e9])
        #expect(abs(partial[1, 0]) < 1e-6 && abs(partial[2, 0]) < 1e-6)
    }

    @Test func symmetricEigenReconstructs() throws {
        var rng = SplitMix64(seed: 9)
        let s = rng.spd(8)
        let e = try SymmetricEigen(s)
        #expect(zip(e.values, e.values.dropFirst()).allSatisfy { $0 <= $1 })
        let rebuilt = naiveProduct(naiveProduct(e.vectors, Matrix.diagonal(e.values)), e.vectors.transposed)
        #expect(maxAbsDifference(rebuilt, s) < 1e-9)
    }
}
