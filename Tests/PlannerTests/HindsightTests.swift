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
            slow: slow.map { (slowing, $0.price, $0.factor, 0) }, failure: failure, repair: reset, repairDuration: 0)
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

    /// With a slowing that halves the wear for 30, the first part lasts 64 × 2ⁿ steps after n of
    /// them: four (120) carry it past step 600, cheaper than three and a renewal (90 + 100 + 30).
    @Test func slowsAtTheStartWhenThatOutlastsTheRun() {
        var lives = Self.lives(slow: (30, 0.5))
        #expect(lives.solveFromStart() == 120)
        let plan = lives.plan()
        #expect(plan.count == 1)
        #expect(plan.first?.choice.slows == 4)
    }

    /// When a failure (repaired at once) costs less than a renewal, the parts run to failure: nine
    /// trips at 64, 128, …, 576 at 50.
    @Test func runsToFailureWhenFailingIsCheaper() {
        var lives = Self.lives(slow: nil, failure: 50)
        #expect(lives.solveFromStart() == 450)
        #expect(lives.plan().filter { if case .failure = $0.choice.end { true } else { false } }.count == 9)
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
            let layout = jobs.map { (crew: $0.action.crew, duration: seconds($0.action.duration)) }
            #expect(CrewLayout.starts(layout, crew: slot.crew, length: slot.end - jobs[0].time) != nil)
        }
        let outside = episode.performed.filter { $0.window == nil }
        #expect(
            abs(outside.reduce(0) { $0 + seconds($1.action.duration) / 3600 } - outcome.plannedDowntimeHours) < 1e-9)
    }
}
