import Planner
import WorldModel

/// The world model's latest view of one failure mode, beside the trackers' trends: its own RUL
/// projection (reported with the proposal), whether the deviation is put down to the limit
/// sensor's instrument, and how far each of the mode's sensors is from normal.
struct ModelView: Sendable {
    var rul: RULDistribution?
    /// The asset's deviation is put down to the limit sensor's instrument, not to the machine.
    var suspectSensor: Bool
    var evidence: [SensorEvidence]
}
