import Foundation

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
        return "\(Timestamp.iso8601(time)) \(kind.rawValue) \(who)\(detail.isEmpty ? "" : ": \(detail)")"
    }
}

/// ISO 8601 text of epoch seconds (UTC, milliseconds), without Foundation's formatters.
public enum Timestamp {
    public static func iso8601(_ epoch: Double) -> String {
        let millis = Int64((epoch * 1000).rounded())
        var days = millis / 86_400_000
        var rest = millis % 86_400_000
        if rest < 0 {
            rest += 86_400_000
            days -= 1
        }
        let (y, m, d) = civil(days: days)
        let h = rest / 3_600_000
        let mi = rest / 60000 % 60
        let s = rest / 1000 % 60
        let ms = rest % 1000
        return String(format: "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", y, m, d, h, mi, s, ms)
    }

    /// Year, month, day of a day number since 1970-01-01 (Howard Hinnant's algorithm).
    static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
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
