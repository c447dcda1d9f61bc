import Dashboard
import Foundation
import PrognosCore
import Testing

/// The fleet dashboard rendered from fixed contents and compared with the expected screens in
/// Golden/. `PROGNOS_UPDATE_GOLDEN=1 swift test --filter FleetDashboardTests` rewrites them (review the diff).
@Suite("Fleet dashboard: golden screens and keys")
struct FleetDashboardTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let now = 1_795_927_894.0  // Sun 2026-11-29 04:51:34 UTC

    static func overview() -> FleetOverview {
        typealias A = FleetOverview.AssetState
        let riverside = FleetOverview.Plant(
            site: "riverside",
            assets: [
                A(
                    asset: "pump-101", status: "off-spec", score: 3.3, threshold: 1, activeAlarms: 2,
                    rulMedian: 9 * 86_400, rulMode: "bearing-wear", time: now - 3),
                A(
                    asset: "blower-201", status: "maintenance-required", score: 0.6, threshold: 1, activeAlarms: 1,
                    rulMedian: 4.5 * 86_400, rulMode: "filter-clogging", time: now - 3),
                A(
                    asset: "pump-102", status: "check-function", score: nil, threshold: nil, activeAlarms: 1,
                    rulMedian: nil, rulMode: nil, time: now - 3),
            ],
            assetCount: 15, notNormal: 3, openAlarms: 4, unacknowledged: 2, lastState: now - 3, online: true)
        let lakeside = FleetOverview.Plant(
            site: "lakeside",
            assets: [
                A(
                    asset: "mixer-301", status: "normal", score: 0.31, threshold: 1, activeAlarms: 0, rulMedian: nil,
                    rulMode: nil, time: now - 400),
                A(
                    asset: "pump-101", status: "normal", score: 0.12, threshold: 1, activeAlarms: 0, rulMedian: nil,
                    rulMode: nil, time: now - 400),
            ],
            assetCount: 15, notNormal: 0, openAlarms: 0, unacknowledged: 0, lastState: now - 400, online: false)
        let alarms = [
            FleetOverview.OpenAlarm(
                site: "riverside", asset: "pump-101", alarmID: "pump-101/deviation", kind: "deviation", priority: .high,
                state: .unacknowledged,
                message: "pump-101 deviates from its learned behaviour (score 3.3 × threshold): vibration_de 75 %",
                time: now - 1_800),
            FleetOverview.OpenAlarm(
                site: "riverside", asset: "pump-102", alarmID: "pump-102/communication", kind: "communication",
                priority: .medium,
                state: .returnedUnacknowledged, message: "pump-102: no good value from energy-meters for 6 s",
                time: now - 600),
            FleetOverview.OpenAlarm(
                site: "riverside", asset: "pump-101", alarmID: "pump-101/limit/vibration_de/high", kind: "limit",
                priority: .high,
                state: .acknowledged, message: "pump-101: vibration_de 7.4 mm/s above 7.1", time: now - 7_200),
            FleetOverview.OpenAlarm(
                site: "riverside", asset: "blower-201", alarmID: "blower-201/rul/filter-clogging", kind: "rul",
                priority: .low,
                state: .shelved, message: "blower-201: filter-clogging expected within 4.5 d", time: now - 86_400),
        ]
        let work = [
            FleetOverview.PlannedWork(
                site: "riverside", asset: "pump-101", action: "replace-bearings", failureMode: "bearing-wear",
                start: 1_796_076_000,
                end: 1_796_104_800, expectedCost: 3_400, currency: "EUR", failureProbabilityIgnored: 0.55),
            FleetOverview.PlannedWork(
                site: "riverside", asset: "blower-201", action: "replace-filter", failureMode: "filter-clogging",
                start: 1_796_076_000,
                end: 1_796_104_800, expectedCost: 420, currency: "EUR", failureProbabilityIgnored: 0.2),
        ]
        return FleetOverview(
            plants: [lakeside, riverside], openAlarms: alarms, plannedWork: work, lastReceived: now - 2)
    }

    static func model(unicode: Bool = true) -> FleetDashboardModel {
        let model = FleetDashboardModel(
            options: DashboardOptions(
                colors: false, unicode: unicode, timeZone: TimeZone(identifier: "UTC")!, actor: "test"))
        model.overview = overview()
        model.now = now
        return model
    }

    func check(_ text: String, _ name: String) throws {
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PROGNOS_UPDATE_GOLDEN"] == "1" {
            try (text + "\n").write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text + "\n" == expected, "\(name) differs:\n\(text)\nexpected:\n\(expected)")
    }

    @Test(
        "Plants, alarms and planned work at 80×24 and 120×32 match their golden screens",
        arguments: [FleetDashboardModel.View.plants, .alarms, .work], [(80, 24), (120, 32)])
    func golden(view: FleetDashboardModel.View, size: (Int, Int)) throws {
        let model = Self.model()
        model.state.view = view
        try check(model.render(width: size.0, height: size.1).text, "fleet-\(view.rawValue)-\(size.0)x\(size.1).txt")
    }

    @Test("Enter on a plant shows its alarms only; Esc shows every site again; / filters; 1-3 switch views")
    func keys() {
        let model = Self.model()
        _ = model.render(width: 120, height: 32)
        #expect(model.state.selectedSite == "lakeside")
        _ = model.handle(.down)
        #expect(model.state.selectedSite == "riverside")
        _ = model.handle(.enter)
        #expect(model.state.view == .alarms && model.state.site == "riverside")
        #expect(model.alarms.count == 4)
        _ = model.handle(.escape)
        #expect(model.state.site == nil)
        _ = model.handle(.character("/"))
        for c in "blower" { _ = model.handle(.character(c)) }
        _ = model.handle(.enter)
        #expect(model.alarms.map(\.asset) == ["blower-201"])
        _ = model.handle(.character("3"))
        #expect(model.state.view == .work && model.work.map(\.asset) == ["blower-201"])
        #expect(model.handle(.character("r")) == .refresh)
        #expect(model.handle(.character("q")) == .quit)
    }

    @Test("ASCII fallback draws no character outside ASCII")
    func ascii() {
        let model = Self.model(unicode: false)
        for view in FleetDashboardModel.View.allCases {
            model.state.view = view
            let bytes = FrameEncoder(colors: false, asciiOnly: true).encode(
                from: nil, to: model.render(width: 100, height: 30))
            #expect(bytes.allSatisfy { $0 < 0x80 }, "\(view)")
        }
    }
}
