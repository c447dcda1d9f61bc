import Daemon
import Foundation
import Planner
import PlantRuntime
import PrognosCore
import Store

/// Messages with the daemon's own schema, made by the daemon's own encoders (AlertMessages,
/// AssetSummary), so the fleet service is tested against what plants really publish.
enum RealMessages {
    /// An alarm transition of `asset` at `time`: raised (condition-activated) or, with `cleared`, returned to normal.
    static func alarm(
        site: String, asset: String, time: Double, cleared: Bool = false, kind: AlarmKind = .communication
    ) -> (topic: String, payload: String, eventID: String) {
        var machine = AlarmStateMachine()
        var transition = machine.update(conditionActive: true, at: time)!
        if cleared {
            _ = machine.acknowledge(at: time)
            transition = machine.update(conditionActive: false, at: time)!
        }
        let id = "\(asset)/\(kind.rawValue)"
        let record = AlarmRecord(
            id: id, asset: asset, kind: kind, sensors: ["flow"], priority: .high, machine: machine,
            message: "\(asset): no good value for 10 s", value: 10, threshold: 6, raisedAt: time, updatedAt: time)
        let payload = AlertMessages.alarm(site: site, alarm: record, transition: transition, actor: "prognos")
        let eventID = "\(id)@\(Int64((time * 1000).rounded()))/\(transition.cause.rawValue)"
        return (AlertMessages.alarmTopic(site: site, asset: asset), payload, eventID)
    }

    static func state(
        site: String, asset: String, status: NE107Status, time: Double, score: Double? = 0.4, rulDays: Double? = nil
    ) -> (topic: String, payload: String) {
        let summary = AssetSummary(
            asset: asset, status: status, score: score, threshold: 1, drivers: ["vibration_de"],
            modes: rulDays.map {
                [
                    ModeOutlook(
                        failureMode: "bearing-wear", state: .degrading,
                        life: RemainingLife(median: $0 * 86_400, p10: $0 * 43_200, p90: $0 * 172_800),
                        horizon: 30 * 86_400)
                ]
            } ?? [],
            activeAlarms: status == .normal ? 0 : 1, learning: false, time: time)
        return (AlertMessages.stateTopic(site: site, asset: asset), AlertMessages.state(summary, site: site))
    }

    /// A plan document in the schema of `MaintenanceSchedule.json` (docs/mqtt.md, "plan"), with one proposal.
    static func plan(
        site: String, createdAt: Double, version: Int64, asset: String, windowStart: Double
    ) -> (topic: String, payload: String) {
        let proposal = """
            {"asset":"\(asset)","failure_mode":"bearing-wear","action":"replace-bearings","action_name":"Replace bearings",\
            "when":"tuesday-night","start":"\(isoTime(windowStart))","end":"\(isoTime(windowStart + 8 * 3600))","crew":2,\
            "derate":null,"expected_cost":3400,"expected_cost_ignored":21000,"p_fail_before":0.02,"p_fail_before_next":0.4,\
            "p_fail_ignored":0.55,"p_fail_before_if_derated":null,"time_to_failure_s":{"p10":300000,"median":900000,"p90":2000000},\
            "evidence":[{"sensor":"vibration_de","unit":"mm/s","value":7.1,"deviation":3.2}],"reasoning":"bearing wear rising"}
            """
        let payload = """
            {"site":"\(site)","version":\(version),"created_at":"\(isoTime(createdAt))","horizon_end":"\(isoTime(createdAt + 14 * 86_400))",\
            "currency":"EUR","expected_cost":3400,"baseline_cost":21000,"summary":"1 proposal, 0 to watch",\
            "modes_examined":12,"modes_degrading":1,"proposals":[\(proposal)],"watch":[]}
            """
        return (AlertMessages.planTopic(site: site), payload)
    }
}
