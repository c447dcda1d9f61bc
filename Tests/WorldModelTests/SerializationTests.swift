import LinearAlgebra
import Testing
import WorldModel

@Suite struct SerializationTests {
    /// Serialise → deserialise gives an equal model whose predictions and later updates are
    /// bit-identical (exact `==` on Doubles, no tolerance).
    @Test func roundTripIsBitIdentical() throws {
        let (rows, _) = Synthetic.var1(m: 3, steps: 1500, seed: 21)
        var context: [[Double]] = []
        for t in 0..<rows.rows { context.append(rows.row(t) + [Double(t % 7)]) }
        var original = try AssetModel(
            sensorNames: ["x", "y", "z"], contextNames: ["mode"], history: Matrix(context).selectingRows(0..<1000))
        for t in 1000..<1100 { _ = original.update(y: rows.row(t), u: [Double(t % 7)]) }
        var restored = try AssetModel(serialized: original.serialized())
        #expect(restored == original)
        #expect(restored.forecast(horizon: 10) == original.forecast(horizon: 10))
        for t in 1100..<1200 {
            #expect(restored.update(y: rows.row(t), u: [1]) == original.update(y: rows.row(t), u: [1]))
        }
        #expect(restored.serialized() == original.serialized())
    }

    @Test func corruptBytesAreRejected() throws {
        let (rows, _) = Synthetic.var1(m: 2, steps: 500, seed: 22)
        let bytes = try AssetModel(sensorNames: ["x", "y"], history: rows).serialized()
        #expect(throws: WorldModelError.self) { try AssetModel(serialized: Array(bytes.dropLast(5))) }
        #expect(throws: WorldModelError.self) { try AssetModel(serialized: [0, 1, 2, 3] + Array(bytes.dropFirst(4))) }
    }
}
