import PrognosCore
import Testing

/// The one duration rule that plant files, scenarios, layouts and command lines share.
@Suite struct DurationTextTests {
    @Test(arguments: [
        ("500ms", 0.5), ("1s", 1.0), ("1.5s", 1.5), ("5m", 300.0), ("10min", 600.0), ("2h", 7200.0),
        ("7d", 604_800.0), ("1w", 604_800.0), (" 3 h ", 10_800.0), ("0s", 0.0),
    ])
    func durationsParse(_ text: String, _ seconds: Double) throws {
        let parsed = try #require(DurationText.seconds(text))
        #expect(abs(parsed - seconds) < 1e-9)
    }

    /// Without a unit, negative, not a number, or too large to be finite: nothing traps, nil comes back.
    @Test(arguments: ["8", "s", "-1s", "fast", "1 h x", "nan s", "infs", "1e400s", "1e308w", ""])
    func badDurationsAreRejected(_ text: String) {
        #expect(DurationText.seconds(text) == nil)
    }
}
