import Foundation
import PrognosCore

extension PlanningContext {
    /// The plan: proposals laid out in their windows, with their reasoning, and the modes to watch.
    func schedule(modes: [ModeCandidate], assignment: [Int]) -> MaintenanceSchedule {
        let scheduler = Scheduler(context: self)
        var jobs: [SlotChoice: [Scheduler.Job]] = [:]
        for (i, m) in modes.enumerated() {
            let option = m.options[assignment[i]]
            if let action = option.action, let slot = option.slot {
                jobs[slot, default: []].append(
                    Scheduler.Job(mode: i, crew: action.crew, duration: action.duration.inSeconds))
            }
        }
        var starts: [Int: Double] = [:]
        for (slot, list) in jobs {
            let offsets = scheduler.layout(list, in: slot) ?? list.map { _ in 0 }
            let origin = slot == .now ? now : max(slots[slotIndex(slot)].start, now)
            for (job, offset) in zip(list, offsets) { starts[job.mode] = origin + offset }
        }
        var proposals: [Proposal] = []
        var watch: [Watch] = []
        var outcomes: [ModeOutcome] = []
        var expected = 0.0
        var baseline = 0.0
        for (i, m) in modes.enumerated() {
            let option = m.options[assignment[i]]
            let ignored = m.options[m.nothing]
            expected += option.cost
            baseline += ignored.cost
            var fraction: Double?
            if let d = option.derate, case .derates(let f) = d.effect { fraction = f }
            outcomes.append(
                ModeOutcome(
                    asset: m.asset.id, failureMode: m.mode.id, action: option.action?.id ?? "",
                    when: option.slot.map { $0 == .now ? "now" : slots[slotIndex($0)].window } ?? "", derate: fraction,
                    expectedCost: option.cost, failureProbability: option.failHorizon,
                    expectedCostIgnored: ignored.cost,
                    failureProbabilityIgnored: ignored.failHorizon))
            if option.action == nil && option.derate == nil {
                if let failure = m.health.failure {
                    watch.append(
                        Watch(
                            asset: m.asset.id, failureMode: m.mode.id, level: m.health.level, limit: m.health.limit,
                            failureProbabilityWithinHorizon: 1,
                            reasoning: failureText(m, failure)
                                + " No action of the catalogue that restores this mode can be done now."))
                } else if ignored.failHorizon >= configuration.minimumRisk
                    || m.health.deviation >= configuration.detectionLevel
                {
                    watch.append(
                        Watch(
                            asset: m.asset.id, failureMode: m.mode.id, level: m.health.level, limit: m.health.limit,
                            failureProbabilityWithinHorizon: ignored.failHorizon,
                            reasoning: evidenceText(m)
                                + " No action pays yet: P(failure within \(days(horizon))) = \(percent(ignored.failHorizon)); re-planned as it changes."
                        ))
                }
                continue
            }
            proposals.append(proposal(m, option: option, ignored: ignored, start: starts[i]))
        }
        proposals.sort { ($0.start, $0.asset, $0.failureMode) < ($1.start, $1.asset, $1.failureMode) }
        watch.sort { ($0.failureProbabilityWithinHorizon, $1.asset) > ($1.failureProbabilityWithinHorizon, $0.asset) }
        let examined = input.assets.reduce(0) { $0 + $1.modes.count }
        return MaintenanceSchedule(
            createdAt: now, horizonEnd: now + horizon, currency: input.plant.economics.currency, proposals: proposals,
            watch: watch,
            modes: outcomes.sorted { ($0.asset, $0.failureMode) < ($1.asset, $1.failureMode) },
            slots: slots, expectedCost: expected, baselineCost: baseline, modesExamined: examined,
            modesDegrading: modes.count)
    }

    func slotIndex(_ slot: SlotChoice) -> Int {
        if case .window(let k) = slot { return k }
        return 0
    }

    func proposal(_ m: ModeCandidate, option: Option, ignored: Option, start: Double?) -> Proposal {
        let currency = input.plant.economics.currency
        var fraction: Double?
        if let d = option.derate, case .derates(let f) = d.effect { fraction = f }
        let action = option.action ?? option.derate!
        let begin = start ?? now
        let timing: ProposalTiming = option.slot.map { $0 == .now ? .now : .window(slots[slotIndex($0)]) } ?? .now
        let duration = option.action.map { $0.duration.inSeconds } ?? 0
        var derated: Double?
        if case .window(let k)? = option.slot { derated = m.derateFailBefore[k] }
        var text = evidenceText(m)
        let ttf = m.timeToFailure
        if let failure = m.health.failure {
            text = failureText(m, failure)
        } else {
            let life = ttf.1 < horizon ? RemainingLife(quantiles: ttf.1, p10: ttf.0, p90: ttf.2, horizon: horizon) : nil
            text +=
                " If ignored: P(failure within \(days(horizon))) = \(percent(ignored.failHorizon)), time to failure \(RemainingLifeText.long(.degrading, life, horizon: horizon)), expected cost \(money(ignored.cost, currency))."
        }
        if m.health.failure != nil, let a = option.action {
            text +=
                " Proposed: \(a.name) now, to repair it (\(days(a.duration.inSeconds)) of work): expected cost \(money(option.cost, currency)), against \(money(ignored.cost, currency)) if it stands to the horizon."
        } else if let a = option.action, let slot = option.slot {
            let when: String
            let nextName: String
            switch slot {
            case .now:
                when = "now (outside a window: \(days(a.duration.inSeconds)) of downtime)"
                nextName = slots.first.map { "the \($0.window) window (\(clock($0.start)))" } ?? "the horizon"
            case .window(let k):
                when = "in the \(slots[k].window) window (\(clock(slots[k].start)))"
                nextName =
                    k + 1 < slots.count
                    ? "the \(slots[k + 1].window) window after it (\(clock(slots[k + 1].start)))" : "the horizon"
            }
            text +=
                " Proposed: \(a.name) \(when): P(failure before it) = \(percent(option.failBefore)), before \(nextName) = \(percent(option.failBeforeNext)); expected cost \(money(option.cost, currency)), saving \(money(ignored.cost - option.cost, currency))."
        }
        if let fraction {
            text +=
                " Derate to \(Int((fraction * 100).rounded())) % until the next window (\(clock(now + derateUntil)))."
        }
        if let derated, option.derate == nil {
            text +=
                " Derating until the next window would make P(failure before the proposed time) \(percent(derated))."
        } else if option.action == nil, let d = option.derate {
            _ = d
            text +=
                " Derating buys: expected cost \(money(option.cost, currency)) instead of \(money(ignored.cost, currency))."
        }
        return Proposal(
            asset: m.asset.id, failureMode: m.mode.id, action: action.id, actionName: action.name, timing: timing,
            start: begin,
            end: begin + duration, crew: option.action?.crew ?? 0, derate: fraction, expectedCost: option.cost,
            expectedCostIgnored: ignored.cost, failureProbabilityBefore: option.failBefore,
            failureProbabilityBeforeNext: option.failBeforeNext, failureProbabilityIgnored: ignored.failHorizon,
            failureProbabilityBeforeIfDerated: derated, timeToFailure: (ttf.0, ttf.1, ttf.2), level: m.health.level,
            limit: m.health.limit, trendPerDay: m.health.trend * 86400, evidence: m.health.evidence, reasoning: text)
    }

    /// "pump-101 bearing-wear: vibration_de 5.3 mm/s is 89 healthy spreads toward its limit (215), rising 6.1 a day; …"
    func evidenceText(_ m: ModeCandidate) -> String {
        let h = m.health
        let limitSensor = m.mode.limit.sensor
        var text = "\(m.asset.id) \(m.mode.id):"
        let main = h.evidence.first { $0.sensor == limitSensor }
        let reading =
            main?.value.map { " reads \(number($0))\(main?.unit.isEmpty == false ? " " + main!.unit : "")" } ?? ""
        text +=
            " \(limitSensor)\(reading), \(number(h.deviation)) healthy spreads from normal toward its limit (\(m.mode.limit.direction.rawValue) \(number(m.mode.limit.value)))"
        text +=
            "; its peaks have come \(Int((100 * h.level / max(h.limit, 1e-9)).rounded())) % of the way there, moving \(signed(100 * h.trend * 86400 / max(h.limit, 1e-9))) points a day"
        if let c = h.growthOffset, c < 0.5 * max(h.limit, 1e-9) { text += " and accelerating" }
        text += "."
        let others = h.evidence.filter { $0.sensor != limitSensor && abs($0.deviation) >= 2 }
        if !others.isEmpty {
            text +=
                " Also off normal: "
                + others.map { "\($0.sensor) \(signed($0.deviation)) spreads (\(signed($0.trendPerDay))/d)" }.joined(
                    separator: ", ") + "."
        }
        return text
    }
}

func number(_ x: Double) -> String {
    let a = abs(x)
    if a >= 100 { return String(Int(x.rounded())) }
    if a >= 10 { return String(format: "%.1f", x) }
    if a >= 0.1 { return String(format: "%.2f", x) }
    return String(format: "%.3g", x)
}

func signed(_ x: Double) -> String { (x >= 0 ? "+" : "") + number(x) }

/// "Tue 2025-01-07 22:00" (UTC).
public func clock(_ epoch: Double) -> String { CivilTime.weekdayAndMinute(epoch) }
