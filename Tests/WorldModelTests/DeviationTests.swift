import LinearAlgebra
import PrognosCore
import Testing
import WorldModel

/// Deviations are flagged, attributed to the right sensor, and regime changes are not.
@Suite struct DeviationTests {
    static let names = ["a", "b", "c", "d", "e"]

    /// A step of 4 healthy standard deviations in sensor "c" is flagged within 10 steps and
    /// the flag's largest share names "c".
    @Test func stepChangeIsFlaggedAndAttributed() throws {
        let (rows, _) = Synthetic.var1(m: 5, steps: 3000, seed: 1)
        var model = try AssetModel(sensorNames: Self.names, history: Synthetic.firstRows(rows, 2000))
        let sd = model.healthySpread[2] * 2  // the raw spread of an AR sensor exceeds its innovation scale
        var firstFlag: StepResult?
        var firstFlagStep = -1
        for t in 2000..<2200 {
            var y = rows.row(t)
            if t >= 2100 { y[2] += 4 * sd }
            let r = model.update(y: y)
            if t >= 2100 && r.flagged && firstFlag == nil {
                firstFlag = r
                firstFlagStep = t - 2100
            }
        }
        let flag = try #require(firstFlag)
        #expect(firstFlagStep < 10)
        #expect(flag.sensorShares.indices.max { flag.sensorShares[$0] < flag.sensorShares[$1] } == 2)
        #expect(flag.sensorShares[2] > 0.5)
    }

    /// A slow ramp in sensor "a" (reaching 3 healthy spreads after 300 steps) is flagged, by
    /// then mostly through the drift statistic, and attributed to "a".
    @Test func slowRampIsFlaggedAndAttributed() throws {
        let (rows, _) = Synthetic.var1(m: 5, steps: 3000, seed: 2)
        var model = try AssetModel(sensorNames: Self.names, history: Synthetic.firstRows(rows, 2000))
        let sd = model.healthySpread[0] * 2
        var flaggedAttributions: [Int] = []
        for t in 2000..<2400 {
            var y = rows.row(t)
            if t >= 2100 { y[0] += 3 * sd * Double(t - 2100) / 300 }
            let r = model.update(y: y)
            if t >= 2250 && r.flagged {
                flaggedAttributions.append(r.sensorShares.indices.max { r.sensorShares[$0] < r.sensorShares[$1] }!)
            }
        }
        #expect(flaggedAttributions.count > 50, "ramp flagged on \(flaggedAttributions.count) of the last 150 steps")
        let onA = flaggedAttributions.filter { $0 == 0 }.count
        #expect(Double(onA) > 0.8 * Double(flaggedAttributions.count))
    }

    /// Two operating regimes that move every sensor by 10 healthy spreads; the model is trained
    /// on both, then sees them alternate every 50 steps. Flag rate stays within the false-alarm
    /// budget (1% nominal; bound 4%), where a model blind to context would flag every switch.
    @Test func regimeChangeAloneIsNotFlagged() throws {
        var rng = SplitMix64(seed: 3)
        func rows(_ n: Int) -> Matrix {
            var out: [[Double]] = []
            var e = [0.0, 0.0, 0.0]
            for t in 0..<n {
                let load = (t / 50) % 2 == 0 ? 0.4 : 0.9
                e = e.map { 0.6 * $0 + rng.nextGaussian() }
                out.append([100 + 40 * load + e[0], 50 - 30 * load + e[1], 20 + 60 * load * load + e[2], load])
            }
            return Matrix(out)
        }
        var model = try AssetModel(sensorNames: ["t", "p", "v"], contextNames: ["load"], history: rows(3000))
        let test = rows(2000)
        var flags = 0
        for t in 0..<test.rows {
            let r = test.row(t)
            if model.update(y: Array(r[0..<3]), u: [r[3]]).flagged { flags += 1 }
        }
        #expect(Double(flags) / Double(test.rows) < 0.04, "flag rate \(Double(flags) / Double(test.rows))")
    }

    /// Flagged data is not learned as normal: a long step in one sensor stays flagged (with
    /// online baseline learning on, it would otherwise be absorbed).
    @Test func flaggedDataIsNotLearned() throws {
        let (rows, _) = Synthetic.var1(m: 5, steps: 3000, seed: 4)
        var config = ModelConfiguration()
        config.baselineAdaptationRate = 0.05
        var model = try AssetModel(
            sensorNames: Self.names, history: Synthetic.firstRows(rows, 2000), configuration: config)
        let sd = model.healthySpread[1] * 2
        var lateFlags = 0
        for t in 2000..<3000 {
            var y = rows.row(t)
            y[1] += 6 * sd
            if model.update(y: y).flagged && t >= 2900 { lateFlags += 1 }
        }
        #expect(lateFlags > 90)
    }
}
