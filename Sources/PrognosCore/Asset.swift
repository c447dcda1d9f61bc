/// One machine: its measured sensors, the operating-context signals that set its regime,
/// the ways it fails and the maintenance actions that apply to it.
public struct Asset: Sendable, Equatable, Identifiable {
    public var id: String
    public var name: String
    public var type: String
    public var areaID: String
    public var lineID: String
    public var sensors: [Sensor]
    public var context: [Sensor]
    public var failureModes: [FailureMode]
    public var actionIDs: [String]
    /// Cost of an unplanned failure of this asset, secondary damage included; nil uses the plant's default.
    public var failureCost: Double?

    public init(
        id: String, name: String, type: String, areaID: String, lineID: String,
        sensors: [Sensor], context: [Sensor] = [], failureModes: [FailureMode] = [],
        actionIDs: [String] = [], failureCost: Double? = nil
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.areaID = areaID
        self.lineID = lineID
        self.sensors = sensors
        self.context = context
        self.failureModes = failureModes
        self.actionIDs = actionIDs
        self.failureCost = failureCost
    }

    /// Measured sensors followed by context signals: everything a collector reads for this asset.
    public var signals: [Sensor] { sensors + context }

    /// The sensors a world model learns (cumulative counters left out).
    public var modelledSensors: [Sensor] { sensors.filter { !$0.isCounter } }

    public func signal(_ id: String) -> Sensor? { signals.first { $0.id == id } }
}

/// What a signal means to the world model: a measurement of the machine's state,
/// or part of the operating context the plant chooses (speed, load, setpoint, ambient).
public enum SignalRole: String, Sendable, Equatable, CaseIterable {
    case measurement
    case speed
    case load
    case setpoint
    case ambient
    case context
}

public struct Sensor: Sendable, Equatable, Identifiable {
    public var id: String
    public var name: String
    public var role: SignalRole
    public var unit: String
    /// Range the value keeps in healthy operation.
    public var normal: ClosedRange<Double>?
    public var limits: Limits
    public var source: SignalSource
    /// A cumulative total (running hours, energy): it only ever grows, so the world model leaves
    /// it out (its limits still alarm).
    public var isCounter: Bool

    public init(
        id: String, name: String? = nil, role: SignalRole = .measurement, unit: String,
        normal: ClosedRange<Double>? = nil, limits: Limits = Limits(), source: SignalSource, isCounter: Bool = false
    ) {
        self.id = id
        self.name = name ?? id
        self.role = role
        self.unit = unit
        self.normal = normal
        self.limits = limits
        self.source = source
        self.isCounter = isCounter
    }
}

/// Alarm and trip limits. On each side the trip limit lies beyond the alarm limit.
public struct Limits: Sendable, Equatable {
    public var alarmLow: Double?
    public var alarmHigh: Double?
    public var tripLow: Double?
    public var tripHigh: Double?
    public init(alarmLow: Double? = nil, alarmHigh: Double? = nil, tripLow: Double? = nil, tripHigh: Double? = nil) {
        self.alarmLow = alarmLow
        self.alarmHigh = alarmHigh
        self.tripLow = tripLow
        self.tripHigh = tripHigh
    }
}

public enum SignalSource: Sendable, Equatable {
    case modbus(ModbusPoint)
    case mqtt(MQTTPoint)
    case sparkplug(SparkplugPoint)
}

/// A failure mode of an asset: the sensors that show it, and the limit at which the asset has failed.
public struct FailureMode: Sendable, Equatable, Identifiable {
    public var id: String
    public var name: String
    public var sensors: [String]
    public var limit: FailureLimit
    public init(id: String, name: String? = nil, sensors: [String], limit: FailureLimit) {
        self.id = id
        self.name = name ?? id
        self.sensors = sensors
        self.limit = limit
    }
}

/// The asset has failed by this mode when `sensor` crosses `value` in `direction`.
public struct FailureLimit: Sendable, Equatable {
    public enum Direction: String, Sendable, Equatable {
        case above
        case below
    }
    public var sensor: String
    public var direction: Direction
    public var value: Double
    public init(sensor: String, direction: Direction, value: Double) {
        self.sensor = sensor
        self.direction = direction
        self.value = value
    }

    public func isCrossed(by x: Double) -> Bool {
        switch direction {
        case .above: x >= value
        case .below: x <= value
        }
    }
}
