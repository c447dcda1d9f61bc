import Foundation
import Testing

@testable import Dashboard

@Suite("Number formats")
struct FormatTests {
    let format = Formatter(timeZone: TimeZone(identifier: "UTC")!, glyphs: .ascii)

    @Test("RUL with its interval; a projection that never reached the limit reads as beyond its horizon")
    func rul() {
        #expect(format.rul(median: 3.2 * 86_400, p10: 1.1 * 86_400, p90: 6 * 86_400) == "3.2 d (1.1-6.0)")
        #expect(format.rul(median: 14 * 86_400, p10: 14 * 86_400, p90: 14 * 86_400) == "> 14 d")
        #expect(format.rul(median: 0, p10: 0, p90: 0) == "0.0 min (0.0-0.0)")
        #expect(format.rul(median: nil, p10: nil, p90: nil) == Glyphs.ascii.missing)
    }
}
