import PrognosCore
import Testing

@Suite("JSON string literals")
struct JSONStringTests {
    @Test("Quotes, backslashes and control characters are escaped; everything else is kept")
    func escaping() {
        #expect(jsonString("pump-101") == "\"pump-101\"")
        #expect(jsonString("a \"b\" \\ c") == #""a \"b\" \\ c""#)
        #expect(jsonString("x\ny\rz\tw") == #""x\ny\rz\tw""#)
        #expect(jsonString("\u{1}\u{1F}") == #""\u0001\u001f""#)
        #expect(jsonString("°C ✓") == "\"°C ✓\"")
    }
}
