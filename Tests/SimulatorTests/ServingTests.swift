import Foundation
import MQTT
import Modbus
import PrognosCore
import Testing

@testable import Simulator

/// The demo plant with every Modbus device on a port the system picks (port 0).
func demoPlantOnFreePorts() -> Plant {
    var plant = demoPlant
    for i in plant.devices.indices {
        if case .tcp(let host, _) = plant.devices[i].transport {
            plant.devices[i].transport = .tcp(host: host, port: 0)
        }
    }
    return plant
}

/// Whether `decoded` is what the simulation served for `value`, given the register type's resolution.
func matches(_ decoded: Double, _ value: Double, _ point: ModbusPoint) -> Bool {
    switch point.dataType {
    case .float64: return decoded == value
    case .float32: return abs(decoded - value) <= 1e-6 * max(1, abs(value))
    case .bool: return decoded == (value != 0 ? 1 : 0)
    case .int16, .uint16, .int32, .uint32: return abs(decoded - value) <= abs(point.scale) / 2 + 1e-9
    }
}

@Suite("Serving Modbus and MQTT", .serialized)
struct ServingTests {
    @Test(
        "Every Modbus point reads back as served, through the collectors' merged requests and codec",
        .timeLimit(.minutes(3)))
    func modbusRoundTrip() throws {
        var sim = PlantSimulation(plant: demoPlantOnFreePorts(), options: SimulationOptions(seed: 8, step: 1))
        sim.advance(by: 120)
        let server = try PlantServer(simulation: sim, logger: quietLogger, modbus: true, mqtt: false)
        defer { server.stop() }
        let ports = server.ports
        #expect(Set(ports.keys) == Set(demoPlant.devices.map(\.id)))
        var clients: [String: ModbusClient] = [:]
        for (device, port) in ports {
            clients[device] = try ModbusClient(
                deviceID: device, transport: .tcp(host: "127.0.0.1", port: port), timeout: .seconds(2))
        }
        var checked = 0
        var wordOrders: Set<WordOrder> = []
        var types: Set<ModbusDataType> = []
        for request in ModbusPollPlan.requests(for: sim.plant) {
            let client = try #require(clients[request.device])
            let answer = try client.read(request)
            for slot in request.slots {
                let decoded: ModbusCodec.Decoded
                switch answer {
                case .registers(let words):
                    decoded = ModbusCodec.decode(registers: words[slot.offset...], point: slot.point)
                case .bits(let bits):
                    decoded = ModbusCodec.decode(bit: bits[slot.offset], point: slot.point)
                }
                let served = try #require(sim.measuredValue(asset: slot.signal.asset, signal: slot.signal.sensor))
                let value = try #require(decoded.value, "\(slot.signal) decoded")
                #expect(matches(value, served, slot.point), "\(slot.signal): read \(value), served \(served)")
                checked += 1
                wordOrders.insert(slot.point.wordOrder)
                types.insert(slot.point.dataType)
            }
        }
        #expect(
            checked
                == demoPlant.assets.flatMap(\.signals).filter { if case .modbus = $0.source { true } else { false } }
                .count)
        #expect(wordOrders.count == 4)
        #expect(types.count >= 6)
    }

    @Test("A dead device stops answering and comes back", .timeLimit(.minutes(3)))
    func deadDevice() throws {
        var sim = PlantSimulation(plant: demoPlantOnFreePorts(), options: SimulationOptions(seed: 8, step: 1))
        let server = try PlantServer(simulation: sim, logger: quietLogger, modbus: true, mqtt: false)
        defer { server.stop() }
        let port = try #require(server.ports["vfd-gateway"])
        func read() throws -> [UInt16] {
            let client = try ModbusClient(
                deviceID: "vfd-gateway", transport: .tcp(host: "127.0.0.1", port: port), timeout: .seconds(1))
            return try client.readRegisters(.holdingRegister, unit: 3, address: 8, count: 1)
        }
        let speed = try read()
        #expect(
            abs(Double(speed[0]) - (sim.trueValue(asset: "pump-103", signal: "speed") ?? 0)) <= 0.5,
            "unit 3 of the gateway is pump-103")
        try sim.setDeviceDown("vfd-gateway", for: 30)
        server.syncDevices(with: sim)
        #expect(throws: ModbusError.self) { try read() }
        sim.advance(by: 31)
        #expect(!sim.isDeviceDown("vfd-gateway"))
        server.syncDevices(with: sim)
        #expect(try read().count == 1)
        #expect(sim.events.map(\.kind).suffix(2) == [.deviceDown, .deviceUp])
    }

    @Test("MQTT payloads carry every sensor at its JSON path, as the collectors' decoder reads it")
    func mqttPayloads() throws {
        var sim = PlantSimulation(plant: demoPlant, options: SimulationOptions(seed: 8, step: 1))
        sim.advance(by: 60)
        let server = try PlantServer(simulation: sim, logger: quietLogger, modbus: false, mqtt: false)
        let stamp = 1_767_225_600.25
        let payloads = server.payloads(from: sim, timestamp: stamp)
        let byTopic = Dictionary(payloads.map { ($0.topic, $0.payload) }, uniquingKeysWith: { a, _ in a })
        #expect(byTopic.count == 9)
        var checked = 0
        for asset in demoPlant.assets {
            for signal in asset.signals {
                guard case .mqtt(let point) = signal.source else { continue }
                let payload = try #require(byTopic[point.topic], "\(point.topic) published")
                let decoder = PayloadDecoder(fields: [.init(value: point.valuePath, timestamp: point.timestampPath)])
                let extracted = try decoder.decode(Array(payload.utf8))[0].get()
                let served = try #require(sim.measuredValue(asset: asset.id, signal: signal.id))
                #expect(abs(extracted.value - served) < 1e-4, "\(asset.id).\(signal.id) in \(payload)")
                #expect(extracted.timestamp.map { abs($0 - stamp) < 1e-3 } ?? false, "timestamp of \(payload)")
                checked += 1
            }
        }
        #expect(checked == 21)
        #expect(byTopic["riverside/iiot/gearbox-211/oil"]?.hasPrefix("{\"particles\":{\"gt6um\":") == true)
    }
}
