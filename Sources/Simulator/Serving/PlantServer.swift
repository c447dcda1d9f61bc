import Foundation
import Logging
import MQTT
import Modbus
import PrognosCore

/// Serves a simulated plant the way the real one would be seen: every Modbus TCP device of the
/// plant file on its host and port with its register map (types, word orders, scale and offset,
/// each unit of a gateway from its own bank), and every MQTT sensor published as JSON on its topic
/// (the value at its JSON path, the timestamp at its timestamp path, ISO 8601), retained so that
/// a late subscriber sees the latest value at once.
///
/// Not thread-safe: one task owns it (the servers themselves answer clients on their own threads).
public final class PlantServer {
    struct Slot {
        var handle: SignalHandle
        var point: ModbusPoint
    }

    final class Endpoint {
        let device: ModbusDevice
        let host: String
        var port: Int
        let banks: [UInt8: RegisterBank]
        var slots: [Slot]
        var single: ModbusServer?
        var gateway: MultiUnitModbusServer?

        init(device: ModbusDevice, host: String, port: Int, banks: [UInt8: RegisterBank], slots: [Slot]) {
            self.device = device
            self.host = host
            self.port = port
            self.banks = banks
            self.slots = slots
        }

        var isServing: Bool { single != nil || gateway != nil }

        func start(logger: Logger) throws(SimulationError) {
            guard !isServing else { return }
            if banks.count == 1, let (unit, bank) = banks.first {
                do {
                    let server = try ModbusServer(bank: bank, host: host, port: port, unitIDs: [unit], logger: logger)
                    port = server.port
                    single = server
                } catch {
                    throw SimulationError("device \(device.id): \(error)")
                }
            } else {
                let server = try MultiUnitModbusServer(host: host, port: port, banks: banks)
                port = server.port
                gateway = server
            }
        }

        func stop() {
            single?.stop()
            single = nil
            gateway?.stop()
            gateway = nil
        }
    }

    struct Topic {
        var broker: String
        var topic: String
        var fields: [(path: JSONPath, handle: SignalHandle)]
        var timestamps: [JSONPath]
    }

    private let logger: Logger
    private var endpoints: [String: Endpoint] = [:]
    private var topics: [Topic] = []
    private var clients: [String: MQTTClient] = [:]
    /// Publishes refused so far (broker away, queue full).
    public private(set) var publishFailures = 0
    /// Messages handed to the MQTT clients so far.
    public private(set) var published = 0
    private var failing = false

    /// Starts a Modbus server for every TCP device of `simulation.plant` and an MQTT client for
    /// every broker with sensors (which connects in the background and keeps reconnecting).
    public init(
        simulation: PlantSimulation, logger: Logger, modbus: Bool = true, mqtt: Bool = true
    ) throws(SimulationError) {
        self.logger = logger
        let plant = simulation.plant
        var slotsByDevice: [String: [Slot]] = [:]
        var topicIndex: [String: Int] = [:]
        for asset in plant.assets {
            for signal in asset.signals {
                guard let handle = simulation.handle(asset: asset.id, signal: signal.id) else { continue }
                switch signal.source {
                case .modbus(let point):
                    slotsByDevice[point.device, default: []].append(Slot(handle: handle, point: point))
                case .mqtt(let point):
                    let key = point.broker + "\u{0}" + point.topic
                    if topicIndex[key] == nil {
                        topicIndex[key] = topics.count
                        topics.append(Topic(broker: point.broker, topic: point.topic, fields: [], timestamps: []))
                    }
                    let t = topicIndex[key]!
                    if !topics[t].fields.contains(where: { $0.path == point.valuePath }) {
                        topics[t].fields.append((point.valuePath, handle))
                    }
                    if let stamp = point.timestampPath, !topics[t].timestamps.contains(stamp) {
                        topics[t].timestamps.append(stamp)
                    }
                case .sparkplug:
                    // The simulator speaks plain JSON over MQTT; Sparkplug edge nodes are peers of the tests.
                    continue
                }
            }
        }
        if modbus {
            for device in plant.devices {
                guard case .tcp(let host, let port) = device.transport else {
                    logger.warning("Modbus RTU device is not simulated", metadata: ["modbus.device": "\(device.id)"])
                    continue
                }
                let slots = slotsByDevice[device.id] ?? []
                var banks: [UInt8: RegisterBank] = [:]
                for unit in Set(slots.map(\.point.unitID)) {
                    let mine = slots.filter { $0.point.unitID == unit }
                    func size(_ table: ModbusFunction) -> Int {
                        (mine.filter { $0.point.function == table }.map { Int($0.point.address) + $0.point.width }.max()
                            ?? 0) + 8
                    }
                    banks[unit] = RegisterBank(
                        coils: size(.coil), discreteInputs: size(.discreteInput),
                        holdingRegisters: size(.holdingRegister),
                        inputRegisters: size(.inputRegister))
                }
                if banks.isEmpty { banks[1] = RegisterBank(size: 16) }
                let endpoint = Endpoint(device: device, host: host, port: port, banks: banks, slots: slots)
                endpoints[device.id] = endpoint
            }
            update(from: simulation)
            do {
                for id in endpoints.keys.sorted() { try endpoints[id]!.start(logger: logger) }
            } catch {
                stop()
                throw error
            }
        }
        if mqtt {
            for brokerID in Set(topics.map(\.broker)).sorted() {
                guard let broker = plant.broker(brokerID) else { continue }
                var options = MQTTClientOptions(broker: broker)
                options.clientID = nil  // never take the daemon's client id
                options.reconnect = ReconnectPolicy(initial: .milliseconds(100), maximum: .seconds(2))
                do {
                    let client = try MQTTClient(options: options, logger: logger)
                    client.start()
                    clients[brokerID] = client
                } catch {
                    stop()
                    throw SimulationError("MQTT broker \(brokerID): \(error)")
                }
            }
        }
    }

    deinit { stop() }

    /// The port each served device listens on (the plant's, or the one picked for port 0).
    public var ports: [String: Int] { endpoints.mapValues(\.port) }

    /// Whether every MQTT client is connected to its broker.
    public var mqttConnected: Bool { clients.values.allSatisfy(\.isConnected) }

    /// Writes every Modbus point's current measured value into its device's registers (one atomic
    /// change per unit, so a float is never read half old). A dropout shows as NaN in float
    /// registers and as the type's wire-break code (most negative, or all ones) in integer ones.
    public func update(from simulation: PlantSimulation) {
        for endpoint in endpoints.values {
            for (unit, bank) in endpoint.banks {
                bank.update { tables in
                    for slot in endpoint.slots where slot.point.unitID == unit {
                        if let value = simulation.measuredValue(slot.handle) {
                            tables.set(value, for: slot.point)
                        } else if !slot.point.function.isBitAddressed {
                            tables.setRegisters(
                                slot.point.function, at: Int(slot.point.address), Self.wireBreak(slot.point))
                        }
                    }
                }
            }
        }
    }

    static func wireBreak(_ point: ModbusPoint) -> [UInt16] {
        let raw: Double =
            switch point.dataType {
            case .float32, .float64: .nan
            case .int16: Double(Int16.min)
            case .int32: Double(Int32.min)
            case .uint16: Double(UInt16.max)
            case .uint32: Double(UInt32.max)
            case .bool: 0
            }
        return ModbusCodec.registers(raw: raw, type: point.dataType, order: point.wordOrder)
    }

    /// Stops or restarts device servers to match the simulation's dead devices.
    public func syncDevices(with simulation: PlantSimulation) {
        for (id, endpoint) in endpoints.sorted(by: { $0.key < $1.key }) {
            let down = simulation.isDeviceDown(id)
            if down, endpoint.isServing {
                endpoint.stop()
                logger.notice(
                    "Modbus device stopped answering (simulated fault)",
                    metadata: ["modbus.device": "\(id)", "modbus.port": "\(endpoint.port)"])
            } else if !down, !endpoint.isServing {
                do {
                    try endpoint.start(logger: logger)
                    logger.notice(
                        "Modbus device answering again",
                        metadata: ["modbus.device": "\(id)", "modbus.port": "\(endpoint.port)"])
                } catch {
                    logger.error(
                        "Modbus device could not be restarted",
                        metadata: ["modbus.device": "\(id)", "error": "\(error)"])
                }
            }
        }
    }

    /// The JSON payload of every MQTT topic now; dropped-out sensors are left out (a topic whose
    /// every value dropped out is not published).
    public func payloads(
        from simulation: PlantSimulation, timestamp: Double
    ) -> [(broker: String, topic: String, payload: String)] {
        var result: [(String, String, String)] = []
        let stamp = CivilTime.iso8601(timestamp)
        for topic in topics {
            var tree = JSONTree.object([])
            var any = false
            for field in topic.fields {
                guard let value = simulation.measuredValue(field.handle), value.isFinite else { continue }
                tree.insert(.number(value), at: field.path.components[...])
                any = true
            }
            guard any else { continue }
            for path in topic.timestamps { tree.insert(.string(stamp), at: path.components[...]) }
            result.append((topic.broker, topic.topic, tree.text))
        }
        return result
    }

    /// Publishes every MQTT topic (QoS 0, retained) stamped with `timestamp` (epoch seconds).
    public func publish(from simulation: PlantSimulation, timestamp: Double) {
        for (broker, topic, payload) in payloads(from: simulation, timestamp: timestamp) {
            guard let client = clients[broker] else { continue }
            do {
                try client.publish(topic: topic, payload: Array(payload.utf8), qos: .atMostOnce, retain: true)
                published += 1
                if failing {
                    failing = false
                    logger.notice(
                        "MQTT publishing again",
                        metadata: ["mqtt.broker": "\(broker)", "mqtt.failures": "\(publishFailures)"])
                }
            } catch {
                publishFailures += 1
                if !failing {
                    failing = true
                    logger.warning(
                        "MQTT publish failed; counting until it works again",
                        metadata: ["mqtt.broker": "\(broker)", "error": "\(error)"])
                }
            }
        }
    }

    /// Waits until every broker client is connected; false after `timeout`.
    public func waitForBrokers(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !mqttConnected {
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Publishes every MQTT topic (QoS 1, retained) stamped with `timestamp` and returns once the
    /// broker has acknowledged each: in turns with a daemon (`Lockstep`), the messages of a turn
    /// must be at the broker before the daemon is told to look.
    public func publishAcknowledged(from simulation: PlantSimulation, timestamp: Double) async {
        for (broker, topic, payload) in payloads(from: simulation, timestamp: timestamp) {
            guard let client = clients[broker] else { continue }
            do {
                _ = try await client.publishAcknowledged(
                    topic: topic, payload: Array(payload.utf8), qos: .atLeastOnce, retain: true, timeout: .seconds(10))
                published += 1
            } catch {
                publishFailures += 1
                logger.warning(
                    "MQTT publish not acknowledged",
                    metadata: ["mqtt.broker": "\(broker)", "mqtt.topic": "\(topic)", "error": "\(error)"])
            }
        }
    }

    /// Stops every server and disconnects from every broker. Safe to call twice.
    public func stop() {
        for endpoint in endpoints.values { endpoint.stop() }
        for client in clients.values { client.close() }
        clients = [:]
    }
}

/// A small JSON document builder for MQTT payloads, following JSONPath components.
enum JSONTree: Equatable {
    case object([(String, JSONTree)])
    case array([JSONTree])
    case number(Double)
    case string(String)
    case null

    static func == (a: JSONTree, b: JSONTree) -> Bool { a.text == b.text }

    mutating func insert(_ value: JSONTree, at path: ArraySlice<JSONPath.Component>) {
        guard let first = path.first else {
            self = value
            return
        }
        let rest = path.dropFirst()
        switch first {
        case .key(let key):
            var pairs: [(String, JSONTree)] = []
            if case .object(let existing) = self { pairs = existing }
            if let i = pairs.firstIndex(where: { $0.0 == key }) {
                pairs[i].1.insert(value, at: rest)
            } else {
                var child = JSONTree.null
                child.insert(value, at: rest)
                pairs.append((key, child))
            }
            self = .object(pairs)
        case .index(let index):
            var items: [JSONTree] = []
            if case .array(let existing) = self { items = existing }
            while items.count <= index { items.append(.null) }
            items[index].insert(value, at: rest)
            self = .array(items)
        }
    }

    var text: String {
        switch self {
        case .object(let pairs): "{" + pairs.map { Self.quote($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        case .array(let items): "[" + items.map(\.text).joined(separator: ",") + "]"
        case .number(let x): Self.format(x)
        case .string(let s): Self.quote(s)
        case .null: "null"
        }
    }

    static func format(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        let rounded = (x * 10000).rounded() / 10000
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        return "\(rounded)"
    }

    static func quote(_ s: String) -> String { jsonString(s) }
}
