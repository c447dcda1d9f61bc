import Sparkplug
import Testing

@Suite struct SparkplugTopicTests {
    @Test func nodeAndDeviceTopicsParse() throws {
        let node = try SparkplugTopic(parsing: "spBv1.0/Plant1/NDATA/Edge1")
        #expect(node == SparkplugTopic(kind: .nodeData, group: "Plant1", edgeNode: "Edge1"))
        let device = try SparkplugTopic(parsing: "spBv1.0/Plant1/DBIRTH/Edge1/Pump7")
        #expect(device == SparkplugTopic(kind: .deviceBirth, group: "Plant1", edgeNode: "Edge1", device: "Pump7"))
        #expect(device.description == "spBv1.0/Plant1/DBIRTH/Edge1/Pump7")
        for kind in SparkplugTopic.Kind.allCases where kind != .state {
            let text = "spBv1.0/G/\(kind.rawValue)/N" + (kind.rawValue.hasPrefix("D") ? "/D" : "")
            #expect(try SparkplugTopic(parsing: text).kind == kind)
        }
    }

    @Test func stateTopicNamesTheHost() throws {
        let state = try SparkplugTopic(parsing: "spBv1.0/STATE/scada-1")
        #expect(state.kind == .state)
        #expect(state.edgeNode == "scada-1")
    }

    @Test(arguments: [
        "spAv1.0/G/NDATA/N", "spBv1.0/G/NDATA", "spBv1.0/G/XDATA/N", "spBv1.0/G/NDATA/N/D", "spBv1.0/G/DDATA/N",
        "spBv1.0//NDATA/N", "spBv1.0/G/DDATA/N/", "spBv1.0/STATE", "spBv1.0/G/STATE/N", "",
    ])
    func malformedTopicsAreRefusedWithAReason(_ text: String) {
        #expect(throws: SparkplugRefusal.self) { try SparkplugTopic(parsing: text) }
        do {
            _ = try SparkplugTopic(parsing: text)
        } catch {
            #expect(error.reason == .badTopic)
            #expect(!error.detail.isEmpty)
        }
    }

    @Test func theSubscriptionCoversTheNodeAndItsDevices() {
        #expect(SparkplugTopic.subscription(group: "G", edgeNode: "N") == "spBv1.0/G/+/N/#")
    }
}
