import Dashboard
import Foundation
import PrognosCore
import Store
import Testing

/// Every view rendered from fixed store contents and compared with the expected screen in Golden/.
/// `PROGNOS_UPDATE_GOLDEN=1 swift test --filter DashboardTests` rewrites the files (review the diff).
@Suite("Golden screens")
struct GoldenTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    func check(_ text: String, _ name: String) throws {
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PROGNOS_UPDATE_GOLDEN"] == "1" {
            try (text + "\n").write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(
            String.init)
        let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if expectedLines != actualLines {
            let first = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }
            Issue.record(
                """
                \(name) differs\(first.map { " from line \($0.offset + 1)" } ?? " in length"):
                \(text)
                expected:
                \(expected)
                """)
        }
    }

    static let cases: [(DashboardLayout.View, String, Int, Int)] = [
        (.plant, "operator", 80, 24), (.plant, "operator", 160, 48), (.asset, "operator", 80, 24),
        (.asset, "operator", 160, 48),
        (.alarms, "operator", 80, 24), (.alarms, "operator", 160, 48), (.plan, "operator", 80, 24),
        (.plan, "operator", 160, 48),
        (.plant, "maintenance", 160, 48), (.asset, "maintenance", 160, 48), (.plan, "maintenance", 80, 24),
    ]

    @Test("Views at 80×24 and 160×48 match their golden screens", arguments: 0..<cases.count)
    func view(_ index: Int) async throws {
        let (view, layoutName, width, height) = Self.cases[index]
        let store = try await Fixture.store()
        let layout = try Fixture.layout(layoutName)
        let model = await Fixture.model(layout: layout, store: store, openAsset: view == .asset ? "pump-101" : nil)
        model.state.view = view
        if view == .asset { model.state.openAsset = "pump-101" }
        try check(
            model.render(width: width, height: height).text, "\(view.rawValue)-\(layoutName)-\(width)x\(height).txt")
    }

    @Test("ASCII fallback draws no character outside ASCII")
    func ascii() async throws {
        let store = try await Fixture.store()
        let model = await Fixture.model(
            layout: try Fixture.layout("operator"), unicode: false, store: store, openAsset: "pump-101")
        for view in DashboardLayout.View.allCases {
            model.state.view = view
            model.state.openAsset = "pump-101"
            let frame = model.render(width: 80, height: 24)
            let bytes = FrameEncoder(colors: false, asciiOnly: true).encode(from: nil, to: frame)
            #expect(bytes.allSatisfy { $0 < 0x80 }, "\(view)")
            if view == .plant { try check(frame.text, "plant-operator-80x24-ascii.txt") }
        }
    }

    @Test("Help lists the keys over the current view")
    func help() async throws {
        let store = try await Fixture.store()
        let model = await Fixture.model(layout: try Fixture.layout("operator"), store: store)
        _ = model.handle(.character("?"))
        try check(model.render(width: 80, height: 24).text, "help-80x24.txt")
        _ = model.handle(.character("x"))
        #expect(!model.render(width: 80, height: 24).text.contains("Keys"))
    }

    @Test("An empty store says so instead of showing nothing")
    func empty() async throws {
        let store = try Store.inMemory()
        let model = await Fixture.model(layout: DashboardLayout(), store: store)
        let plant = model.render(width: 80, height: 24).text
        #expect(plant.contains("no daemon has run on this database"))
        model.state.view = .plan
        #expect(model.render(width: 80, height: 24).text.contains("no plan yet"))
        model.state.view = .alarms
        #expect(model.render(width: 80, height: 24).text.contains("no active alarms"))
    }
}
