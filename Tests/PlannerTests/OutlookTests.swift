import Foundation
import PrognosCore
import Testing
import WorldModel

@testable import Planner

/// The one estimate per failure mode: the outlook that every view shows is the plan's own numbers.
@Suite("Failure-mode outlook")
struct OutlookTests {
    static let evidence = [SensorEvidence(sensor: "s", unit: "mm/s", value: 6.1, deviation: 48, trendPerDay: 2)]

    @Test("The outlook's remaining life is the plan's time to failure for the same health")
    func outlookAgreesWithThePlan() throws {
        let plant = try fixturePlant()
        let health = ModeHealth(
            failureMode: "wear", level: 5, levelSD: 0.2, trend: 0.4 / 86400, trendSD: 0.05 / 86400, limit: 10,
            deviation: 48, evidence: Self.evidence)
        let planner = Planner()
        let asset = try #require(plant.asset("pump-1"))
        let mode = try #require(asset.failureModes.first)
        let outlook = planner.outlook(health, asset: asset, mode: mode)
        let schedule = planner.plan(
            PlanningInput(plant: plant, now: sunday, assets: [AssetHealth(asset: "pump-1", modes: [health])]))
        let proposal = try #require(schedule.proposals.first)
        #expect(outlook.state == .degrading)
        let life = try #require(outlook.life)
        #expect(life.median == proposal.timeToFailure.median)
        #expect(life.p10 == proposal.timeToFailure.p10)
        #expect(life.p90 == proposal.timeToFailure.p90)
        // The reasoning quotes it in the words every view uses.
        #expect(proposal.reasoning.contains("time to failure \(outlook.lifeText)"), "\(proposal.reasoning)")
    }

    @Test("A mode without evidence of degradation has no remaining life, only the horizon it lies beyond")
    func healthyModesHaveNoRemainingLife() throws {
        let plant = try fixturePlant()
        let asset = try #require(plant.asset("pump-1"))
        let mode = try #require(asset.failureModes.first)
        let planner = Planner()
        // A noisy healthy machine: a trend that is not significant, a small deviation.
        let noisy = ModeHealth(
            failureMode: "wear", level: 0.3, levelSD: 0.2, trend: 0.2 / 86400, trendSD: 0.5 / 86400, limit: 1,
            deviation: 1.5)
        for health in [nil, noisy] {
            let outlook = planner.outlook(health, asset: asset, mode: mode)
            #expect(outlook.state == .healthy)
            #expect(outlook.life == nil)
            #expect(outlook.lifeText == "> 30 d")
        }
    }

    @Test("Intervals have width and hold the median, or are left out", arguments: [0.0, 0.02, 0.3])
    func intervalsAreNeverOfZeroWidth(levelSD: Double) throws {
        let plant = try fixturePlant()
        let asset = try #require(plant.asset("pump-1"))
        let mode = try #require(asset.failureModes.first)
        var configuration = PlannerConfiguration()
        configuration.levelFloor = 0
        configuration.rateSpread = 0
        configuration.detectionLevel = 0
        // Every draw alike (no scatter at all) is the case that gave "21 h (21–21)".
        let health = ModeHealth(
            failureMode: "wear", level: 9.9, levelSD: levelSD, trend: 1 / 86400, trendSD: 0, limit: 10,
            deviation: 40, growthOffset: 1e12)
        let outlook = Planner(configuration: configuration).outlook(health, asset: asset, mode: mode)
        let life = try #require(outlook.life)
        if let p10 = life.p10 {
            #expect(p10 < life.median)
            if let p90 = life.p90 { #expect(life.median < p90) }
        } else {
            #expect(life.p90 == nil)
        }
    }

    @Test("A failed mode gets its repair proposed at once, ahead of preventive work")
    func failedModeGetsItsCorrectiveAtOnce() throws {
        let plant = try fixturePlant(count: 2)
        let failed = {
            var h = ModeHealth(failureMode: "wear", level: 1, trend: 0, limit: 1)
            h.failure = ModeFailure(time: sunday - 600, reason: "s read 12, past its failure limit (above 11)")
            return h
        }()
        let degrading = ModeHealth(
            failureMode: "wear", level: 6, trend: 0.5 / 86400, limit: 10, deviation: 40, evidence: Self.evidence)
        let schedule = Planner().plan(
            PlanningInput(
                plant: plant, now: sunday,
                assets: [
                    AssetHealth(asset: "pump-1", modes: [degrading]), AssetHealth(asset: "pump-2", modes: [failed]),
                ]))
        let first = try #require(schedule.proposals.first)
        #expect(first.asset == "pump-2")
        #expect(first.timing == .now)
        #expect(first.action == "renew")
        #expect(first.reasoning.contains("failed"), "\(first.reasoning)")
        #expect(first.reasoning.contains("past its failure limit"))
        #expect(first.expectedCost < first.expectedCostIgnored)
        let outlook = Planner().outlook(
            failed, asset: try #require(plant.asset("pump-2")),
            mode: try #require(plant.asset("pump-2")?.failureModes.first))
        #expect(outlook.state == .failed && outlook.lifeText == "failed")
    }

    @Test(
        "Remaining lives are written by one rule",
        arguments: [
            (
                ModeState.degrading,
                RemainingLife?.some(RemainingLife(median: 3.24 * 86_400, p10: 1.1 * 86_400, p90: 6 * 86_400)),
                "3.2 d (10–90 %: 1.1–6.0 d)"
            ),
            (.degrading, RemainingLife(median: 21 * 3600, p10: nil, p90: nil), "21 h"),
            (
                .degrading, RemainingLife(median: 50 * 60, p10: 40 * 60, p90: nil),
                "50 min (10–90 %: 40 min to over 30 d)"
            ),
            (.healthy, nil, "> 30 d"),
            (.failed, RemainingLife(median: 0, p10: nil, p90: nil), "failed"),
        ])
    func oneRuleForWords(state: ModeState, life: RemainingLife?, text: String) {
        #expect(RemainingLifeText.long(state, life, horizon: 30 * 86_400) == text)
    }

    /// An accelerating mode (growth offset near zero) drawn with only its level's scatter: a draw
    /// below the estimated level must fail later than the estimate, one above it sooner. Dividing
    /// the slope by the drawn level made the lowest draws fail first.
    @Test("A level drawn lower than the estimate fails later, not sooner")
    func lowerLevelDrawsFailLater() {
        var configuration = PlannerConfiguration()
        configuration.rateSpread = 0
        configuration.levelFloor = 0.03
        let health = ModeHealth(
            failureMode: "seal-leak", level: 0.04, levelSD: 0, trend: 0.0035 / 86400, trendSD: 0, limit: 1,
            growthOffset: 1e-9)
        var stream = configuration.drawStream(asset: "pump", mode: "seal-leak")
        let draws = configuration.drawFutures(health, using: &stream)
        let estimate = log(1 / 0.04) * 0.04 / health.trend
        #expect(draws.contains { $0.x0 < 0.03 } && draws.contains { $0.x0 > 0.05 })
        for draw in draws where abs(draw.x0 - 0.04) > 1e-3 {
            #expect((draw.x0 < 0.04) == (draw.clock > estimate), "x0 \(draw.x0): \(draw.clock / 86400) d")
        }
    }
}
