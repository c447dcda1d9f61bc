import LinearAlgebra
import PrognosCore
import Testing

/// BLAS-backed products against the plain Swift reference, on random shapes.
/// Tolerance 1e-12: each entry is a sum of at most 40 products of numbers in [-1, 1].
@Suite struct BLASTests {
    @Test(arguments: [(1, 1, 1), (3, 5, 2), (17, 9, 31), (40, 40, 40)])
    func gemmMatchesReference(m: Int, k: Int, n: Int) {
        var rng = SplitMix64(seed: UInt64(m * 1000 + k * 10 + n))
        let a = rng.matrix(m, k)
        let b = rng.matrix(k, n)
        #expect(maxAbsDifference(a * b, naiveProduct(a, b)) < 1e-12)
        #expect(maxAbsDifference(Matrix.product(a.transposed, b, transA: .transposed), naiveProduct(a, b)) < 1e-12)
        #expect(maxAbsDifference(Matrix.product(a, b.transposed, transB: .transposed), naiveProduct(a, b)) < 1e-12)
    }

    @Test func gemmAccumulatesWithBeta() {
        var rng = SplitMix64(seed: 7)
        let a = rng.matrix(4, 6)
        let b = rng.matrix(6, 3)
        let c0 = rng.matrix(4, 3)
        var c = c0
        Matrix.gemm(a, b, alpha: 2, beta: 0.5, into: &c)
        let ref = naiveProduct(a, b)
        for i in 0..<4 {
            for j in 0..<3 { #expect(abs(c[i, j] - (2 * ref[i, j] + 0.5 * c0[i, j])) < 1e-12) }
        }
    }

    @Test func gramMatchesReference() {
        var rng = SplitMix64(seed: 11)
        let a = rng.matrix(23, 7)
        #expect(maxAbsDifference(a.gram, naiveProduct(a.transposed, a)) < 1e-12)
    }

    @Test func gemvAndDotMatchReference() {
        var rng = SplitMix64(seed: 13)
        let a = rng.matrix(9, 5)
        let x = (0..<5).map { _ in Double.random(in: -1...1, using: &rng) }
        let z = (0..<9).map { _ in Double.random(in: -1...1, using: &rng) }
        let ref = naiveProduct(a, Matrix(rows: 5, cols: 1, elements: x)).elements
        #expect(maxAbsDifference(a.applied(to: x), ref) < 1e-12)
        let refT = naiveProduct(a.transposed, Matrix(rows: 9, cols: 1, elements: z)).elements
        #expect(maxAbsDifference(a.applied(to: z, .transposed), refT) < 1e-12)
        let dotRef = zip(ref, z).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(Vector.dot(ref, z) - dotRef) < 1e-12)
        var y = z
        Vector.axpy(3, ref, &y)
        #expect(maxAbsDifference(y, zip(ref, z).map { 3 * $0 + $1 }) < 1e-12)
    }
}
