import Foundation
import PrognosCore
import Simulator

/// The cheapest sequence of lives of one failure mode, knowing the future (a dynamic program over
/// its parts).
///
/// A life is one part: it starts when the mode is reset (step `start`), its mode starts at the
/// part's onset and wears as the replay says, slowed by the slowing actions done to it, until it
/// is reset again or trips. A slowing makes the part wear at its factor from then on, and a second
/// one does not compound (`MaintenanceAction.slowed`): the part wears at the lowest factor applied.
/// With the future known, slowing early never hurts (it lowers the wear at every later step for
/// the same price), so a life is slowed at its start or not at all, by one action (the one with the
/// lowest factor among those done would do alone); and a later start never costs more (every later
/// trip comes no sooner), so of the windows before a trip only the last one is worth resetting in.
/// What is left to choose per life is whether and with which action to slow it, and how it ends: reset in that last window, a call-out just before the trip, the trip
/// itself (failure cost, repair after the response time), or — in the relaxation — a derating that
/// carries it to the next window, or the mode's share of an action that another mode's repair
/// does anyway. The value of a life depends only on its part number, start and onset, so the
/// program memoises on those.
struct ModeLives: Sendable {
    enum End: Sendable, Equatable {
        /// No trip before the end of the run.
        case outlasts
        case window(reset: Int, at: Int)
        case callOut(reset: Int, at: Int)
        /// The mode's share of a several-mode action done at `at` without its stop (relaxation).
        case joint(reset: Int, at: Int)
        /// Tripped; the repair starts at `repairAt` (nil: after the end, so nothing is charged).
        case failure(at: Int, repairAt: Int?)
        /// Derated at `at` until the window at `windowAt` (relaxation), reset there.
        case bridge(reset: Int, at: Int, windowAt: Int?)
    }

    struct Choice: Sendable {
        var cost: Double
        /// The slowing done at the life's start (index into the prices' `slows`), if any.
        var slow: Int?
        var end: End
        /// The next life: part number, start step, onset step.
        var next: Key?
        /// When the life would trip after its slowings, nil never.
        var trip: Int? = nil
    }

    struct Key: Hashable, Sendable {
        var renewal: Int
        var start: Int
        var onset: Int
    }

    /// How the lives are planned.
    struct Rules: Sendable {
        /// Stop time (seconds) of the asset a life is credited with: its wear is taken as that
        /// much running at the highest wear rate lower (maintenance of the asset stops it, and the
        /// relaxation must not wear a mode faster than any policy could).
        var stopCredit: Double
        /// Steps before a trip by which a plan must have acted (0 for the bound).
        var safetySteps: Int
        /// Call-outs only at multiples of this many steps (1 for the bound: any step).
        var decisionSteps: Int
        /// Whether the relaxation's extra endings (joint share, derating bridge) are allowed.
        var relaxed: Bool

        static let bound = Rules(stopCredit: 48 * 3600, safetySteps: 0, decisionSteps: 1, relaxed: true)
    }

    let profile: WearProfile
    let prices: ModePrices
    /// Opening steps of the windows, ascending (past the end of the run by a week).
    let windows: [Int]
    let step: Double
    let responseSeconds: Double
    let rules: Rules
    let simulation: SimulationOptions
    let asset: String
    var partDelays: [Double] = []
    var memo: [Key: Choice] = [:]
    /// Lives shorter than twice the longest gap between windows met while solving: for those the
    /// last-window argument above is not guaranteed (see docs/planner-evaluation.md).
    var shortLives = 0

    init(
        profile: WearProfile, prices: ModePrices, windows: [Int], step: Double, responseSeconds: Double, rules: Rules,
        simulation: SimulationOptions, asset: String
    ) {
        self.profile = profile
        self.prices = prices
        self.windows = windows
        self.step = step
        self.responseSeconds = responseSeconds
        self.rules = rules
        self.simulation = simulation
        self.asset = asset
        maxGap = zip(windows.dropFirst(), windows).map { $0 - $1 }.max() ?? 0
    }

    let maxGap: Int

    var lastStep: Int { profile.lastStep }

    /// The first step at which a mode starting at simulated second `time` has started.
    func onsetStep(_ time: Double) -> Int {
        var n = Int((time / step).rounded(.up))
        if n > 0, Double(n - 1) * step >= time { n -= 1 }
        return max(n, 1)
    }

    /// The delay from the `renewal`-th part to its mode's onset.
    mutating func partDelay(_ renewal: Int) -> Double {
        while partDelays.count <= renewal {
            partDelays.append(
                PlantSimulation.partOnsetDelay(
                    simulation, asset: asset, mode: profile.mode, kind: profile.kind, renewal: partDelays.count))
        }
        return partDelays[renewal]
    }

    /// The life that follows a reset at step `at` taking `duration` seconds: the mode of the new
    /// part starts at the first step after the reset at which its onset has come.
    mutating func nextLife(after renewal: Int, at: Int, duration: Double) -> Key {
        let onset = Double(at) * step + duration + partDelay(renewal + 1)
        return Key(renewal: renewal + 1, start: at, onset: max(at + 1, onsetStep(onset)))
    }

    /// The whole cost, from the first part on.
    mutating func solveFromStart() -> Double {
        guard let first = profile.firstOnset else { return 0 }
        return value(Key(renewal: 0, start: 0, onset: onsetStep(first))).cost
    }

    /// The cheapest way through the life `key` and every later one.
    mutating func value(_ key: Key) -> Choice {
        if let known = memo[key] { return known }
        let choice = life(key, now: nil)
        memo[key] = choice
        return choice
    }

    /// The best plan for the life `key`; `now`: the mode has consumed `consumed` by step `step`
    /// at slowing `slowed` (a life under way), nil for a life seen from its start.
    mutating func life(_ key: Key, now: (step: Int, consumed: Double, slowed: Double)?) -> Choice {
        var best = Choice(cost: .infinity, slow: nil, end: .outlasts, next: nil)
        if key.onset > lastStep, now == nil { return Choice(cost: 0, slow: nil, end: .outlasts, next: nil) }
        let slowed = now?.slowed ?? 1
        // No slowing, or one of the actions that would lower the rate, weakest first (so each trip
        // comes no sooner than the one before).
        let options =
            [(index: Int?.none, slow: slowed, price: 0.0, duration: 0.0)]
            + prices.slows.enumerated().map { k, s in
                (
                    index: Int?.some(k), slow: MaintenanceAction.slowed(slowed, by: s.factor), price: s.price,
                    duration: s.duration
                )
            }.filter { $0.slow < slowed }.sorted { $0.slow > $1.slow }
        var from = now.map { $0.step + 1 } ?? key.onset
        for option in options {
            let credit = (rules.stopCredit + option.duration) / step * profile.maxStepWear
            let base: Double
            if let now {
                base = profile.wear[min(now.step, lastStep)] - now.consumed / option.slow + credit
            } else {
                base = profile.wear[key.onset - 1] + credit
            }
            guard let trip = profile.tripStep(from: from, base: base, slow: option.slow) else {
                if option.price < best.cost {
                    best = Choice(cost: option.price, slow: option.index, end: .outlasts, next: nil)
                }
                from = lastStep + 1
                continue
            }
            from = trip
            if trip - key.start < 2 * maxGap { shortLives += 1 }
            consider(&best, key: key, trip: trip, slow: option.index, paid: option.price)
        }
        return best
    }

    /// Every way to end a life that trips at `trip`, after the slowing `slow` that cost `paid`.
    mutating func consider(_ best: inout Choice, key: Key, trip: Int, slow: Int?, paid: Double) {
        func take(_ cost: Double, _ end: End, _ next: Key?) {
            if cost < best.cost { best = Choice(cost: cost, slow: slow, end: end, next: next, trip: trip) }
        }
        let deadline = trip - rules.safetySteps
        // The last window before the deadline.
        if let w = lastWindow(before: deadline), w > key.start {
            for (r, reset) in prices.resets.enumerated() {
                let next = nextLife(after: key.renewal, at: w, duration: reset.duration)
                take(paid + reset.inWindow + value(next).cost, .window(reset: r, at: w), next)
            }
        }
        // A call-out at the last decision before the deadline.
        let callOut = (deadline - 1) / rules.decisionSteps * rules.decisionSteps
        if callOut > key.start, callOut >= 1 {
            for (r, reset) in prices.resets.enumerated() {
                let next = nextLife(after: key.renewal, at: callOut, duration: reset.duration)
                let rest = value(next).cost
                take(paid + reset.callOut + rest, .callOut(reset: r, at: callOut), next)
                if rules.relaxed, reset.share < 1 {
                    take(paid + reset.inWindow + rest, .joint(reset: r, at: callOut), next)
                }
            }
        }
        // The trip.
        let due = Double(trip) * step + responseSeconds
        let repairStep = Int((due / step - 1e-9).rounded(.up))
        if repairStep <= lastStep {
            let next = nextLife(after: key.renewal, at: repairStep, duration: prices.repairDuration)
            take(paid + prices.failure + value(next).cost, .failure(at: trip, repairAt: repairStep), next)
        } else {
            take(paid, .failure(at: trip, repairAt: nil), nil)
        }
        // Derated from just before the trip to the next window.
        if rules.relaxed, trip - 1 > key.start, let bridge = bridge(from: trip - 1) {
            if bridge.window > lastStep {
                take(paid + bridge.cost, .bridge(reset: 0, at: trip - 1, windowAt: nil), nil)
            } else {
                for (r, reset) in prices.resets.enumerated() {
                    let next = nextLife(after: key.renewal, at: bridge.window, duration: reset.duration)
                    take(
                        paid + bridge.cost + reset.inWindow + value(next).cost,
                        .bridge(reset: r, at: trip - 1, windowAt: bridge.window), next)
                }
            }
        }
    }

    /// The reset `r` that ends the life of part `renewal`, as a job for `WindowBooking`: what it
    /// costs in each of `windows` (the life's own last window last), its price with the cheapest
    /// lives after it; and as a call-out, its price outside a window with the lives that follow the
    /// last window (a call-out comes later still, so its lives cost no more: the call-out is never
    /// priced below what it costs).
    mutating func job(reset r: Int, renewal: Int, windows: [Int]) -> WindowBooking.Job {
        let reset = prices.resets[r]
        let costs = windows.map { w in
            reset.inWindow + value(nextLife(after: renewal, at: w, duration: reset.duration)).cost
        }
        return WindowBooking.Job(
            crew: reset.action.crew, duration: reset.duration, costs: costs,
            callOut: reset.callOut - reset.inWindow + (costs.last ?? reset.inWindow))
    }

    /// Running derated from step `at` to the next window (its opening step), and what that costs.
    func bridge(from at: Int) -> (window: Int, cost: Double)? {
        guard let perSecond = prices.deratingPerSecond, let w = windows.first(where: { $0 > at }) else { return nil }
        return (w, perSecond * Double(w - at) * step + (prices.derating?.cost ?? 0))
    }

    /// The last window opening strictly before step `deadline`.
    func lastWindow(before deadline: Int) -> Int? {
        var low = 0, high = windows.count
        while low < high {
            let mid = (low + high) / 2
            if windows[mid] < deadline { low = mid + 1 } else { high = mid }
        }
        return low > 0 ? windows[low - 1] : nil
    }

    /// What the cheapest plan from the first part does, life by life.
    mutating func plan() -> [(key: Key, choice: Choice)] {
        guard let first = profile.firstOnset else { return [] }
        var key: Key? = Key(renewal: 0, start: 0, onset: onsetStep(first))
        var lives: [(Key, Choice)] = []
        while let k = key {
            let choice = value(k)
            lives.append((k, choice))
            key = choice.next
        }
        return lives
    }
}
