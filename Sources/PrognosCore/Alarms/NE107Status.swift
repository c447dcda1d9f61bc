/// NAMUR NE 107 status of an asset: the words an operator reads on the dashboard and in the
/// retained `state` message. The daemon and the dashboard derive it from the same alarms by `of`.
public enum NE107Status: String, Sendable, Equatable, CaseIterable, Codable {
    case normal
    case maintenanceRequired = "maintenance-required"
    case offSpec = "off-spec"
    case checkFunction = "check-function"
    case failure

    /// Ordering by severity, so a plant view can sort by risk.
    public var severity: Int {
        switch self {
        case .normal: 0
        case .maintenanceRequired: 1
        case .checkFunction: 2
        case .offSpec: 3
        case .failure: 4
        }
    }

    /// The status of an asset from its alarm points: among the annunciated alarms (unacknowledged,
    /// acknowledged, returned-unacknowledged) whose condition is active, a failure alarm or an urgent
    /// limit alarm is a failure, a communication alarm a check-function, a limit or deviation alarm off-spec, an RUL
    /// alarm maintenance-required.
    public static func of(alarms: [AlarmRecord]) -> NE107Status {
        let live = alarms.filter { $0.state.isAnnunciated && $0.active }
        if live.contains(where: { $0.kind == .failure || ($0.kind == .limit && $0.priority == .urgent) }) {
            return .failure
        }
        if live.contains(where: { $0.kind == .communication }) { return .checkFunction }
        if live.contains(where: { $0.kind == .limit || $0.kind == .deviation }) { return .offSpec }
        if live.contains(where: { $0.kind == .rul }) { return .maintenanceRequired }
        return .normal
    }
}
