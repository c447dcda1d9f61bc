import Foundation
import PrognosCore
import Testing

@testable import Dashboard

@Suite("Number formats")
struct FormatTests {
    let format = Formatter(timeZone: TimeZone(identifier: "UTC")!, glyphs: .ascii)

    func row(_ state: ModeState?, _ median: Double?, _ p10: Double? = nil, _ p90: Double? = nil) -> HealthRecord {
        HealthRecord(
            asset: "pump-101", failureMode: "bearing-wear", time: 0, health: 0.5, rulMedian: median, rulP10: p10,
            rulP90: p90, state: state, horizon: 30 * 86_400)
    }

    @Test("RUL by the one rule of every view: its interval when it has one, beyond the horizon when healthy")
    func rul() {
        #expect(format.rul(row(.degrading, 3.2 * 86_400, 1.1 * 86_400, 6 * 86_400)) == "3.2 d (1.1-6.0)")
        #expect(format.rul(row(.degrading, 3.2 * 86_400, 1.1 * 86_400, nil)) == "3.2 d (1.1-30+)")
        #expect(format.rul(row(.degrading, 5 * 3600)) == "5.0 h")
        #expect(format.rul(row(.degrading, 50 * 60, 40 * 60, nil)) == "50 min (40 min-30 d+)")
        #expect(format.rul(row(.healthy, nil)) == "> 30 d")
        #expect(format.rul(row(.failed, 0)) == "failed")
        #expect(format.rul(nil) == Glyphs.ascii.missing)
        // A row written before the state was kept.
        #expect(format.rul(row(nil, 2 * 3600, 3600, 3 * 3600)) == "2.0 h (1.0-3.0)")
    }
}
