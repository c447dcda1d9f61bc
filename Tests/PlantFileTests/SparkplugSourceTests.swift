import Foundation
import PlantFile
import PrognosCore
import Testing

/// The `sparkplug` sensor source read from a plant file (its mistakes are in Fixtures/broken/5x-sparkplug-*).
@Suite struct SparkplugSourceTests {
    func load(flowSource: String) throws -> Plant {
        let minimal = try String(
            contentsOf: ValidPlantFileTests.fixtures.appendingPathComponent("minimal.yaml"), encoding: .utf8)
        let lines = minimal.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.contains("mqtt: {topic: testworks/pump-1/flow") })
        var changed = lines
        changed[index] = String(lines[index].prefix { $0 == " " }) + flowSource
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sparkplug-\(UUID().uuidString).yaml")
        try changed.joined(separator: "\n").write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        return try PlantFileLoader.load(path: path.path)
    }

    @Test func aDeviceMetricWithRebirthAllowed() throws {
        let plant = try load(
            flowSource:
                "sparkplug: {group: Plant1, edge_node: Gateway 7, device: Pump1, metric: Flow/Main, rebirth: true}")
        #expect(
            plant.asset("pump-1")?.signal("flow")?.source
                == .sparkplug(
                    SparkplugPoint(
                        broker: "broker", group: "Plant1", edgeNode: "Gateway 7", device: "Pump1", metric: "Flow/Main",
                        rebirth: true)))
    }

    @Test func aNodeMetricWithoutRebirthByDefault() throws {
        let plant = try load(
            flowSource: "sparkplug: {broker: broker, group: Plant1, edge_node: Gateway7, metric: Flow}")
        #expect(
            plant.asset("pump-1")?.signal("flow")?.source
                == .sparkplug(
                    SparkplugPoint(
                        broker: "broker", group: "Plant1", edgeNode: "Gateway7", metric: "Flow", rebirth: false)
                ))
    }
}
