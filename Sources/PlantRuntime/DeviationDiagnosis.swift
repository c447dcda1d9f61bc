import PrognosCore
import WorldModel

/// What a deviation most likely is: a developing failure mode, or a fault of one instrument.
///
/// A machine fault shows in several physically linked signals (bearing wear raises vibration and
/// bearing temperature); an instrument fault shows in one signal while its physical neighbours stay
/// normal. So: when one sensor carries most of the deviation and every other sensor of the failure
/// modes it belongs to stays within one healthy spread of normal, the instrument is suspected;
/// otherwise the failure mode whose sensors carry the largest share is named. The exception is a
/// sensor that a failure mode fails on (its limit sensor, such as a filter's differential
/// pressure) and whose filtered deviation has moved well beyond normal: such a mode may well show
/// in that one sensor first, so the mode is not ruled out (spikes from a loose cable move the
/// score, not the filtered level, and stay suspected).
public enum DeviationDiagnosis: Sendable, Equatable {
    case failureMode(String)
    case sensorFault(String)
    case unexplained

    /// The diagnosis as it appears in alert messages (`diagnosis` key).
    public var code: String {
        switch self {
        case .failureMode(let mode): mode
        case .sensorFault: "sensor-fault"
        case .unexplained: "unexplained"
        }
    }

    static let dominantShare = 0.7
    static let quietLevel = 1.0
    static let persistentLevel = 3.0

    public static func diagnose(
        sensors: [String], shares: [Double], levels: [Double], modes: [FailureMode]
    ) -> DeviationDiagnosis {
        guard let top = shares.indices.max(by: { shares[$0] < shares[$1] }), shares[top] > 0 else {
            return .unexplained
        }
        let index = Dictionary(uniqueKeysWithValues: sensors.enumerated().map { ($1, $0) })
        let topSensor = sensors[top]
        let linked = modes.filter { $0.sensors.contains(topSensor) }
        let failsOnIt = linked.contains { $0.limit.sensor == topSensor } && abs(levels[top]) >= persistentLevel
        if shares[top] >= dominantShare, !linked.isEmpty, !failsOnIt {
            let neighbours = Set(linked.flatMap(\.sensors)).subtracting([topSensor]).compactMap { index[$0] }
            if !neighbours.isEmpty, neighbours.allSatisfy({ abs(levels[$0]) < quietLevel }) {
                return .sensorFault(topSensor)
            }
        }
        let scored = modes.map { mode in (mode.id, mode.sensors.compactMap { index[$0] }.reduce(0) { $0 + shares[$1] })
        }
        guard let best = scored.max(by: { $0.1 < $1.1 }), best.1 >= 0.5 else { return .unexplained }
        return .failureMode(best.0)
    }
}
