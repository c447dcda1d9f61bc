import Logging
import Modbus
import PrognosCore

/// A plant shaped like Plants/demo.yaml: 7 Modbus devices (PLCs, a VFD gateway with several
/// units, meters), 140 points in all tables and types, each device served by its own
/// `ModbusServer` on loopback with plausible values.
struct DemoLikePlant {
    let plant: Plant
    let servers: [ModbusServer]
    var pointCount: Int { plant.assets.reduce(0) { $0 + $1.signals.count } }

    /// The points of one device, 20 per device: per unit, float32 pressures and flows, scaled
    /// int16 temperatures, scaled uint16 vibrations, an int32 power, a float64 energy counter,
    /// a uint32 hour counter and a running bit, spread over the address space like the demo.
    static func points(
        device: String, units: [UInt8], order: WordOrder, function: ModbusFunction
    ) -> [(String, ModbusPoint, Double)] {
        var result: [(String, ModbusPoint, Double)] = []
        let perUnit = 20 / units.count
        for unit in units {
            var address: UInt16 = 0
            for index in 0..<perUnit {
                let kind = index % 8
                let type: ModbusDataType = [.float32, .float32, .int16, .int16, .uint16, .int32, .float64, .uint32][
                    kind]
                let scale = [1, 1, 0.1, 0.1, 0.01, 0.001, 1, 1][kind]
                let value = [4.2, 730.5, 61.3, 58.9, 2.31, 31.25, 123_456.5, 20_113][kind]
                let point = ModbusPoint(
                    device: device, unitID: unit, function: function, address: address, dataType: type,
                    wordOrder: order, scale: scale)
                result.append(("u\(unit)-s\(index)", point, value))
                address += UInt16(type.registerCount) + (index % 5 == 4 ? 12 : 0)  // a few gaps, as in the demo
            }
        }
        return result
    }

    init(pollInterval: Duration = .seconds(1)) throws {
        let logger = Logger(label: "bench.modbus")
        let layouts: [(String, [UInt8], WordOrder, ModbusFunction)] = [
            ("plc-intake", [1], .cdab, .inputRegister), ("plc-treatment", [1], .abcd, .holdingRegister),
            ("plc-mixing", [1], .abcd, .inputRegister), ("plc-distribution", [1], .dcba, .inputRegister),
            ("vfd-gateway", [1, 2, 3, 4], .abcd, .holdingRegister), ("energy-meters", [1], .abcd, .holdingRegister),
            ("fan-controller", [1, 2], .badc, .inputRegister),
        ]
        var servers: [ModbusServer] = []
        var devices: [ModbusDevice] = []
        var assets: [Asset] = []
        for (id, units, order, function) in layouts {
            let server = try ModbusServer(logger: logger)
            let points = Self.points(device: id, units: units, order: order, function: function)
            server.bank.set(points.map { ($0.1, $0.2) })
            servers.append(server)
            devices.append(
                ModbusDevice(
                    id: id, transport: .tcp(host: "127.0.0.1", port: server.port), pollInterval: pollInterval,
                    timeout: .milliseconds(300)))
            assets.append(
                Asset(
                    id: "asset-\(id)", name: id, type: "bench", areaID: "area", lineID: "line",
                    sensors: points.map {
                        Sensor(id: $0.0, unit: "1", normal: ($0.2 * 0.5)...($0.2 * 1.5 + 1), source: .modbus($0.1))
                    }))
        }
        self.servers = servers
        plant = Plant(
            site: Site(id: "bench", name: "Bench"),
            areas: [Area(id: "area", name: "Area", lines: [Line(id: "line", name: "Line", assets: assets)])],
            devices: devices, brokers: [], actions: [],
            economics: Economics(downtimeCostPerHour: 0, failureCost: 0, crewCapacity: 1, windows: []))
    }
}
