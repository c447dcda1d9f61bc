import LinearAlgebra
import PrognosCore
import Testing

@testable import WorldModel

/// The per-step kernels against plain Swift references on random inputs, and the weighted
/// quantile of the fleet RUL calibration against cases worked by hand.
@Suite struct KernelTests {
    static func random(_ count: Int, _ rng: inout SplitMix64) -> [Double] {
        (0..<count).map { _ in rng.nextGaussian() }
    }

    @Test(arguments: [1, 2, 7, 20, 33])
    func kernelsMatchPlainReferences(m: Int) {
        var rng = SplitMix64(seed: UInt64(m))
        let a = Matrix(rows: m, cols: m, elements: Self.random(m * m, &rng))
        var lower = a
        for i in 0..<m { for k in (i + 1)..<max(m, i + 1) { lower[i, k] = 0 } }
        let v = Self.random(m, &rng)
        let x = Self.random(m, &rng)
        // References: row-by-row dot products in Double.
        let av = (0..<m).map { i in (0..<m).reduce(0.0) { $0 + a[i, $1] * v[$1] } }
        let lv = (0..<m).map { i in (0...i).reduce(0.0) { $0 + lower[i, $1] * v[$1] } }
        let lx = (0..<m).map { i in (0...i).reduce(0.0) { $0 + lower[i, $1] * x[$1] } }
        let ltv = (0..<m).map { i in (i..<m).reduce(0.0) { $0 + lower[$1, i] * v[$1] } }
        func close(_ p: Double, _ q: Double) -> Bool { abs(p - q) <= 1e-12 * max(1, abs(q)) }

        var out = [Double](repeating: .nan, count: m)
        var second = out
        let byColumn = a.transposed.elements
        let lowerByColumn = lower.transposed.elements
        byColumn.withUnsafeBufferPointer { pa in
            v.withUnsafeBufferPointer { pv in
                out.withUnsafeMutableBufferPointer {
                    StepKernels.multiply(pa.baseAddress!, pv.baseAddress!, into: $0.baseAddress!, m)
                }
            }
        }
        #expect(zip(out, av).allSatisfy { close($0, $1) })

        let norm = lowerByColumn.withUnsafeBufferPointer { pl in
            v.withUnsafeBufferPointer { pv in
                out.withUnsafeMutableBufferPointer {
                    StepKernels.lowerSquaredNorm(pl.baseAddress!, pv.baseAddress!, into: $0.baseAddress!, m)
                }
            }
        }
        #expect(zip(out, lv).allSatisfy { close($0, $1) })
        #expect(close(norm, lv.reduce(0) { $0 + $1 * $1 }))

        let norms = lowerByColumn.withUnsafeBufferPointer { pl in
            v.withUnsafeBufferPointer { pv in
                x.withUnsafeBufferPointer { px in
                    out.withUnsafeMutableBufferPointer { po in
                        second.withUnsafeMutableBufferPointer { ps in
                            StepKernels.lowerSquaredNorms(
                                pl.baseAddress!, pv.baseAddress!, px.baseAddress!, into: po.baseAddress!,
                                ps.baseAddress!, m)
                        }
                    }
                }
            }
        }
        #expect(close(norms.0, lv.reduce(0) { $0 + $1 * $1 }))
        #expect(close(norms.1, lx.reduce(0) { $0 + $1 * $1 }))
        #expect(zip(second, lx).allSatisfy { close($0, $1) })

        lower.elements.withUnsafeBufferPointer { pl in
            v.withUnsafeBufferPointer { pv in
                out.withUnsafeMutableBufferPointer {
                    StepKernels.lowerTransposedTimes(pl.baseAddress!, pv.baseAddress!, into: $0.baseAddress!, m)
                }
            }
        }
        #expect(zip(out, ltv).allSatisfy { close($0, $1) })
    }

    /// Equal weights: Hazen positions (k + ½)/n; a heavy value pulls the quantile towards itself.
    @Test func weightedQuantileWorkedCases() {
        #expect(weightedQuantile([3, 1, 2, 4], [1, 1, 1, 1], 0.5) == 2.5)
        #expect(weightedQuantile([1, 2, 3, 4], [1, 1, 1, 1], 0.125) == 1)
        #expect(weightedQuantile([1, 2, 3, 4], [1, 1, 1, 1], 0.01) == 1)
        #expect(weightedQuantile([1, 2, 3, 4], [1, 1, 1, 1], 0.99) == 4)
        // Weights 1, 1, 6: positions 1/16, 3/16, 10/16; the median lies between 2 and 10.
        let median = weightedQuantile([0, 2, 10], [1, 1, 6], 0.5)
        #expect(abs(median - (2 + 8 * (0.5 - 3.0 / 16) / (10.0 / 16 - 3.0 / 16))) < 1e-12)
        #expect(weightedQuantile([5], [2], 0.9) == 5)
    }

    /// Long units must not outweigh short ones: with weights 1/length, unit A (100 rows) counts
    /// as much as unit B (300 rows), so A fills the first two and a half of five bins of equal
    /// weight; by rows it fills only the first bin and a quarter.
    @Test func calibrationCountsEveryUnitOnce() {
        let estimates = (0..<400).map(Double.init)
        // Unit A's rows have the lowest estimates and no error; unit B's are 100 cycles short.
        let truth = estimates.indices.map { $0 < 100 ? estimates[$0] : estimates[$0] + 100 }
        let perUnitWeights = estimates.indices.map { $0 < 100 ? 1.0 / 100 : 1.0 / 300 }
        let byRows = FleetRULModel.calibrate(
            estimates: estimates, truth: truth, weights: [Double](repeating: 1, count: 400)
        ).quantiles
        let byUnits = FleetRULModel.calibrate(estimates: estimates, truth: truth, weights: perUnitWeights).quantiles
        #expect(byRows.count == 5 && byUnits.count == 5)
        #expect(byRows[1][1] == 100, "by rows, the second bin already holds unit B")
        #expect(byUnits[1] == [0, 0], "by units, the second bin is unit A's alone")
        #expect(byUnits[3] == [100, 100] && byUnits[4] == [100, 100])
    }

    /// A member's error is the ensemble's plus the member's own departure from the mean, so the
    /// ensemble's error quantiles are the member's narrowed by √(1 − spread/variance), about
    /// their median, and never below half.
    @Test func ensembleIntervalsNarrowByTheMembersSpread() {
        let member = (-20.0, 40.0)
        let same = FleetRULModel.ensembleErrorQuantiles(member: member, centre: 10, variance: 400, spread: 0)
        #expect(same == member, "members that agree: the member's own quantiles")
        let narrowed = FleetRULModel.ensembleErrorQuantiles(member: member, centre: 10, variance: 400, spread: 300)
        #expect(narrowed == (-5, 25), "spread 3/4 of the variance: half the distance from the centre")
        let floor = FleetRULModel.ensembleErrorQuantiles(member: member, centre: 10, variance: 400, spread: 1_000)
        #expect(floor == (-5, 25), "never narrower than half")
        let none = FleetRULModel.ensembleErrorQuantiles(member: member, centre: 10, variance: 0, spread: 5)
        #expect(none == member)
    }
}
