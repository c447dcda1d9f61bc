import PlantRuntime
import Testing

@Suite struct IndexedValuesTests {
    struct Counter {
        var id: String
        var count = 0
    }

    @Test func valuesAreFoundByIDAndChangedInPlace() {
        var values = IndexedValues([Counter(id: "b"), Counter(id: "a"), Counter(id: "b", count: 5)], id: \.id)
        #expect(values.all.map(\.id) == ["b", "a"], "in first-seen order, a later value of an id replaces it")
        #expect(values["b"]?.count == 5)
        #expect(
            values.update("a") {
                $0.count += 1
                return $0.count
            } == 1)
        #expect(values.update("missing") { $0.count += 1 } == nil)
        let a = values.position(of: "a")!
        values[a].count += 1
        #expect(values["a"]?.count == 2 && values.count == 2)
        values.insert(Counter(id: "c"), id: "c")
        #expect(values.position(of: "c") == 2 && values["missing"] == nil)
    }
}
