import Foundation
import Planner
import PlantFile
import PrognosCore
import Simulator
import Testing

@testable import PolicyEvaluation

@Suite("Hindsight bound and plan")
struct HindsightTests {
    /// One mode on a synthetic clock: it wears 1/64 of its life per step from its onset and trips
    /// at a whole life; windows open every 20 steps; a new part starts at once; the run is 600 steps.
    static func lives(slow: (price: Double, factor: Double)?, failure: Double = 5000) -> ModeLives {
        let last = 600
        let profile = WearProfile(
            mode: "wear", kind: .generic, wear: (0...last).map { Double($0) / 64 },
            critical: Array(repeating: 1, count: last + 1),
            firstOnset: 0)
        let reset = MaintenanceAction(id: "reset", cost: 100, duration: .zero, crew: 1, effect: .resets(["wear"]))
        let slowing = MaintenanceAction(
            id: "slow", cost: slow?.price ?? 0, duration: .zero, crew: 1,
            effect: .slows(["wear"], factor: slow?.factor ?? 1))
        let prices = ModePrices(
            resets: [ModePrices.Reset(action: reset, share: 1, duration: 0, inWindow: 100, callOut: 250)],
            slows: slow.map { [ModePrices.Slow(action: slowing, price: $0.price, factor: $0.factor, duration: 0)] }
                ?? [],
            failure: failure, repair: reset, repairDuration: 0)
        var lives = ModeLives(
            profile: profile, prices: prices, windows: Array(stride(from: 20, through: 700, by: 20)), step: 3600,
            responseSeconds: 0,
            rules: ModeLives.Rules(stopCredit: 0, safetySteps: 0, decisionSteps: 1, relaxed: false),
            simulation: SimulationOptions(), asset: "a")
        lives.partDelays = Array(repeating: 0, count: 64)
        return lives
    }

    /// By hand: the first part trips at step 64, so it is renewed in the window at 60; each new part
    /// trips 64 steps after its renewal, so renewals every 60 steps (60, 120, …, 540) — nine at
    /// 100 — and the part fitted at 540 would trip at 604, after the end.
    @Test func renewsInTheLastWindowBeforeEachTrip() {
        var lives = Self.lives(slow: nil)
        #expect(lives.solveFromStart() == 900)
        let ends = lives.plan().map(\.choice.end)
        #expect(ends.count == 10)
        #expect(ends.prefix(9) == (1...9).map { ModeLives.End.window(reset: 0, at: 60 * $0) }.prefix(9))
        #expect(ends.last == .outlasts)
    }

    /// With a slowing that halves the wear for 30, a part slowed once lasts 128 steps, and a second
    /// slowing in the same life does nothing more (the factors do not compound). So every life is
    /// slowed at its start and renewed in the window at 120 steps: renewals at 120, 240, 360, 480
    /// (400), five slowings (150); the part fitted at 480 would trip at 608, after the end. Lives
    /// left unslowed last only 60 steps for 100, dearer.
    @Test func slowsEachLifeOnceAtItsStart() {
        var lives = Self.lives(slow: (30, 0.5))
        #expect(lives.solveFromStart() == 550)
        let plan = lives.plan()
        #expect(plan.map(\.choice.slow) == Array(repeating: 0, count: 5))
        #expect(
            plan.map(\.choice.end).prefix(4) == (1...4).map { ModeLives.End.window(reset: 0, at: 120 * $0) }.prefix(4))
        #expect(plan.last?.choice.end == .outlasts)
        // A life under way that is already slowed is not offered the same slowing again.
        let under = lives.life(
            ModeLives.Key(renewal: 0, start: 0, onset: 1), now: (step: 10, consumed: 0.05, slowed: 0.5))
        #expect(under.slow == nil)
    }

    /// When a failure (repaired at once) costs less than a renewal, the parts run to failure: nine
    /// trips at 64, 128, …, 576 at 50.
    @Test func runsToFailureWhenFailingIsCheaper() {
        var lives = Self.lives(slow: nil, failure: 50)
        #expect(lives.solveFromStart() == 450)
        #expect(lives.plan().filter { if case .failure = $0.choice.end { true } else { false } }.count == 9)
    }

    /// The window booking's prices of the first reset, by hand: in its own window (60) it costs 100
    /// and the nine renewals after it (900 in all, as above); moved to the window at 40 or 20, every
    /// later part comes earlier and the run needs ten renewals (1,000); a call-out adds the stop
    /// (250 for 100) to the cost in the last window.
    @Test func pricesAResetMovedToAnEarlierWindow() {
        var lives = Self.lives(slow: nil)
        let job = lives.job(reset: 0, renewal: 0, windows: [20, 40, 60])
        #expect(job.costs == [1000, 1000, 900])
        #expect(job.callOut == 1050)
        #expect(job.deadline == 2)
    }

    static func demo(keeping ids: [String], crew: Int? = nil) throws -> Plant {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Plants/demo.yaml").path
        var plant = try PlantFileLoader.load(path: path)
        for a in plant.areas.indices {
            for l in plant.areas[a].lines.indices {
                plant.areas[a].lines[l].assets.removeAll { !ids.contains($0.id) }
            }
        }
        if let crew {
            plant.economics.crewCapacity = crew
            for w in plant.economics.windows.indices { plant.economics.windows[w].crew = crew }
        }
        return plant
    }

    /// The bound is no more than what any policy costs, on every seed (a compressor whose filter
    /// clogs within months and a pump, half a year).
    @Test(arguments: [1, 2, 3] as [UInt64])
    func boundIsBelowEveryPolicy(seed: UInt64) throws {
        let plant = try Self.demo(keeping: ["compressor-201", "pump-101"])
        var options = PolicyEvaluationOptions()
        options.years = 0.5
        options.seed = seed
        options.trainingDays = 10
        let outcomes = try PolicyEvaluation.run(plant: plant, options: options)
        let bound = try #require(outcomes.first { $0.name == "hindsight-bound" })
        #expect(bound.cost > 0, "the filter clogs within the run, so something must be spent")
        for o in outcomes where o.name != bound.name {
            #expect(
                bound.cost <= o.cost + 1e-6, "\(o.name) costs \(o.cost) below the bound \(bound.cost) on seed \(seed)")
        }
    }

    /// With a crew of two, the hindsight plan still keeps every window's work within its crew and
    /// length, and does outside a window only what it ordered as a call-out.
    @Test func hindsightPlanRespectsCrewsAndWindows() throws {
        let plant = try Self.demo(keeping: ["compressor-201", "compressor-202", "pump-101"], crew: 2)
        var options = PolicyEvaluationOptions()
        options.years = 0.3
        options.seed = 2
        let hindsight = try Hindsight(plant: plant, options: options)
        var policy = HindsightPolicy(plant: plant, hindsight: hindsight, options: options)
        var episode = Episode(plant: plant, options: options, name: "hindsight-plan")
        let outcome = try episode.run(&policy)
        #expect(outcome.actions > 0)
        #expect(episode.performed.count == outcome.actions)
        let byWindow = Dictionary(grouping: episode.performed.filter { $0.window != nil }) { $0.window ?? 0 }
        for (start, jobs) in byWindow {
            let slot = try #require(WindowCalendar.openWindow(at: start, economics: plant.economics))
            #expect(jobs.allSatisfy { $0.time >= slot.start && $0.time < slot.end })
            let layout = jobs.map { (crew: $0.action.crew, duration: $0.action.duration.inSeconds) }
            #expect(CrewLayout.starts(layout, crew: slot.crew, length: slot.end - jobs[0].time) != nil)
        }
        let outside = episode.performed.filter { $0.window == nil }
        #expect(
            abs(outside.reduce(0) { $0 + $1.action.duration.inSeconds / 3600 } - outcome.plannedDowntimeHours) < 1e-9)
    }
}
