import LinearAlgebra
import Testing
import WorldModel

/// The allocation-free APIs give exactly what the array-returning ones give.
@Suite struct InPlaceTests {
    @Test func updateIntoAndForecastIntoAreBitIdentical() throws {
        let (rows, _) = Synthetic.var1(m: 5, steps: 1600, seed: 31)
        var context: [[Double]] = []
        for t in 0..<rows.rows { context.append(rows.row(t) + [Double(t % 5), Double(t % 3)]) }
        let fitted = try AssetModel(
            sensorNames: ["a", "b", "c", "d", "e"], contextNames: ["mode", "load"],
            history: Matrix(context).selectingRows(0..<1000))
        var arrays = fitted
        var inPlace = fitted
        var result = StepResult()
        var step = ForecastStep()
        var flagged = 0
        for t in 1000..<1600 {
            // A step change half-way, so that flagged steps and every dominant statistic occur.
            let y = rows.row(t).enumerated().map { $0.offset == 2 && t >= 1300 ? $0.element + 4 : $0.element }
            let u = [Double(t % 5), Double(t % 3)]
            let expected = arrays.update(y: y, u: u)
            inPlace.update(y: y, u: u, into: &result)
            #expect(result == expected)
            if expected.flagged { flagged += 1 }
            for horizon in [1, 7] {
                inPlace.forecast(horizon: horizon, into: &step)
                #expect(step == arrays.forecast(horizon: horizon).last!)
            }
            inPlace.forecast(horizon: 3, context: [0, 2], into: &step)
            #expect(step == arrays.forecast(horizon: 3, context: [0, 2]).last!)
        }
        #expect(inPlace == arrays)
        #expect(flagged > 100, "the step change is flagged (\(flagged) steps)")
    }
}
