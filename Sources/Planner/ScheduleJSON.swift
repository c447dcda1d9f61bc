import Foundation
import PrognosCore

extension MaintenanceSchedule {
    /// The plan as one JSON document (the retained MQTT message on `prognos/<site>/plan` and
    /// `prognos plan --format json`). Times are ISO 8601 UTC; probabilities 0…1; money in `currency`.
    public func json(site: String, version: Int64?) -> String {
        var fields: [(String, String)] = [
            ("site", JSONText.string(site)), ("version", version.map(String.init) ?? "null"),
            ("created_at", JSONText.time(createdAt)), ("horizon_end", JSONText.time(horizonEnd)),
            ("currency", JSONText.string(currency)), ("expected_cost", JSONText.number(expectedCost)),
            ("baseline_cost", JSONText.number(baselineCost)), ("summary", JSONText.string(summary)),
            ("modes_examined", String(modesExamined)), ("modes_degrading", String(modesDegrading)),
        ]
        fields.append(("proposals", "[" + proposals.map(\.json).joined(separator: ",") + "]"))
        let watched = watch.map { w in
            JSONText.object([
                ("asset", JSONText.string(w.asset)), ("failure_mode", JSONText.string(w.failureMode)),
                ("p_fail_within_horizon", JSONText.number(w.failureProbabilityWithinHorizon)),
                ("reasoning", JSONText.string(w.reasoning)),
            ])
        }
        fields.append(("watch", "[" + watched.joined(separator: ",") + "]"))
        return JSONText.object(fields)
    }
}

extension Proposal {
    /// One proposal as a JSON object (see `MaintenanceSchedule.json`).
    public var json: String {
        let evidence = self.evidence.map { e in
            JSONText.object([
                ("sensor", JSONText.string(e.sensor)), ("unit", JSONText.string(e.unit)),
                ("value", e.value.map(JSONText.number) ?? "null"),
                ("deviation", JSONText.number(e.deviation)),
            ])
        }
        return JSONText.object([
            ("asset", JSONText.string(asset)), ("failure_mode", JSONText.string(failureMode)),
            ("action", JSONText.string(action)),
            ("action_name", JSONText.string(actionName)), ("when", JSONText.string(when)),
            ("start", JSONText.time(start)), ("end", JSONText.time(end)), ("crew", String(crew)),
            ("derate", derate.map(JSONText.number) ?? "null"), ("expected_cost", JSONText.number(expectedCost)),
            ("expected_cost_ignored", JSONText.number(expectedCostIgnored)),
            ("p_fail_before", JSONText.number(failureProbabilityBefore)),
            ("p_fail_before_next", JSONText.number(failureProbabilityBeforeNext)),
            ("p_fail_ignored", JSONText.number(failureProbabilityIgnored)),
            ("p_fail_before_if_derated", failureProbabilityBeforeIfDerated.map(JSONText.number) ?? "null"),
            (
                "time_to_failure_s",
                JSONText.object([
                    ("p10", JSONText.number(timeToFailure.p10)), ("median", JSONText.number(timeToFailure.median)),
                    ("p90", JSONText.number(timeToFailure.p90)),
                ])
            ),
            ("evidence", "[" + evidence.joined(separator: ",") + "]"), ("reasoning", JSONText.string(reasoning)),
        ])
    }
}
