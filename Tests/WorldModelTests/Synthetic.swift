import LinearAlgebra
import PrognosCore
import WorldModel

/// Synthetic assets with known structure, from a seeded generator.
enum Synthetic {
    /// A stable VAR(1) of `m` sensors: `e[t+1] = A·e[t] + noise`, the noise correlated through
    /// a mixing matrix, plus a constant offset per sensor. Returns (rows, A).
    static func var1(m: Int, steps: Int, seed: UInt64, noise: Double = 1) -> (Matrix, Matrix) {
        var rng = SplitMix64(seed: seed)
        var a = Matrix(rows: m, cols: m)
        for i in 0..<m {
            a[i, i] = 0.5 + 0.3 * Double(i % 3) / 2
            if i + 1 < m { a[i, i + 1] = 0.15 }
        }
        var mix = Matrix.identity(m)
        for i in 1..<m { mix[i, i - 1] = 0.5 }
        var e = [Double](repeating: 0, count: m)
        var rows: [[Double]] = []
        for _ in 0..<(steps + 50) {
            let w = (0..<m).map { _ in noise * rng.nextGaussian() }
            let shock = mix.applied(to: w)
            let next = a.applied(to: e)
            e = zip(next, shock).map { $0 + $1 }
            rows.append(e.enumerated().map { 10 * Double($0.offset + 1) + $0.element })
        }
        return (Matrix(Array(rows.dropFirst(50))), a)
    }

    static func firstRows(_ m: Matrix, _ n: Int) -> Matrix { m.selectingRows(0..<n) }
    static func lastRows(_ m: Matrix, from: Int) -> Matrix { m.selectingRows(from..<m.rows) }
}
