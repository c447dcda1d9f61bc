import Foundation
import Planner
import PrognosCore
import Simulator

/// The plant's future with the seed fixed, mode by mode: the replayed wear profiles, the prices of
/// what can be done, and the steps at which windows open; from it the hindsight lower bound and
/// the mode solvers of the feasible hindsight plan.
struct Hindsight: Sendable {
    struct Mode: Sendable {
        var asset: Asset
        var profile: WearProfile
        var prices: ModePrices
    }
    let plant: Plant
    let options: PolicyEvaluationOptions
    let modes: [Mode]
    /// Steps at which the harness sees each window open, ascending, to a week past the end.
    let windows: [Int]

    init(plant: Plant, options: PolicyEvaluationOptions) throws {
        self.plant = plant
        self.options = options
        var modes: [Mode] = []
        for asset in plant.assets {
            for profile in HindsightReplay.profiles(plant: plant, asset: asset, options: options) {
                let prices = try ModePrices(
                    plant: plant, asset: asset, mode: profile.mode, responseHours: options.responseHours)
                modes.append(Mode(asset: asset, profile: profile, prices: prices))
            }
        }
        self.modes = modes
        windows = Self.windowSteps(plant.economics, options: options)
    }

    /// The step at which the harness first sees each window open (its first step inside it).
    static func windowSteps(_ economics: Economics, options: PolicyEvaluationOptions) -> [Int] {
        let start = Episode.simulation(options).start
        let end = options.years * 365.25 * 86400 + 8 * 86400
        return WindowCalendar.slots(economics, from: start, horizon: end).compactMap {
            openingStep($0, start: start, step: options.step)
        }
    }

    /// The step at which the harness first sees `slot` open (its first step inside it; nil if no
    /// step falls in it), for a simulation that starts at `start` (epoch seconds).
    static func openingStep(_ slot: WindowSlot, start: Double, step: Double) -> Int? {
        let n = max(1, Int(((slot.start - start) / step - 1e-9).rounded(.up)))
        return Double(n) * step < slot.end - start ? n : nil
    }

    func solver(_ mode: Mode, rules: ModeLives.Rules) -> ModeLives {
        ModeLives(
            profile: mode.profile, prices: mode.prices, windows: windows, step: options.step,
            responseSeconds: options.responseHours * 3600,
            rules: rules, simulation: Episode.simulation(options), asset: mode.asset.id)
    }

    /// The lower bound: every mode's cheapest lives with perfect knowledge, crews ignored, each
    /// mode on its own (an action for several modes split among them), under the relaxations of
    /// `ModeLives.Rules.bound`. Its ledger counts the failures, actions and downtime of those plans
    /// and splits their cost as the harness splits a run's (actions, failures, downtime, derating).
    func bound() -> PolicyOutcome {
        var outcome = PolicyOutcome(name: PolicyKind.hindsightBound.rawValue)
        var shortLives = 0
        for mode in modes {
            var lives = solver(mode, rules: .bound)
            outcome.cost += lives.solveFromStart()
            for (_, choice) in lives.plan() { book(choice, of: mode, solver: lives, into: &outcome) }
            shortLives += lives.shortLives
        }
        if shortLives > 0 {
            outcome.note =
                "\(shortLives) lives shorter than two gaps between windows were met: for those, resetting in the last window before the trip is not proven best"
        }
        return outcome
    }

    /// Books one life of the bound's plan in its ledger, priced as the dynamic program priced it.
    func book(_ choice: ModeLives.Choice, of mode: Mode, solver: ModeLives, into outcome: inout PolicyOutcome) {
        let prices = mode.prices
        func action(_ id: String, _ cost: Double) {
            outcome.actions += 1
            outcome.actionCounts[id, default: 0] += 1
            outcome.actionCosts[id, default: 0] += cost
            outcome.actionCost += cost
        }
        if let s = choice.slow { action(prices.slows[s].action.id, prices.slows[s].price) }
        switch choice.end {
        case .outlasts: break
        case .window(let r, _), .joint(let r, _):
            action(prices.resets[r].action.id, prices.resets[r].inWindow)
        case .callOut(let r, _):
            let reset = prices.resets[r]
            action(reset.action.id, reset.inWindow)
            outcome.downtimeCost += reset.callOut - reset.inWindow
            outcome.plannedDowntimeHours += reset.duration / 3600 * reset.share
        case .bridge(let r, let at, let window):
            outcome.deratings += 1
            outcome.deratingCost += solver.bridge(from: at)?.cost ?? 0
            if window != nil { action(prices.resets[r].action.id, prices.resets[r].inWindow) }
        case .failure(_, let repairAt):
            outcome.failures += 1
            outcome.failedModes.append(mode.asset.id + "/" + mode.profile.mode)
            if repairAt != nil {
                outcome.downtimeHours += options.responseHours + prices.repairDuration / 3600
                outcome.downtimeCost += prices.failureDowntime
                outcome.failureCost += prices.failure - prices.failureDowntime
            }
        }
    }
}
