/// Where a signal is read over Modbus. Addresses are 0-based protocol addresses
/// (holding register 40001 in the 1-based convention is address 0 here).
public struct ModbusPoint: Sendable, Equatable {
    public var device: String
    public var unitID: UInt8
    public var function: ModbusFunction
    public var address: UInt16
    public var dataType: ModbusDataType
    public var wordOrder: WordOrder
    public var scale: Double
    public var offset: Double

    public init(
        device: String, unitID: UInt8 = 1, function: ModbusFunction, address: UInt16,
        dataType: ModbusDataType, wordOrder: WordOrder = .abcd, scale: Double = 1, offset: Double = 0
    ) {
        self.device = device
        self.unitID = unitID
        self.function = function
        self.address = address
        self.dataType = dataType
        self.wordOrder = wordOrder
        self.scale = scale
        self.offset = offset
    }

    /// Registers (or bits, for coils and discrete inputs) this point occupies.
    public var width: Int { function.isBitAddressed ? 1 : dataType.registerCount }

    /// The engineering value of a raw decoded number: `raw × scale + offset`.
    public func engineeringValue(_ raw: Double) -> Double { raw * scale + offset }
}

/// The four Modbus read tables. Prognos only reads: these are function codes 1–4.
public enum ModbusFunction: String, Sendable, Equatable, CaseIterable {
    case coil
    case discreteInput = "discrete_input"
    case holdingRegister = "holding"
    case inputRegister = "input"

    public var isBitAddressed: Bool { self == .coil || self == .discreteInput }

    /// The read function code of this table.
    public var readFunctionCode: UInt8 {
        switch self {
        case .coil: 1
        case .discreteInput: 2
        case .holdingRegister: 3
        case .inputRegister: 4
        }
    }

    /// Largest quantity one read request may ask for (Modbus application protocol v1.1b3, §6.1–6.4).
    public var maxQuantityPerRequest: Int { isBitAddressed ? 2000 : 125 }

    /// The first address of this table in the 1-based "Modicon" numbering (00001, 10001, 40001, 30001).
    public var modiconBase: Int {
        switch self {
        case .coil: 1
        case .discreteInput: 10001
        case .holdingRegister: 40001
        case .inputRegister: 30001
        }
    }
}

public enum ModbusDataType: String, Sendable, Equatable, CaseIterable {
    case int16, uint16, int32, uint32, float32, float64, bool

    /// 16-bit registers the type occupies.
    public var registerCount: Int {
        switch self {
        case .int16, .uint16, .bool: 1
        case .int32, .uint32, .float32: 2
        case .float64: 4
        }
    }
}

/// Byte order of multi-register values, named by where the bytes of the big-endian value
/// A B C D (most significant first) appear on the wire. 64-bit values extend the pattern:
/// ABCD → ABCDEFGH, CDAB → GHEFCDAB (words reversed), BADC → BADCFEHG (bytes swapped in
/// each word), DCBA → HGFEDCBA (fully little-endian).
public enum WordOrder: String, Sendable, Equatable, CaseIterable {
    case abcd = "ABCD"
    case cdab = "CDAB"
    case badc = "BADC"
    case dcba = "DCBA"

    /// Whether the 16-bit words arrive least significant first.
    public var wordsSwapped: Bool { self == .cdab || self == .dcba }
    /// Whether the two bytes inside each word are swapped.
    public var bytesSwapped: Bool { self == .badc || self == .dcba }
}

/// Where a signal is read over MQTT: the topic and the JSON path of the value
/// (and optionally of its timestamp) inside the payload.
public struct MQTTPoint: Sendable, Equatable {
    public var broker: String
    public var topic: String
    public var valuePath: JSONPath
    public var timestampPath: JSONPath?

    public init(broker: String, topic: String, valuePath: JSONPath, timestampPath: JSONPath? = nil) {
        self.broker = broker
        self.topic = topic
        self.valuePath = valuePath
        self.timestampPath = timestampPath
    }
}

/// Where a signal is read as a Sparkplug B metric: the edge node (and device) that publishes it,
/// and the metric's name in their births.
public struct SparkplugPoint: Sendable, Equatable {
    public var broker: String
    public var group: String
    public var edgeNode: String
    /// nil for a metric of the edge node itself.
    public var device: String?
    public var metric: String
    /// Whether Prognos may ask the edge node to publish its births again (NCMD
    /// `Node Control/Rebirth`) after a sequence gap or data it cannot place. Off unless the plant
    /// file allows it: it is the only message Prognos sends toward an edge node.
    public var rebirth: Bool

    public init(
        broker: String, group: String, edgeNode: String, device: String? = nil, metric: String, rebirth: Bool = false
    ) {
        self.broker = broker
        self.group = group
        self.edgeNode = edgeNode
        self.device = device
        self.metric = metric
        self.rebirth = rebirth
    }

    /// Why `id` cannot be a Sparkplug group, edge node or device id, or nil: they are MQTT topic
    /// levels, and Sparkplug B 3.0 forbids '/', '+' and '#' in them.
    public static func idProblem(_ id: String) -> String? {
        if let bad = id.first(where: { $0 == "/" || $0 == "+" || $0 == "#" }) {
            return "contains '\(bad)', which a Sparkplug id must not"
        }
        return nil
    }
}
