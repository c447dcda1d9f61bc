import Foundation
import PrognosCore

/// Something that happened in the simulated plant, as ground truth for scoring detections.
public struct TruthEvent: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// A failure mode started degrading the asset.
        case faultOnset = "fault-onset"
        /// A failure mode reached its limit: the asset tripped and stays stopped until repaired.
        case failure
        /// A maintenance action was applied (value: the action id).
        case action
        /// A failure mode was restored to as-new by an action.
        case repair
        /// The asset runs again after a trip or a maintenance stop.
        case restart
        /// A sensor started misreading (noise, drift, stuck, spikes, dropout) independently of the machine.
        case sensorFaultStart = "sensor-fault-start"
        case sensorFaultEnd = "sensor-fault-end"
        /// A Modbus device stopped answering, and came back.
        case deviceDown = "device-down"
        case deviceUp = "device-up"
        /// The operating context was changed by a scenario or a derating (not a fault).
        case operatingChange = "operating-change"
    }

    /// Simulated seconds since the start of the run.
    public var elapsed: Double
    /// Simulated time, epoch seconds.
    public var time: Double
    public var kind: Kind
    public var asset: String?
    /// The failure mode (fault-onset, failure, repair), the action (action), the sensor (sensor faults),
    /// the device (device-down/up).
    public var target: String?
    public var detail: String

    public init(elapsed: Double, time: Double, kind: Kind, asset: String?, target: String?, detail: String = "") {
        self.elapsed = elapsed
        self.time = time
        self.kind = kind
        self.asset = asset
        self.target = target
        self.detail = detail
    }

    public var description: String {
        let who = [asset, target].compactMap { $0 }.joined(separator: " ")
        return "\(CivilTime.iso8601(time)) \(kind.rawValue) \(who)\(detail.isEmpty ? "" : ": \(detail)")"
    }
}

/// The ways a sensor misreads while the machine is fine.
public enum SensorFaultKind: String, Sendable, Equatable, CaseIterable {
    /// Noise `magnitude` times its normal level (a loose connection, interference).
    case noise
    /// A bias growing by `magnitude` engineering units per hour (a drifting transmitter).
    case drift
    /// Frozen at the value it read when the fault began.
    case stuck
    /// Occasional spikes of `magnitude` engineering units (about one reading in twenty).
    case spikes
    /// No value at all (a broken wire): NaN or the type's wire-break code over Modbus, nothing over MQTT.
    case dropout
}

/// A sensor fault in progress.
public struct SensorFault: Sendable, Equatable {
    public var asset: String
    public var sensor: String
    public var kind: SensorFaultKind
    public var magnitude: Double
    /// Simulated seconds since start.
    public var start: Double
    public var end: Double?
    var assetIndex: Int
    var signalIndex: Int
    var stuckValue: Double?
}
