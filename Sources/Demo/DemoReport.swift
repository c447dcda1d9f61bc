import Dashboard
import Foundation
import PrognosCore
import Store

/// The report of a non-interactive demo run: faults injected, when each was flagged and by what,
/// what the planner proposed, and the alerts delivered — the figures the demo test checks.
enum DemoReport {
    struct TruthEvent {
        var elapsed: Double
        /// Simulated time (epoch seconds): the daemon's clock in the demo.
        var time: Double
        var event: String
        var asset: String
        var target: String
        var detail: String
    }

    /// The truth log's events; `elapsed` counts from `start` (the log's own column counts from the
    /// start of the simulator's warm-up).
    static func parseTruth(_ csv: String, start: Double) -> [TruthEvent] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return csv.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: ",", maxSplits: 6, omittingEmptySubsequences: false).map(String.init)
            guard f.count == 7, let time = formatter.date(from: f[1]) else { return nil }
            return TruthEvent(
                elapsed: time.timeIntervalSince1970 - start, time: time.timeIntervalSince1970, event: f[3], asset: f[4],
                target: f[5], detail: f[6])
        }
    }

    /// The report; `start` is the simulated clock's start (the daemon ran on the same clock, so
    /// every time in the store is simulated time).
    static func make(
        truthCSV: String, store: Store, plant: Plant, start: Double, received: [String]
    ) async throws -> String {
        let truth = parseTruth(truthCSV, start: start)
        let history = try await store.alarmHistory(after: 0, limit: 1_000_000)
        let alarms = Dictionary(uniqueKeysWithValues: try await store.alarms().map { ($0.id, $0) })
        let proposals = try await store.firstProposals()
        let maintenance = try await store.maintenance(after: 0)
        func elapsed(_ time: Double) -> String { clock(time - start) }

        var lines = [
            "", "Prognos demo report", "", "Faults injected (simulator's truth) and what Prognos made of them:",
        ]
        for onset in truth where onset.event == "fault-onset" || onset.event == "sensor-fault-start" {
            let isSensorFault = onset.event == "sensor-fault-start"
            let mode = plant.asset(onset.asset)?.failureModes.first { $0.id == onset.target }
            let watched = Set(isSensorFault ? [onset.target] : (mode?.sensors ?? []))
            let first = history.first { row in
                guard row.asset == onset.asset, row.cause == .conditionActivated, row.time >= onset.time - 1,
                    let alarm = alarms[row.alarmID], alarm.kind != .communication
                else { return false }
                return !watched.isDisjoint(with: alarm.sensors) || alarm.kind == .deviation
            }
            let failure = truth.first {
                $0.event == "failure" && $0.asset == onset.asset && $0.target == onset.target && $0.time >= onset.time
            }
            let what =
                isSensorFault ? "sensor fault: \(onset.target) \(onset.detail)" : "\(onset.target) (\(onset.detail))"
            var line = "  \(clock(onset.elapsed))  \(onset.asset) \(what)\n"
            if let first, let alarm = alarms[first.alarmID] {
                line +=
                    "          flagged at \(elapsed(first.time)) (+\(minutes(first.time - onset.time))) by \(alarm.id) [\(alarm.sensors.joined(separator: ", "))]"
                if let failure {
                    let margin = failure.time - first.time
                    line +=
                        margin > 0
                        ? ", \(minutes(margin)) before the failure at \(clock(failure.elapsed))"
                        : ", AFTER the failure at \(clock(failure.elapsed))"
                } else {
                    line += ", no failure"
                }
                if isSensorFault {
                    let suspected = alarm.message.contains("suspected sensor fault")
                    let blamedMode =
                        alarm.kind == .rul
                        || plant.asset(onset.asset)?.failureModes.contains {
                            alarm.message.contains("consistent with \($0.id)")
                        } == true
                    line +=
                        suspected
                        ? "\n          classified as a suspected sensor fault"
                        : (blamedMode
                            ? "\n          MISTAKEN for a machine failure mode"
                            : "\n          not attributed to a failure mode")
                }
            } else {
                line += "          not flagged" + (failure.map { "; failed at \(clock($0.elapsed))" } ?? "")
            }
            // What the planner asked for on this asset after the onset.
            let asked = proposals.filter { $0.proposal.asset == onset.asset && $0.plan.createdAt >= onset.time - 1 }
            if asked.isEmpty {
                line += "\n          planner proposed nothing for \(onset.asset)"
            }
            for (plan, proposal) in asked {
                let timing = timing(proposal, planned: plan.createdAt)
                line +=
                    "\n          planner proposed \(proposal.action)\(proposal.failureMode.map { " for \($0)" } ?? "") at \(elapsed(plan.createdAt)), \(timing)"
                if let failure {
                    let margin = failure.time - plan.createdAt
                    line += margin > 0 ? ", \(minutes(margin)) before the failure" : ", after the failure"
                }
            }
            if !isSensorFault {
                line += try await lifecycle(
                    asset: onset.asset, after: onset.time, history: history, alarms: alarms,
                    maintenance: maintenance, store: store, elapsed: elapsed)
            }
            lines.append(line)
        }

        lines.append("")
        if proposals.isEmpty {
            lines.append("The planner proposed nothing.")
        } else {
            lines.append("What the planner proposed, each first time, with its reasons:")
            for (plan, proposal) in proposals {
                lines.append(
                    "  \(elapsed(plan.createdAt))  \(proposal.action) on \(proposal.asset) (plan v\(plan.version ?? 0)), \(timing(proposal, planned: plan.createdAt)):"
                )
                lines += wrap(proposal.reasoning, width: 90, maxLines: 12).map { "          " + $0 }
            }
        }

        let transitions = history.map { "\($0.alarmID)@\(Int64(($0.time * 1000).rounded()))/\($0.cause.rawValue)" }
        let delivered = Set(received)
        let missing = transitions.filter { !delivered.contains($0) }
        let outbox = try await store.outboxCount().alerts
        lines.append("")
        lines.append(
            "Alerts: \(transitions.count) alarm transitions recorded, \(transitions.count - missing.count) delivered to an MQTT subscriber, \(outbox) left in the outbox."
        )
        return lines.joined(separator: "\n")
    }

    /// What became of a machine fault in Prognos after it was flagged: when Prognos marked the asset
    /// failed and what the planner proposed then; the maintenance reported done, and when the asset's
    /// alarms had all cleared after it.
    static func lifecycle(
        asset: String, after onset: Double, history: [AlarmHistoryRecord], alarms: [String: AlarmRecord],
        maintenance: [MaintenanceRecord], store: Store, elapsed: (Double) -> String
    ) async throws -> String {
        var text = ""
        let ofAsset = history.filter { $0.asset == asset && $0.time >= onset - 1 }
        if let failed = ofAsset.first(where: { alarms[$0.alarmID]?.kind == .failure && $0.cause == .conditionActivated }
        ) {
            text += "\n          Prognos marked it failed at \(elapsed(failed.time)) (\(failed.alarmID))"
            if let (plan, proposal) = try await store.firstProposal(asset: asset, from: failed.time) {
                text +=
                    "; corrective proposal at \(elapsed(plan.createdAt)): \(proposal.action), \(timing(proposal, planned: plan.createdAt))"
            }
        }
        for job in maintenance where job.asset == asset && job.doneAt >= onset {
            text +=
                "\n          maintenance reported done at \(elapsed(job.doneAt)): \(job.action) (by \(job.recordedBy))"
            // Replay the asset's alarms to the first moment after the job when none is active.
            var active: Set<String> = []
            var clearedAt: Double?
            for row in history where row.asset == asset && alarms[row.alarmID]?.kind != .communication {
                if row.cause == .conditionActivated { active.insert(row.alarmID) }
                if row.cause == .conditionCleared { active.remove(row.alarmID) }
                if row.time >= job.doneAt, active.isEmpty, clearedAt == nil { clearedAt = row.time }
                if !active.isEmpty { clearedAt = nil }
            }
            if active.isEmpty {
                text +=
                    clearedAt.map { "; back to normal at \(elapsed($0)), its alarms cleared" }
                    ?? "; no alarm of it was active"
            } else {
                text += "; still alarmed at the end: \(active.sorted().joined(separator: ", "))"
            }
        }
        return text
    }

    /// "now" (a call-out) or when the proposed window starts, from the plan's time.
    static func timing(_ proposal: ProposalRecord, planned: Double) -> String {
        guard let start = proposal.windowStart, start > planned + 60 else { return "now" }
        return "in the window starting \(minutes(start - planned)) later"
    }

    /// Simulated elapsed time as h:mm.
    static func clock(_ seconds: Double) -> String {
        let total = Int(max(0, seconds) / 60)
        return String(format: "%d:%02d", total / 60, total % 60)
    }

    static func minutes(_ seconds: Double) -> String {
        seconds >= 3600
            ? String(
                format: "%d h %02d min", Int(seconds / 3600), Int(seconds.truncatingRemainder(dividingBy: 3600) / 60))
            : "\(Int(seconds / 60)) min"
    }
}
