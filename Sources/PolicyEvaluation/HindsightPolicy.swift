import Foundation
import Planner
import PrognosCore
import Simulator

/// The feasible hindsight plan: the bound's dynamic program made to obey the harness. It knows the
/// future from the replayed wear profiles and the true state of every mode now; at each window it
/// re-solves every mode from where it really stands, without the relaxations (no stop credit, no
/// joint shares, no derating bridge, call-outs only at re-plan times, acting a margin before a
/// predicted trip), and books the resets the plan puts in the coming windows as a scheduler would
/// (`WindowBooking`): where a window's crew is full, the reset that loses least by going early
/// moves to the latest earlier window with room, and only what no window can take is called out.
/// It orders what is booked in this window, what is due in it and fits nowhere (at once, outside
/// the window), and the slowing the plan has for a life not yet slowed. A look ahead in the true
/// simulation to the next window overrides the model where it would let a mode trip. Between
/// windows it calls out a reset when no window comes before the margin.
struct HindsightPolicy: MaintenancePolicy {
    let plant: Plant
    let step: Double
    /// Per asset (plant order), its modes' solvers in the simulator's mode order.
    var solvers: [[ModeLives]]

    /// Hours before a predicted trip by which the plan acts: the replay leaves out what other modes'
    /// damage and maintenance stops do to a mode, so its trip times can be off by hours.
    static let safetyHours = 24.0

    init(plant: Plant, hindsight: Hindsight, options: PolicyEvaluationOptions) {
        self.plant = plant
        step = options.step
        let rules = ModeLives.Rules(
            stopCredit: 0, safetySteps: Int((Self.safetyHours * 3600 / options.step).rounded()),
            decisionSteps: max(1, Int((options.replanHours * 3600 / options.step).rounded())), relaxed: false)
        solvers = plant.assets.map { asset in
            hindsight.modes.filter { $0.asset.id == asset.id }.map { hindsight.solver($0, rules: rules) }
        }
    }

    var decidesBetweenWindows: Bool { true }

    mutating func decide(_ sim: PlantSimulation, window: WindowSlot?) -> [Order] {
        let now = Int((sim.elapsed / step).rounded())
        var callOuts: [(trip: Int, order: Order)] = []
        var jobs: [(trip: Int, order: Order, job: WindowBooking.Job)] = []
        var slowings: [Order] = []
        let tripping = window == nil ? [:] : tripsBeforeNextWindow(sim, now: now)
        let coming = window == nil ? [] : comingWindows(sim)
        for (a, asset) in plant.assets.enumerated() {
            guard let status = sim.status(of: asset.id) else { continue }
            if case .failed = status { continue }
            // In place: the solvers' memos are large, and a copy would duplicate them.
            for (m, state) in sim.failureModes(of: asset.id).enumerated() where m < solvers[a].count {
                guard let onset = state.onset ?? state.naturalOnset else { continue }
                let onsetStep = solvers[a][m].onsetStep(onset)
                guard onsetStep <= solvers[a][m].lastStep else { continue }
                // A life under way (or its part waiting for its onset), seen from now; a window now counts.
                let key = ModeLives.Key(renewal: state.renewals, start: now - 1, onset: onsetStep)
                let current = (
                    step: max(now, onsetStep - 1), consumed: state.onset == nil ? 0 : state.consumed,
                    slowed: state.slowFactor
                )
                if let trip = tripping[asset.id + "/" + state.modeID],
                    let r = solvers[a][m].prices.resets.indices.min(by: {
                        solvers[a][m].prices.resets[$0].inWindow < solvers[a][m].prices.resets[$1].inWindow
                    })
                {
                    // The truth says it trips before the next window could act: now, whatever the model says.
                    let reset = solvers[a][m].prices.resets[r]
                    let job = WindowBooking.Job(
                        crew: reset.action.crew, duration: reset.duration, costs: [reset.inWindow],
                        callOut: reset.callOut)
                    jobs.append((trip, Order(asset: asset.id, action: reset.action, urgent: true), job))
                    continue
                }
                if window == nil, !mustCallOut(solvers[a][m], current: current) { continue }
                let choice = solvers[a][m].life(key, now: current)
                switch choice.end {
                case .window(let r, let at) where window != nil:
                    guard let deadline = coming.firstIndex(where: { $0.step == at }) else { break }
                    let job = solvers[a][m].job(
                        reset: r, renewal: state.renewals, windows: coming[...deadline].map(\.step))
                    let order = Order(asset: asset.id, action: solvers[a][m].prices.resets[r].action, urgent: true)
                    jobs.append((choice.trip ?? at, order, job))
                case .callOut(let r, let at) where at <= now:
                    callOuts.append(
                        (at, Order(asset: asset.id, action: solvers[a][m].prices.resets[r].action, urgent: true)))
                default: break
                }
                if window != nil, let slow = choice.slow {
                    slowings.append(Order(asset: asset.id, action: solvers[a][m].prices.slows[slow].action))
                }
            }
        }
        // The same action on one asset for two modes (a motor swap renews the bearings too) is one job.
        var seen: Set<String> = []
        jobs = jobs.sorted { $0.trip < $1.trip }.filter {
            seen.insert($0.order.asset + "|" + $0.order.action.id).inserted
        }
        let booked = WindowBooking.book(jobs.map(\.job), windows: coming.map(\.window))
        // Booked in this window, then what is due in it and has no room anywhere (a call-out now).
        let inWindow = jobs.indices.filter { booked[$0] == 0 }.map { jobs[$0].order }
        let unplaced = jobs.indices.filter { booked[$0] == nil && jobs[$0].job.deadline == 0 }.map { jobs[$0].order }
        return inWindow + unplaced + callOuts.sorted { $0.trip < $1.trip }.map(\.order) + slowings
    }

    /// How far ahead the plan books its resets into windows: far enough that a busy week's work
    /// can move to the windows before it, where a week holds two or three windows.
    static let bookingDays = 21.0

    /// The windows open now or opening within `bookingDays`: the step at which the harness sees
    /// each open, its crew, and how long it is from then.
    func comingWindows(_ sim: PlantSimulation) -> [(step: Int, window: WindowBooking.Window)] {
        let start = sim.options.start
        return WindowCalendar.slots(plant.economics, from: sim.time, horizon: Self.bookingDays * 86400).compactMap {
            slot in
            guard let n = Hindsight.openingStep(slot, start: start, step: step) else { return nil }
            let opens = max(sim.time, start + Double(n) * step)
            return (
                max(n, Int((sim.elapsed / step).rounded())),
                WindowBooking.Window(crew: slot.crew, length: slot.end - opens)
            )
        }
    }

    /// The modes that, with nothing done, would trip before the next window opens (and the safety
    /// margin after it): a look ahead in a copy of the simulation, as the just-in-time policy does.
    /// The replayed profiles leave out how a mode's own damage heats a machine (a winding ages
    /// faster as it heats), so near the end of a life the truth decides.
    func tripsBeforeNextWindow(_ sim: PlantSimulation, now: Int) -> [String: Int] {
        guard let lives = solvers.first(where: { !$0.isEmpty })?.first else { return [:] }
        let next = lives.windows.first { $0 > now } ?? lives.lastStep
        var future = sim
        let seen = future.events.count
        future.advance(by: Double(next - now + lives.rules.safetySteps) * step)
        var trips: [String: Int] = [:]
        for event in future.events[seen...] where event.kind == .failure {
            guard let asset = event.asset, let mode = event.target else { continue }
            let key = asset + "/" + mode
            if trips[key] == nil { trips[key] = Int((event.elapsed / step).rounded()) }
        }
        return trips
    }

    /// Between windows: whether the mode's predicted trip (as it is slowed now) comes before the
    /// next window can act on it, so the plan must be consulted.
    func mustCallOut(_ lives: ModeLives, current: (step: Int, consumed: Double, slowed: Double)) -> Bool {
        let base = lives.profile.wear[min(current.step, lives.lastStep)] - current.consumed / current.slowed
        guard let trip = lives.profile.tripStep(from: current.step + 1, base: base, slow: current.slowed) else {
            return false
        }
        let deadline = trip - lives.rules.safetySteps
        guard let next = lives.lastWindow(before: deadline) else { return true }
        return next <= current.step
    }
}
