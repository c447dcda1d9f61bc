import Foundation
import PrognosCore
import Testing

@testable import Simulator

/// A simulation of the demo plant at nominal duty, no natural degradation, coarse step.
func nominalSimulation(seed: UInt64 = 3, step: Double = 600, variation: Bool = false) -> PlantSimulation {
    PlantSimulation(
        plant: demoPlant,
        options: SimulationOptions(seed: seed, step: step, naturalDegradation: false, operatingVariation: variation))
}

/// Simulated seconds from now until `asset` fails by `mode` (nil if not within `limit`).
func timeToFailure(_ sim: inout PlantSimulation, asset: String, mode: String, limit: Double) -> Double? {
    let start = sim.elapsed
    let failed = sim.advance(upTo: limit) { s in
        s.events.last.map { $0.kind == .failure && $0.asset == asset && $0.target == mode } ?? false
    }
    return failed ? sim.elapsed - start : nil
}

@Suite("Degradation and maintenance")
struct DegradationTests {
    @Test("Every failure mode of every demo asset reaches failure, trips the asset, near its scheduled time")
    func everyModeFails() throws {
        let ttf = 5 * 86400.0
        let maxModes = demoPlant.assets.map(\.failureModes.count).max() ?? 0
        var checked = 0
        for k in 0..<maxModes {
            var sim = nominalSimulation(step: 1200)
            var expected: [String: String] = [:]
            for asset in demoPlant.assets where asset.failureModes.count > k {
                try sim.startFault(asset: asset.id, mode: asset.failureModes[k].id, timeToFailure: ttf)
                expected[asset.id] = asset.failureModes[k].id
            }
            sim.advance(by: 3 * ttf)
            for (asset, mode) in expected.sorted(by: { $0.key < $1.key }) {
                let onset = sim.events.first { $0.kind == .faultOnset && $0.asset == asset && $0.target == mode }
                let failure = sim.events.first { $0.kind == .failure && $0.asset == asset }
                #expect(onset != nil, "\(asset) \(mode) started")
                #expect(failure?.target == mode, "\(asset) failed by \(mode): \(failure?.description ?? "no failure")")
                if let failure, let onset {
                    let took = failure.elapsed - onset.elapsed
                    #expect(
                        took > 0.6 * ttf && took < 1.6 * ttf,
                        "\(asset) \(mode) took \(took / 86400) d for a scheduled 5 d")
                    // The limit sensor really is past the limit, and the asset stays tripped.
                    let limit = try #require(demoPlant.asset(asset)?.failureModes.first { $0.id == mode }?.limit)
                    #expect(failure.detail.contains(limit.sensor))
                    #expect(sim.status(of: asset) == .failed(mode: mode))
                    checked += 1
                }
            }
        }
        #expect(checked == demoPlant.assets.reduce(0) { $0 + $1.failureModes.count })
    }

    @Test(
        "Higher load reaches failure sooner",
        arguments: [
            ("pump-101", "bearing-wear", 0.8, 1.0), ("pump-102", "impeller-wear", 0.85, 1.0),
            ("compressor-201", "filter-clogging", 0.6, 1.0), ("motor-211", "winding-ageing", 0.55, 0.9),
            ("gearbox-211", "gear-wear", 0.55, 0.9), ("fan-201", "rotor-fouling", 0.75, 1.0),
        ])
    func higherLoadFailsSooner(asset: String, mode: String, low: Double, high: Double) throws {
        var times: [Double] = []
        for duty in [low, high] {
            var sim = nominalSimulation(step: 1800)
            try sim.setDuty(asset: asset, fraction: duty)
            try sim.startFault(asset: asset, mode: mode, timeToFailure: 10 * 86400)
            let t = try #require(
                timeToFailure(&sim, asset: asset, mode: mode, limit: 80 * 86400), "\(asset) at \(duty)")
            times.append(t)
        }
        #expect(
            times[1] < 0.9 * times[0],
            "\(asset) \(mode): \(times[0] / 86400) d at \(low), \(times[1] / 86400) d at \(high)")
    }

    @Test("The declared action resets a worn bearing: vibration back to baseline, maintenance stop, restart")
    func resetRepairsDegradation() throws {
        var sim = nominalSimulation(step: 300)
        let baseline = try #require(sim.trueValue(asset: "pump-101", signal: "vibration_de"))
        try sim.startFault(asset: "pump-101", mode: "bearing-wear", timeToFailure: 10 * 86400)
        sim.advance(by: 9 * 86400)
        let worn = try #require(sim.trueValue(asset: "pump-101", signal: "vibration_de"))
        #expect(worn > baseline + 3, "bearing wear raised vibration from \(baseline) to \(worn)")
        try sim.apply(actionID: "replace-bearings", to: "pump-101")
        #expect(sim.failureModes(of: "pump-101").first { $0.modeID == "bearing-wear" }?.onset == nil)
        #expect(sim.events.contains { $0.kind == .repair && $0.asset == "pump-101" && $0.target == "bearing-wear" })
        guard case .maintenance(let until) = sim.status(of: "pump-101") else {
            Issue.record("pump-101 is stopped for the 6 h job, not \(String(describing: sim.status(of: "pump-101")))")
            return
        }
        #expect(abs(until - sim.elapsed - 6 * 3600) < 1)
        sim.advance(by: 7 * 3600)
        #expect(sim.status(of: "pump-101") == .running)
        #expect(sim.events.contains { $0.kind == .restart && $0.asset == "pump-101" })
        let repaired = try #require(sim.trueValue(asset: "pump-101", signal: "vibration_de"))
        #expect(abs(repaired - baseline) < 0.3, "vibration \(repaired) back near \(baseline)")
    }

    @Test("A failed asset stays down until the action that resets its failed mode")
    func failedAssetNeedsTheRightAction() throws {
        var sim = nominalSimulation()
        try sim.startFault(asset: "compressor-201", mode: "filter-clogging", timeToFailure: 2 * 86400)
        #expect(timeToFailure(&sim, asset: "compressor-201", mode: "filter-clogging", limit: 10 * 86400) != nil)
        sim.advance(by: 86400)
        #expect(sim.status(of: "compressor-201") == .failed(mode: "filter-clogging"))
        #expect(sim.trueValue(asset: "compressor-201", signal: "power") == 0, "a tripped compressor draws no power")
        try sim.apply(actionID: "lubricate-bearings", to: "compressor-201")
        sim.advance(by: 2 * 3600)
        #expect(
            sim.status(of: "compressor-201") == .failed(mode: "filter-clogging"),
            "greasing bearings does not clean a filter")
        try sim.apply(actionID: "replace-air-filter", to: "compressor-201")
        sim.advance(by: 2 * 3600)
        #expect(sim.status(of: "compressor-201") == .running)
        let dp = try #require(sim.trueValue(asset: "compressor-201", signal: "filter_dp"))
        #expect(dp < 30, "a new filter element: \(dp) mbar")
        #expect(throws: SimulationError.self) { try sim.apply(actionID: "replace-impeller", to: "compressor-201") }
    }

    @Test("Regreasing slows bearing wear, once per life; derating caps the duty until the next maintenance window")
    func slowsAndDerates() throws {
        func failureTime(greasings: Int) throws -> Double {
            var sim = nominalSimulation()
            try sim.startFault(asset: "pump-101", mode: "bearing-wear", timeToFailure: 10 * 86400)
            // Back to back, so that the asset stops for the same hour however many are done.
            for _ in 0..<greasings { try sim.apply(actionID: "lubricate-bearings", to: "pump-101") }
            let bearings = sim.failureModes(of: "pump-101").first { $0.modeID == "bearing-wear" }
            #expect(bearings?.slowFactor == (greasings == 0 ? 1 : 0.6))
            return try #require(timeToFailure(&sim, asset: "pump-101", mode: "bearing-wear", limit: 80 * 86400))
        }
        let plain = try failureTime(greasings: 0)
        let greased = try failureTime(greasings: 1)
        #expect(greased > 1.3 * plain, "regreasing (×0.6) slows wear: \(greased / 86400) d vs \(plain / 86400) d")
        // Regreasing restores lubrication; it does not make the bearing wear ever slower.
        let twice = try failureTime(greasings: 2)
        #expect(twice == greased, "a second regreasing in one life: \(twice / 86400) d vs \(greased / 86400) d")

        // 2025-01-01 is a Wednesday: the next window opens Saturday 06:00, 3 d 6 h later.
        var sim = nominalSimulation(step: 60)
        sim.advance(by: 3600)
        #expect(abs((sim.duty(of: "pump-101") ?? 0) - 0.9) < 0.01)
        try sim.apply(actionID: "derate-80", to: "pump-101")
        sim.advance(by: 86400)
        #expect(abs((sim.duty(of: "pump-101") ?? 0) - 0.8) < 0.01, "derated to 80 %")
        sim.advance(to: (3 * 24 + 6) * 3600 - 1800)
        #expect(abs((sim.duty(of: "pump-101") ?? 0) - 0.8) < 0.01, "still derated just before the window")
        sim.advance(to: (3 * 24 + 6) * 3600 + 1800)
        #expect(abs((sim.duty(of: "pump-101") ?? 0) - 0.9) < 0.01, "back to nominal once the window opened")
    }
}
