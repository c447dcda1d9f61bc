import Foundation
import PrognosCore
import WorldModel

/// Plans maintenance for the whole plant from the health of its failure modes.
///
/// For every degrading failure mode it draws futures of the degradation (Monte-Carlo over the
/// level, the rate and the growth law that the world model and the trajectory allow), rolls every
/// candidate through them — do nothing, act now, act in each coming window with each action of the
/// catalogue that resets or slows the mode, each of these with the asset derated until the next
/// window — and prices them: the action, the downtime of acting outside a window, an unplanned
/// failure (its cost with secondary damage, the repair and its downtime), and the life of the old
/// part thrown away by acting early. Then it chooses one candidate per mode for the whole plant so
/// that the total expected cost is lowest and no window holds more work than its crew can do
/// (greedy by stake, then local improvement). Pure and deterministic for a seed.
public struct Planner: Sendable {
    public var configuration: PlannerConfiguration

    public init(configuration: PlannerConfiguration = PlannerConfiguration()) {
        self.configuration = configuration
    }

    /// The plan for `input`. `constraints` force or forbid choices (what-if questions).
    public func plan(_ input: PlanningInput, constraints: [PlanConstraint] = []) -> MaintenanceSchedule {
        let context = PlanningContext(input: input, configuration: configuration)
        var modes = context.degradingModes(constraints: constraints)
        let assignment = Scheduler(context: context).assign(&modes)
        return context.schedule(modes: modes, assignment: assignment)
    }
}

/// Forces or forbids a choice, for what-if questions.
public enum PlanConstraint: Sendable, Equatable {
    /// Derate the asset (to `fraction` of rated load) until the next window, whatever is cheapest.
    case derate(asset: String, fraction: Double)
    /// Do this action on the asset at this time (nil window: now; "next": the first window).
    case apply(asset: String, action: String, window: String?)
    /// Do nothing to the asset within the horizon.
    case skip(asset: String)
    /// Examine the asset's modes even if healthy, choosing freely (the baseline of a what-if).
    case examine(asset: String)
}

// MARK: - Candidates

/// Where an option's action happens: now outside a window, or in slot `k`.
enum SlotChoice: Hashable, Sendable {
    case now
    case window(Int)
}

struct Option: Sendable {
    var action: MaintenanceAction?
    var slot: SlotChoice?
    /// Derating fraction until the next window, if derated.
    var derate: MaintenanceAction?
    var cost = 0.0
    var failBefore = 0.0
    var failBeforeNext = 0.0
    var failHorizon = 0.0
}

struct ModeCandidate: Sendable {
    var asset: Asset
    var mode: FailureMode
    var health: ModeHealth
    var options: [Option]
    /// Index of the do-nothing option (always present).
    var nothing: Int
    var timeToFailure: (Double, Double, Double)
    var derateFailBefore: [Int: Double] = [:]
}

/// The draws and prices of one planning run.
struct PlanningContext: Sendable {
    let input: PlanningInput
    let configuration: PlannerConfiguration
    let slots: [WindowSlot]
    let now: Double
    let horizon: Double
    /// Start of the first window after now (relative seconds), the end of any derating.
    let derateUntil: Double

    init(input: PlanningInput, configuration: PlannerConfiguration) {
        self.input = input
        self.configuration = configuration
        now = input.now
        horizon = configuration.horizon
        slots = WindowCalendar.slots(input.plant.economics, from: input.now, horizon: configuration.horizon)
        derateUntil = (slots.first { $0.start > input.now }?.start).map { $0 - input.now } ?? 7 * 86400
    }

    /// Relative time at which an action in `slot` starts.
    func time(_ slot: SlotChoice) -> Double {
        switch slot {
        case .now: 0
        case .window(let k): max(0, slots[k].start - now)
        }
    }

    /// Relative start of the window after `slot` (the horizon if none).
    func nextTime(after slot: SlotChoice?) -> Double {
        guard let slot else { return horizon }
        switch slot {
        case .now: return slots.first.map { max(0, $0.start - now) } ?? horizon
        case .window(let k): return k + 1 < slots.count ? slots[k + 1].start - now : horizon
        }
    }

    func degradingModes(constraints: [PlanConstraint]) -> [ModeCandidate] {
        let plant = input.plant
        var result: [ModeCandidate] = []
        for health in input.assets {
            guard let asset = plant.asset(health.asset) else { continue }
            let assetConstraints = constraints.filter { $0.asset == asset.id }
            for modeHealth in health.modes.sorted(by: { $0.failureMode < $1.failureMode }) {
                guard let mode = asset.failureModes.first(where: { $0.id == modeHealth.failureMode }) else { continue }
                if modeHealth.failure != nil {
                    result.append(corrective(asset: asset, mode: mode, health: modeHealth))
                    continue
                }
                var stream = configuration.drawStream(asset: asset.id, mode: mode.id)
                let forced = !assetConstraints.isEmpty
                let alarm = ModeEstimator.alarmFraction(
                    sensor: asset.sensors.first { $0.id == mode.limit.sensor }, mode: mode)
                guard forced || configuration.isDegrading(modeHealth, alarmFraction: alarm) else { continue }
                let draws = configuration.drawFutures(modeHealth, using: &stream)
                var candidate = evaluate(
                    asset: asset, mode: mode, health: modeHealth, draws: draws, constraints: assetConstraints)
                if !forced, candidate.options[candidate.nothing].failHorizon < configuration.minimumRisk,
                    candidate.options.allSatisfy({
                        $0.action == nil || $0.cost >= candidate.options[candidate.nothing].cost
                    })
                {
                    candidate.options = [candidate.options[candidate.nothing]]
                    candidate.nothing = 0
                }
                result.append(candidate)
            }
        }
        return result
    }

    // MARK: Futures

    /// One future of the mode: the growth law's offset and rate, the starting level and the limit.
    struct Future: Sendable {
        var x0: Double
        var c: Double
        /// Relative growth per second of (level + c); 0 or less: never fails.
        var g: Double
        var limit: Double
        /// Seconds of degradation (at the current rate) until the limit.
        var clock: Double
    }

    /// Real time at which `clock` seconds of degradation have accumulated, when the rate is `rho`
    /// until `until` and `f` from `from` on.
    @inline(__always)
    func realTime(_ clock: Double, rho: Double, until: Double, f: Double, from: Double) -> Double {
        if clock == .infinity { return .infinity }
        var t = 0.0
        var left = clock
        let first = min(until, from), second = max(until, from)
        for k in 0..<3 {
            let cut = k == 0 ? first : (k == 1 ? second : Double.infinity)
            let rate = (t < until ? rho : 1) * (t >= from ? f : 1)
            if rate > 0 {
                if t + left / rate <= cut { return t + left / rate }
                left -= (cut - t) * rate
            } else if cut == .infinity {
                return .infinity
            }
            t = cut
        }
        return .infinity
    }

    // MARK: Prices

    struct Prices {
        var failure: Double
        var resetCost: Double
        var downtimePerSecond: Double
    }

    func prices(asset: Asset, mode: FailureMode) -> Prices {
        let economics = input.plant.economics
        let resets = resetActions(asset: asset, mode: mode)
        let repair = resets.min { ($0.cost, $0.id) < ($1.cost, $1.id) }
        let repairHours = configuration.responseHours + (repair.map { $0.duration.inSeconds } ?? 0) / 3600
        let failure =
            (asset.failureCost ?? economics.failureCost) + (repair?.cost ?? 0) + repairHours
            * economics.downtimeCostPerHour
        return Prices(
            failure: failure, resetCost: repair?.cost ?? 0, downtimePerSecond: economics.downtimeCostPerHour / 3600)
    }

    func actions(of asset: Asset) -> [MaintenanceAction] {
        let plant = input.plant
        return asset.actionIDs.isEmpty ? plant.actions : asset.actionIDs.compactMap { plant.action($0) }
    }

    func resetActions(asset: Asset, mode: FailureMode) -> [MaintenanceAction] {
        actions(of: asset).filter { if case .resets(let ids) = $0.effect { ids.contains(mode.id) } else { false } }
    }

    func evaluate(
        asset: Asset, mode: FailureMode, health: ModeHealth, draws: [Future], constraints: [PlanConstraint]
    ) -> ModeCandidate {
        let p = prices(asset: asset, mode: mode)
        let all = actions(of: asset)
        let recent = Set(
            input.recentActions.filter { $0.asset == asset.id && input.now - $0.time < configuration.repeatGap }.map(
                \.action))
        // A slowing no stronger than the one the mode already has does nothing (they do not compound).
        let acting = all.filter {
            !$0.failureModes.isEmpty && $0.failureModes.contains(mode.id) && !recent.contains($0.id)
                && (Self.rateFactor($0, health).map { $0 < 1 } ?? true)
        }
        let derating =
            input.derated.contains(asset.id) ? nil : all.first { if case .derates = $0.effect { true } else { false } }
        var timings: [SlotChoice] = []
        let open = slots.first.map { $0.start <= now } ?? false
        if !open { timings.append(.now) }
        timings += slots.indices.map { SlotChoice.window($0) }

        var options: [Option] = []
        for derate in [nil] + (derating.map { [$0] } ?? []) {
            options.append(Option(action: nil, slot: nil, derate: derate))
            for action in acting {
                for timing in timings where fits(action, timing) {
                    options.append(Option(action: action, slot: timing, derate: derate))
                }
            }
        }
        // What-if constraints.
        for constraint in constraints {
            switch constraint {
            case .skip: options = options.filter { $0.action == nil && $0.derate == nil }
            case .examine: break
            case .derate(_, let fraction):
                var forced =
                    derating
                    ?? MaintenanceAction(
                        id: "derate", name: "Derate", cost: 0, duration: .zero, crew: 0,
                        effect: .derates(fraction: fraction))
                forced.effect = .derates(fraction: fraction)
                options = options.filter { $0.derate == nil }.map { option in
                    var o = option
                    o.derate = forced
                    return o
                }
            case .apply(_, let actionID, let window):
                let target: SlotChoice? =
                    switch window {
                    case nil: open ? .window(0) : .now
                    case "next"?: slots.firstIndex { $0.start > now }.map { .window($0) }
                    case let id?: slots.firstIndex { $0.window == id }.map { .window($0) }
                    }
                let matching = options.filter { $0.action?.id == actionID && $0.slot == target }
                if !matching.isEmpty { options = matching }
            }
        }
        if options.isEmpty { options = [Option(action: nil, slot: nil, derate: nil)] }

        let n = Double(draws.count)
        for i in options.indices {
            let option = options[i]
            var rho = 1.0
            var derateCost = 0.0
            if let d = option.derate, case .derates(let fraction) = d.effect {
                rho = pow(max(fraction, 0), configuration.derateExponent)
                let lost =
                    configuration.derateCostPerHour ?? (1 - min(max(fraction, 0), 1))
                    * input.plant.economics.downtimeCostPerHour
                derateCost = d.cost + lost * derateUntil / 3600
            }
            let tau = option.slot.map(time) ?? .infinity
            let next = nextTime(after: option.slot)
            var f = 1.0
            var resets = false
            var actionCost = 0.0
            if let action = option.action {
                actionCost = action.cost
                if option.slot == .now { actionCost += action.duration.inSeconds * p.downtimePerSecond }
                switch action.effect {
                case .resets: resets = true
                case .slows: f = Self.rateFactor(action, health) ?? 1
                case .derates: break
                }
            }
            var total = 0.0, before = 0.0, beforeNext = 0.0, within = 0.0
            for draw in draws {
                let life = partLife(health, draw)
                let t = realTime(draw.clock, rho: rho, until: derateUntil, f: f, from: resets ? .infinity : tau)
                if t < tau { before += 1 }
                if t < next { beforeNext += 1 }
                var cost = 0.0
                if resets {
                    if t < tau && t < horizon {
                        cost = p.failure + p.resetCost * (horizon - t) / life
                        within += 1
                    } else {
                        cost = actionCost + p.resetCost * max(0, horizon - tau) / life
                    }
                } else {
                    if t < horizon {
                        cost =
                            p.failure + p.resetCost * (horizon - t) / life
                            + (option.action != nil && t >= tau ? actionCost : 0)
                        within += 1
                    } else {
                        // The old part's life used by the horizon, counted in time as the new part's
                        // is above: what is left of it (t − horizon) is worth its share of a part's
                        // life, so a slowing earns the life it adds and no more.
                        let used = t.isFinite ? 1 - (t - horizon) / life : 0
                        cost = p.resetCost * min(max(used, 0), 1) + (option.action != nil ? actionCost : 0)
                    }
                }
                total += cost
            }
            // Waiting for a window is a bet that the mode does not turn urgent before it: the risk of
            // failing before the window after it is the risk of a call-out (the plant stops for it).
            var callOut = 0.0
            if let action = option.action, case .window = option.slot {
                callOut = beforeNext / n * action.duration.inSeconds * p.downtimePerSecond
            }
            options[i].cost = total / n + derateCost + callOut
            options[i].failBefore = before / n
            options[i].failBeforeNext = beforeNext / n
            options[i].failHorizon = within / n
        }
        let nothing = options.firstIndex { $0.action == nil && $0.derate == nil } ?? 0
        let times = Self.timeToFailure(draws)
        var candidate = ModeCandidate(
            asset: asset, mode: mode, health: health, options: options, nothing: nothing,
            timeToFailure: (times.p10, times.median, times.p90))
        // What derating would buy: failure before each time with the asset derated.
        if let d = derating, case .derates(let fraction) = d.effect {
            let rho = pow(max(fraction, 0), configuration.derateExponent)
            for (k, slot) in slots.enumerated() {
                let tau = max(0, slot.start - now)
                let count = draws.filter {
                    realTime($0.clock, rho: rho, until: derateUntil, f: 1, from: .infinity) < tau
                }.count
                candidate.derateFailBefore[k] = Double(count) / n
            }
        }
        return candidate
    }

    /// The life of the part a renewal fits, which prices the old part's life thrown away by renewing
    /// early: the life this part reaches in the draw (its age and its time to failure) when its age is
    /// known, for the next part of a mode lasts about as long as this one; else the configured
    /// `renewedLife`. A filter element that clogs in two months and a gear set that lasts years
    /// lose very different sums by being renewed a week early.
    func partLife(_ health: ModeHealth, _ draw: Future) -> Double {
        guard let age = health.ageSinceRenewal else { return configuration.renewedLife }
        return max(age + draw.clock, 86400)
    }

    /// How much a slowing action changes the mode's rate now (nil for any other action): the trend
    /// already runs at the mode's current slowing, and slowings do not compound.
    static func rateFactor(_ action: MaintenanceAction, _ health: ModeHealth) -> Double? {
        guard case .slows(_, let factor) = action.effect else { return nil }
        guard health.slowFactor > 0 else { return 1 }
        return MaintenanceAction.slowed(health.slowFactor, by: factor) / health.slowFactor
    }

    func fits(_ action: MaintenanceAction, _ timing: SlotChoice) -> Bool {
        if case .derates = action.effect { return false }
        switch timing {
        case .now: return action.crew <= input.plant.economics.crewCapacity
        case .window(let k):
            let slot = slots[k]
            let available = slot.end - max(slot.start, now)
            return action.crew <= slot.crew && action.duration.inSeconds <= available + 1e-6
        }
    }
}

extension PlanConstraint {
    var asset: String {
        switch self {
        case .derate(let asset, _), .apply(let asset, _, _), .skip(let asset), .examine(let asset): asset
        }
    }
}
