import PrognosCore
import Testing

@Suite struct JSONPathTests {
    @Test(arguments: [
        ("$", [JSONPath.Component]()),
        ("$.value", [.key("value")]),
        ("$.a.b", [.key("a"), .key("b")]),
        ("$.values[2].v", [.key("values"), .index(2), .key("v")]),
        ("$['key with spaces'][0]", [.key("key with spaces"), .index(0)]),
    ])
    func pathsParse(_ text: String, _ components: [JSONPath.Component]) throws {
        let path = try JSONPath(parsing: text)
        #expect(path.components == components)
        #expect(path.description == text)
    }

    @Test(arguments: ["", "value", "$.", "$..a", "$[x]", "$['open", "$.a[1", "$a"])
    func malformedPathsAreRejected(_ text: String) {
        #expect(throws: JSONPath.ParseError.self) { try JSONPath(parsing: text) }
    }
}
