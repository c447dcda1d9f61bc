import Foundation
import PrognosCore
import Testing

@testable import PlantFile

@Suite struct ValidPlantFileTests {
    static let fixtures: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/valid")
    static let demoPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Plants/demo.yaml").path

    @Test func minimalPlantLoadsEveryField() throws {
        let plant = try PlantFileLoader.load(path: Self.fixtures.appendingPathComponent("minimal.yaml").path)
        #expect(plant.site == Site(id: "testworks", name: "Test Works"))
        #expect(plant.economics.crewCapacity == 2)
        #expect(
            plant.economics.windows == [
                MaintenanceWindow(id: "sat", weekday: .saturday, startMinute: 360, duration: .seconds(8 * 3600))
            ])
        #expect(plant.action("lubricate")?.effect == .slows(["bearing-wear"], factor: 0.5))
        #expect(plant.device("plc-1")?.transport == .tcp(host: "127.0.0.1", port: 15020))
        #expect(plant.device("plc-1")?.timeout == .milliseconds(300))
        #expect(plant.broker("broker")?.password == .environment("PROGNOS_MQTT_PASSWORD"))

        let pump = try #require(plant.asset("pump-1"))
        #expect(pump.type == "centrifugal_pump")
        #expect(pump.areaID == "area-1" && pump.lineID == "line-1")
        let temperature = try #require(pump.signal("bearing_temp"))
        #expect(temperature.normal == 15...75)
        #expect(temperature.limits == Limits(alarmHigh: 85, tripHigh: 95))
        #expect(
            temperature.source
                == .modbus(
                    ModbusPoint(
                        device: "plc-1", unitID: 1, function: .inputRegister, address: 0, dataType: .float32,
                        wordOrder: .cdab)))
        #expect(
            pump.signal("vibration")?.source
                == .modbus(
                    ModbusPoint(
                        device: "plc-1", function: .inputRegister, address: 2, dataType: .uint16, scale: 0.01)))
        guard case .mqtt(let flow)? = pump.signal("flow")?.source else {
            Issue.record("flow is not an MQTT signal")
            return
        }
        #expect(flow.broker == "broker")
        #expect(flow.topic == "testworks/pump-1/flow")
        #expect(flow.valuePath.components == [.key("v")])
        #expect(flow.timestampPath?.components == [.key("ts")])
        #expect(pump.context.map(\.role) == [.speed])
        #expect(
            pump.failureModes == [
                FailureMode(
                    id: "bearing-wear", sensors: ["vibration", "bearing_temp"],
                    limit: FailureLimit(sensor: "vibration", direction: .above, value: 11.2))
            ])
    }

    @Test func demoPlantLoadsWithTheDocumentedCounts() throws {
        let plant = try PlantFileLoader.load(path: Self.demoPath)
        let summary = PlantSummary(plant)
        #expect(summary.assets == 15)
        #expect(summary.assetsByType.count >= 4)
        #expect(summary.measurements == 131)
        #expect(summary.contextSignals == 30)
        #expect(summary.modbusSignals == 140)
        #expect(summary.mqttSignals == 21)
        #expect(summary.modbusDevices == 7)
        #expect(summary.brokers == 1)
        #expect(summary.windows == 2)
        #expect(summary.modbusRequestsPerPoll == 22)
        // Several data types and word orders are exercised.
        let points = plant.assets.flatMap(\.signals).compactMap { signal -> ModbusPoint? in
            if case .modbus(let point) = signal.source { point } else { nil }
        }
        #expect(Set(points.map(\.dataType)).count >= 6)
        #expect(Set(points.filter { $0.dataType.registerCount > 1 }.map(\.wordOrder)) == Set(WordOrder.allCases))
    }

    @Test func plantFileTextWithoutAFileNamesTheGivenName() {
        #expect(throws: PlantFileError.self) { try PlantFileLoader.load(yaml: "site: [", file: "inline.yaml") }
        do {
            _ = try PlantFileLoader.load(yaml: "", file: "empty.yaml")
            Issue.record("an empty plant was accepted")
        } catch {
            #expect(error.description == "empty.yaml:1:1: the plant file is empty")
        }
    }

    @Test func theMetricsAddressIsReadAndDefaultsToNone() throws {
        let minimal = try String(contentsOf: Self.fixtures.appendingPathComponent("minimal.yaml"), encoding: .utf8)
        #expect(try PlantFileLoader.load(yaml: minimal, file: "minimal.yaml").metrics == nil)
        let loopback = try PlantFileLoader.load(yaml: minimal + "metrics: {listen: \"9464\"}\n", file: "a.yaml")
        #expect(loopback.metrics == ListenAddress(host: "127.0.0.1", port: 9464))
        let everywhere = try PlantFileLoader.load(
            yaml: minimal + "metrics:\n  listen: 0.0.0.0:9100\n", file: "b.yaml")
        #expect(everywhere.metrics == ListenAddress(host: "0.0.0.0", port: 9100))
    }
}
