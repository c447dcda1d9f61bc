import Dashboard
import Foundation
import Testing

@Suite("Layouts")
struct LayoutTests {
    @Test("The shipped layouts load", arguments: ["operator", "maintenance"])
    func shipped(_ name: String) throws {
        let layout = try Fixture.layout(name)
        #expect(layout.name == name)
        #expect(layout.views.count == 4)
    }

    @Test(
        "Errors are reported as file:line:column with a reason",
        arguments: [
            ("views: [plant, alarms]\nplant:\n  colums: [status]\n", "ops.yaml:3:3: unknown key 'colums' in plant"),
            ("refresh: soon\n", "ops.yaml:1:10: refresh must be a duration"),
            ("plant:\n  columns: [status, risk]\n", "ops.yaml:2:21: unknown plant.column 'risk'"),
            ("asset:\n  interval: 95\n", "ops.yaml:2:13: asset.interval must be 50, 80 or 90"),
            ("views: [plant, plant]\n", "ops.yaml:1:16: plant is listed twice in views"),
            ("plant: [\n", "ops.yaml:2:1: YAML syntax error"),
            ("thresholds:\n  rul: {warn: 1d, alarm: 2d}\n", "ops.yaml:1:1: thresholds.rul.warn must be longer"),
            ("start: plan\nviews: [plant]\n", "ops.yaml:1:1: start view 'plan' is not in views"),
        ])
    func errors(_ yaml: String, _ expected: String) {
        do {
            _ = try DashboardLayout.load(yaml: yaml, file: "ops.yaml")
            Issue.record("no error for \(yaml)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }
}
