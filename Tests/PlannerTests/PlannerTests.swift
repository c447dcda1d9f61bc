import Foundation
import PrognosCore
import Testing
import WorldModel

@testable import Planner

@Suite("Planner")
struct PlannerTests {
    /// Linear wear with a log-normal rate: T = (L − x₀)/(s·e^{σZ}). The expected cost of renewing in
    /// window k is computed by integrating over Z, exactly as the cost model states it; the planner's
    /// Monte-Carlo choice must be the analytic argmin, and its price close to the analytic one.
    @Test func singleAssetIsScheduledAtTheWindowOfLeastAnalyticCost() throws {
        let plant = try fixturePlant()
        var configuration = PlannerConfiguration()
        configuration.draws = 20_000
        configuration.rateSpread = 0.3
        configuration.levelFloor = 0
        configuration.renewedLife = 60 * 86400
        configuration.detectionLevel = 0
        configuration.detectionPeak = -10
        let (x0, limit, perDay) = (2.0, 10.0, 0.4)  // median time to failure 20 d
        let health = ModeHealth(
            failureMode: "wear", level: x0, levelSD: 0, trend: perDay / 86400, trendSD: 0, limit: limit,
            growthOffset: 1e12)
        let input = PlanningInput(plant: plant, now: sunday, assets: [AssetHealth(asset: "pump-1", modes: [health])])
        let schedule = Planner(configuration: configuration).plan(input)

        // Analytic: over Z ~ N(0,1) on a fine grid.
        let horizon = configuration.horizon
        let slots = WindowCalendar.slots(plant.economics, from: sunday, horizon: horizon)
        #expect(slots.count == 5)
        let failure = 24000 + 1000 + (configuration.responseHours + 4) * 50
        let life = configuration.renewedLife
        func analyticCost(_ k: Int) -> Double {
            let tau = slots[k].start - sunday
            let next = k + 1 < slots.count ? slots[k + 1].start - sunday : horizon
            var cost = 0.0, beforeNext = 0.0, mass = 0.0
            var z = -8.0
            while z <= 8 {
                let w = exp(-z * z / 2) * 0.001
                let t = (limit - x0) / (perDay / 86400 * exp(configuration.rateSpread * z))
                cost += w * (t < tau ? failure + 1000 * (horizon - t) / life : 1000 + 1000 * (horizon - tau) / life)
                if t < next { beforeNext += w }
                mass += w
                z += 0.001
            }
            return cost / mass + beforeNext / mass * 4 * 50
        }
        let costs = slots.indices.map(analyticCost)
        let best = costs.indices.min { costs[$0] < costs[$1] }!
        let sorted = costs.sorted()
        #expect(sorted[1] - sorted[0] > 20, "the analytic optimum must be clear of the Monte-Carlo error: \(costs)")
        #expect(schedule.proposals.count == 1)
        let proposal = try #require(schedule.proposals.first)
        #expect(proposal.timing == .window(slots[best]), "analytic costs per window: \(costs)")
        #expect(abs(proposal.expectedCost - costs[best]) / costs[best] < 0.03)
    }

    /// Slowings do not compound: a mode greased since its last renewal is not offered the same
    /// greasing again (it would do nothing), and a stronger one is priced by what it adds.
    @Test func aSlowingThatWouldDoNothingMoreIsNotProposed() throws {
        let plant = try fixturePlant(
            actions: """
                - {id: renew, name: Renew the part, cost: 1000, duration: 4h, crew: 1, resets: [wear]}
                - {id: grease, name: Grease, cost: 10, duration: 1h, crew: 1, slows: [wear], factor: 0.5}
                """, actionIDs: "[renew, grease]")
        let asset = try #require(plant.asset("pump-1"))
        let grease = try #require(plant.action("grease"))
        var health = ModeHealth(
            failureMode: "wear", level: 6, levelSD: 0.1, trend: 0.2 / 86400, trendSD: 0.01 / 86400, limit: 10,
            growthOffset: 1e12)
        func offered(_ health: ModeHealth) -> Set<String> {
            let input = PlanningInput(
                plant: plant, now: sunday, assets: [AssetHealth(asset: "pump-1", modes: [health])])
            let context = PlanningContext(input: input, configuration: PlannerConfiguration())
            var stream = context.configuration.drawStream(asset: "pump-1", mode: "wear")
            let candidate = context.evaluate(
                asset: asset, mode: asset.failureModes[0], health: health,
                draws: context.configuration.drawFutures(health, using: &stream), constraints: [])
            return Set(candidate.options.compactMap { $0.action?.id })
        }
        #expect(PlanningContext.rateFactor(grease, health) == 0.5)
        #expect(offered(health) == ["renew", "grease"])
        health.slowFactor = 0.5
        #expect(PlanningContext.rateFactor(grease, health) == 1)
        #expect(offered(health) == ["renew"], "greased since the last renewal: greasing again does nothing")
        health.slowFactor = 0.8
        #expect(PlanningContext.rateFactor(grease, health) == 0.625)
        #expect(offered(health) == ["renew", "grease"])
    }

    @Test(arguments: [(crew: 1, assets: 6), (crew: 2, assets: 12), (crew: 3, assets: 25)])
    func crewCapacityIsNeverExceeded(crew: Int, assets count: Int) throws {
        let plant = try fixturePlant(
            count: count,
            windows: """
                - {id: tuesday, weekday: tuesday, start: "22:00", duration: 8h, crew: \(crew)}
                - {id: saturday, weekday: saturday, start: "06:00", duration: 10h}
                """,
            actions:
                "- {id: renew, name: Renew, cost: 800, duration: 3h, crew: 1, resets: [wear]}\n- {id: overhaul, name: Overhaul, cost: 1500, duration: 5h, crew: 2, resets: [wear]}",
            actionIDs: "[renew, overhaul]", crew: max(crew, 2), downtimePerHour: 2000, failureCost: 60000)
        // Every asset degrades, some fast: more work than the windows can take.
        let assets = (1...count).map { i in
            AssetHealth(
                asset: "pump-\(i)",
                modes: [
                    ModeHealth(
                        failureMode: "wear", level: 3 + Double(i % 5), trend: Double(1 + i % 4) * 0.25 / 86400,
                        limit: 10)
                ])
        }
        let schedule = Planner().plan(PlanningInput(plant: plant, now: sunday, assets: assets))
        #expect(!schedule.proposals.isEmpty)
        let capacity = plant.economics.crewCapacity
        for proposal in schedule.proposals where proposal.crew > 0 {
            let limit: Int
            switch proposal.timing {
            case .now: limit = capacity
            case .window(let slot):
                limit = slot.crew
                #expect(proposal.start >= slot.start && proposal.end <= slot.end + 1e-6)
            }
            let together = schedule.proposals.filter { other in
                other.timing == proposal.timing && other.start <= proposal.start && proposal.start < other.end
            }
            #expect(together.reduce(0) { $0 + $1.crew } <= limit, "at \(clock(proposal.start)) in \(proposal.when)")
        }
    }

    @Test func assetWithHealthyMarginGetsNoProposal() throws {
        let plant = try fixturePlant(count: 2)
        let assets = [
            AssetHealth(
                asset: "pump-1",
                modes: [ModeHealth(failureMode: "wear", level: 0.5, trend: 0.001 / 86400, limit: 10, deviation: 1.2)]),
            AssetHealth(
                asset: "pump-2",
                modes: [ModeHealth(failureMode: "wear", level: 6, trend: 0.5 / 86400, limit: 10, deviation: 40)]),
        ]
        let schedule = Planner().plan(PlanningInput(plant: plant, now: sunday, assets: assets))
        #expect(!schedule.proposals.contains { $0.asset == "pump-1" })
        #expect(!schedule.watch.contains { $0.asset == "pump-1" })
        #expect(schedule.proposals.contains { $0.asset == "pump-2" })
        #expect(schedule.modesDegrading == 1)
    }

    @Test func reasoningCarriesTheComputedNumbers() throws {
        let plant = try fixturePlant(
            windows:
                "- {id: monday, weekday: monday, start: \"08:00\", duration: 8h, crew: 2}\n- {id: thursday, weekday: thursday, start: \"08:00\", duration: 8h, crew: 2}",
            actions:
                "- {id: renew, name: Renew the part, cost: 1000, duration: 4h, crew: 1, resets: [wear]}\n- {id: slow-down, name: Run at 80 %, cost: 0, duration: 0h, crew: 0, derate: 0.8}",
            actionIDs: "[renew, slow-down]")
        let evidence = [SensorEvidence(sensor: "s", unit: "mm/s", value: 6.1, deviation: 48, trendPerDay: 2)]
        let health = ModeHealth(
            failureMode: "wear", level: 5, trend: 0.4 / 86400, limit: 10, deviation: 48, evidence: evidence)
        let schedule = Planner().plan(
            PlanningInput(plant: plant, now: sunday, assets: [AssetHealth(asset: "pump-1", modes: [health])]))
        let p = try #require(schedule.proposals.first { $0.action == "renew" })
        let text = p.reasoning
        #expect(text.contains("pump-1 wear"))
        #expect(text.contains("s reads 6.10 mm/s"))
        #expect(text.contains("48.0 healthy spreads"))
        #expect(text.contains("P(failure before it) = \(percent(p.failureProbabilityBefore))"))
        #expect(
            text.contains("= \(percent(p.failureProbabilityBeforeNext)); expected cost \(money(p.expectedCost, "EUR"))")
        )
        #expect(text.contains("saving \(money(p.expectedCostIgnored - p.expectedCost, "EUR"))"))
        #expect(text.contains("P(failure within 30 d) = \(percent(p.failureProbabilityIgnored))"))
        #expect(text.contains("expected cost \(money(p.expectedCostIgnored, "EUR"))."))
        if case .window(let slot) = p.timing { #expect(text.contains(clock(slot.start))) }
        let derated = try #require(p.failureProbabilityBeforeIfDerated)
        #expect(derated <= p.failureProbabilityBefore)
        // The plan's totals are the sums over its modes.
        #expect(abs(schedule.expectedCost - schedule.modes.reduce(0) { $0 + $1.expectedCost }) < 1e-6)
        #expect(p.expectedCost < p.expectedCostIgnored)
    }

    @Test func sameSeedSamePlan() throws {
        let plant = try fixturePlant(count: 5)
        let assets = (1...5).map { i in
            AssetHealth(
                asset: "pump-\(i)",
                modes: [ModeHealth(failureMode: "wear", level: Double(i), trend: 0.3 / 86400, limit: 10)])
        }
        let input = PlanningInput(plant: plant, now: sunday, assets: assets)
        var configuration = PlannerConfiguration()
        configuration.seed = 42
        let a = Planner(configuration: configuration).plan(input)
        let b = Planner(configuration: configuration).plan(input)
        #expect(a == b)
        #expect(a.json(site: "test", version: 1) == b.json(site: "test", version: 1))
        configuration.seed = 43
        let c = Planner(configuration: configuration).plan(input)
        #expect(c.expectedCost != a.expectedCost)
    }

    /// A mode whose world-model deviation lags (2 spreads, below `detectionLevel`) still counts as
    /// degrading once its limit sensor's daily peak passes the sensor's alarm (halfway from the
    /// normal range to the limit when the sensor has none), provided it rises significantly.
    @Test(arguments: [
        (alarm: "{high: 5.5}", peak: 0.3, degrading: true),  // alarm at 0.25 of the way from normal to the limit
        (alarm: "{high: 5.5}", peak: 0.2, degrading: false),
        (alarm: "", peak: 0.3, degrading: false),  // no alarm: halfway
        (alarm: "", peak: 0.6, degrading: true),
        (alarm: "{high: 12}", peak: 0.6, degrading: true),  // an alarm beyond the limit counts as none
    ])
    func limitSensorPastItsAlarmCountsAsDegrading(alarm: String, peak: Double, degrading: Bool) throws {
        let plant = try fixturePlant(alarm: alarm)
        let health = ModeHealth(
            failureMode: "wear", level: 6, trend: 0.3 / 86400, trendSD: 0.05 / 86400, limit: 10, deviation: 2,
            peakFraction: peak)
        let schedule = Planner().plan(
            PlanningInput(plant: plant, now: sunday, assets: [AssetHealth(asset: "pump-1", modes: [health])]))
        #expect(schedule.modesDegrading == (degrading ? 1 : 0))
        #expect(schedule.proposals.contains { $0.asset == "pump-1" } == degrading)
        // Flat or falling: never, whatever the peak.
        var flat = health
        flat.trend = 0
        let none = Planner().plan(
            PlanningInput(plant: plant, now: sunday, assets: [AssetHealth(asset: "pump-1", modes: [flat])]))
        #expect(none.modesDegrading == 0)
    }

    /// Derating gives up output until the next window: by default it costs `1 − fraction` of an
    /// hour of downtime per hour, so it is chosen only where it buys more than that; priced at
    /// nothing (`derateCostPerHour = 0`) it is taken whenever it lowers the risk at all.
    @Test func deratingIsPricedAtTheOutputItGivesUp() throws {
        let plant = try fixturePlant(
            actions:
                "- {id: renew, name: Renew, cost: 1000, duration: 4h, crew: 1, resets: [wear]}\n- {id: derate-80, name: Run at 80 %, cost: 0, duration: 0h, crew: 0, derate: 0.8}",
            actionIDs: "[renew, derate-80]", downtimePerHour: 2000)
        // Some risk before Monday's window, far from certain.
        let health = ModeHealth(failureMode: "wear", level: 6, trend: 0.5 / 86400, limit: 10, deviation: 60)
        let input = PlanningInput(plant: plant, now: sunday, assets: [AssetHealth(asset: "pump-1", modes: [health])])
        let priced = Planner().plan(input)
        #expect(priced.proposals.allSatisfy { $0.derate == nil })
        var configuration = PlannerConfiguration()
        configuration.derateCostPerHour = 0
        let free = Planner(configuration: configuration).plan(input)
        #expect(free.proposals.contains { $0.derate == 0.8 })
        #expect(free.expectedCost <= priced.expectedCost + 1e-9)
    }

    @Test func derateWhatIfLowersTheRiskBeforeTheWindow() throws {
        let plant = try fixturePlant(
            actions:
                "- {id: renew, name: Renew, cost: 1000, duration: 4h, crew: 1, resets: [wear]}\n- {id: derate-80, name: Run at 80 %, cost: 0, duration: 0h, crew: 0, derate: 0.8}",
            actionIDs: "[renew, derate-80]")
        let health = ModeHealth(failureMode: "wear", level: 8, trend: 1.2 / 86400, limit: 10, deviation: 60)
        let input = PlanningInput(plant: plant, now: sunday, assets: [AssetHealth(asset: "pump-1", modes: [health])])
        let question = try WhatIf.parse("derate pump-1 60% until next window", plant: plant)
        #expect(question == .derate(asset: "pump-1", fraction: 0.6))
        let skip = Planner().whatIf(.skip(asset: "pump-1"), input: input)
        let skipped = try #require(skip.alternative.modes.first)
        #expect(skipped.action.isEmpty && skipped.derate == nil)
        #expect(skipped.failureProbability > 0.5)
        let derate = Planner().whatIf(question, input: input)
        let derated = try #require(derate.alternative.modes.first)
        #expect(derated.derate == 0.6)
        #expect(derate.text.contains("What if: derate pump-1 to 60 % until the next window"))
    }
}

@Suite("What-if questions")
struct WhatIfTests {
    @Test(arguments: [
        ("derate pump-1 80% until next window", WhatIf.derate(asset: "pump-1", fraction: 0.8)),
        ("derate pump-1 to 70 %", WhatIf.derate(asset: "pump-1", fraction: 0.7)),
        ("replace renew on pump-1 at monday", WhatIf.apply(action: "renew", asset: "pump-1", window: "monday")),
        ("apply renew on pump-1 at now", WhatIf.apply(action: "renew", asset: "pump-1", window: nil)),
        ("apply renew on pump-1 at next window", WhatIf.apply(action: "renew", asset: "pump-1", window: "next")),
        ("skip pump-1", WhatIf.skip(asset: "pump-1")),
    ])
    func acceptedForms(text: String, expected: WhatIf) throws {
        #expect(try WhatIf.parse(text, plant: fixturePlant()) == expected)
    }

    @Test func unknownTextListsTheAcceptedForms() throws {
        let plant = try fixturePlant()
        let error = try #require(throws: WhatIfError.self) { try WhatIf.parse("make pump-1 better", plant: plant) }
        for form in WhatIf.acceptedForms { #expect(error.message.contains(form)) }
        let asset = try #require(throws: WhatIfError.self) { try WhatIf.parse("skip pump-9", plant: plant) }
        #expect(asset.message.contains("pump-1"))
        let window = try #require(throws: WhatIfError.self) {
            try WhatIf.parse("apply renew on pump-1 at friday", plant: plant)
        }
        #expect(window.message.contains("monday"))
    }
}

@Suite("Degradation tracker and calendar")
struct TrackerTests {
    @Test func exponentialPeaksGiveTheirRateAndAcceleration() {
        var tracker = DegradationTracker()
        let g = 1 / (8 * 86400.0)
        // Daily peaks 0.02·e^{g t} (a P–F curve), observed hourly; deviation grows alongside.
        for hour in 0..<(20 * 24) {
            let t = Double(hour) * 3600
            tracker.observe(time: sunday + t, deviation: 50 * exp(g * t), gap: 400, fraction: 0.02 * exp(g * t))
        }
        let e = tracker.estimate()!
        let lastPeakTime = 18.5 * 86400  // the latest complete bin's mean time
        let expectedRate = g * 0.02 * exp(g * (lastPeakTime + 23.5 * 3600 / 2))
        #expect(abs(e.trend - expectedRate) / expectedRate < 0.25)
        #expect(e.offset != nil && e.offset! < 0.1 * e.limit)
        #expect(e.limit > 0.95 && e.limit <= 1)
        #expect(e.deviationLimit == 400)
    }

    @Test func linearPeaksAreNotTakenForAcceleration() {
        var tracker = DegradationTracker()
        for hour in 0..<(20 * 24) {
            let t = Double(hour) * 3600
            tracker.observe(time: sunday + t, deviation: 10 + t / 86400, gap: 100, fraction: 0.1 + 0.02 * t / 86400)
        }
        let e = tracker.estimate()!
        #expect(abs(e.trend * 86400 - 0.02) < 0.002)
        #expect(e.offset == nil || e.offset! >= 0.5 * e.limit)
    }

    @Test func windowsFallOnTheirWeekdayAndHour() throws {
        let plant = try fixturePlant(
            windows: "- {id: tuesday-night, weekday: tuesday, start: \"22:00\", duration: 8h, crew: 3}")
        let slots = WindowCalendar.slots(plant.economics, from: sunday, horizon: 15 * 86400)
        #expect(slots.map { clock($0.start) } == ["Tue 2025-01-07 22:00", "Tue 2025-01-14 22:00"])
        let open = try #require(WindowCalendar.openWindow(at: slots[0].start, economics: plant.economics))
        #expect(open.start == slots[0].start)
        #expect(WindowCalendar.openWindow(at: slots[0].end, economics: plant.economics) == nil)
        #expect(CrewLayout.starts([(2, 3600), (2, 3600), (1, 7200)], crew: 3, length: 7200) != nil)
        #expect(CrewLayout.starts([(2, 5 * 3600), (2, 5 * 3600)], crew: 3, length: 8 * 3600) == nil)
    }
}
