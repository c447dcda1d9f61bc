import Foundation
import PrognosCore
import Testing

@testable import Simulator

@Suite("Physics sanity")
struct PhysicsTests {
    @Test("A healthy plant stays inside every normal range for a simulated month")
    func healthyMonth() {
        // Start in mid-summer and mid-winter: the hall and outdoor temperatures move every range.
        for start in [1_751_328_000.0, 1_735_689_600.0] {
            var sim = PlantSimulation(
                plant: demoPlant,
                options: SimulationOptions(seed: 11, start: start, step: 300, naturalDegradation: false))
            var violations: [String] = []
            var running = 0
            while sim.elapsed < 30 * 86400 {
                sim.step()
                if sim.stepCount % 8 == 0 {
                    violations += normalRangeViolations(sim, measured: true)
                    running += sim.assetIDs.filter { sim.status(of: $0) == .running }.count
                }
            }
            #expect(violations.isEmpty, "\(violations.count) violations, first: \(violations.prefix(10))")
            #expect(running > 15 * 1080 * 9 / 10, "assets were running most of the time")
            #expect(
                sim.events.allSatisfy { $0.kind == .operatingChange },
                "nothing but operating changes: \(sim.events.prefix(3))")
        }
    }
}

@Suite("Physics laws")
struct PhysicsLawTests {
    @Test(
        "Pump affinity laws: at homologous points flow ∝ speed, head ∝ speed², power ∝ speed³",
        arguments: [0.6, 0.8, 0.9, 1.1])
    func pumpAffinity(speed: Double) throws {
        var random = SimulationRandom(seed: 1)
        let pump = CentrifugalPump(asset: try #require(demoPlant.asset("pump-101")), random: &random)
        for flow in [500.0, 800.0, 950.0] {
            // The pump alone (no system curve): its head and power at (s·Q, s) against (Q, 1).
            let dp1 = pump.shutoff - pump.kQ * flow * flow
            let dpS = pump.shutoff * speed * speed - pump.kQ * (speed * flow) * (speed * flow)
            #expect(abs(dpS / dp1 - speed * speed) < 1e-9)
            let p1 = pump.shaftPower(speed: 1, flow: flow, recirculation: 0, dp: dp1, wear: 0)
            let pS = pump.shaftPower(speed: speed, flow: speed * flow, recirculation: 0, dp: dpS, wear: 0)
            #expect(
                abs(pS / p1 - speed * speed * speed) < 1e-6 * speed * speed * speed,
                "power ratio \(pS / p1) at s = \(speed)")
        }
        // On the plant's system curve (static head) the flow falls faster than the speed.
        let full = pump.operatingPoint(speed: 1, wear: 0)
        let reduced = pump.operatingPoint(speed: 0.85, wear: 0)
        #expect(abs(full.flow - pump.qBEP) < 1e-6 * pump.qBEP, "rated speed runs at the best-efficiency point")
        #expect(reduced.flow < 0.85 * full.flow)
    }

    @Test("Fan laws in the running plant: airflow ∝ speed, pressure ∝ speed², shaft power ∝ speed³")
    func fanLaws() throws {
        var values: [(airflow: Double, pressure: Double)] = []
        for duty in [0.75, 1.0] {
            var sim = nominalSimulation(step: 60)
            try sim.setDuty(asset: "fan-201", fraction: duty)
            sim.advance(by: 3600)
            values.append(
                (
                    try #require(sim.trueValue(asset: "fan-201", signal: "airflow")),
                    try #require(sim.trueValue(asset: "fan-201", signal: "static_pressure"))
                ))
            let speed = try #require(sim.trueValue(asset: "fan-201", signal: "speed"))
            #expect(abs(speed - duty * 1480) < 1)
        }
        #expect(abs(values[0].airflow / values[1].airflow - 0.75) < 1e-3)
        #expect(abs(values[0].pressure / values[1].pressure - 0.5625) < 1e-3)
        var random = SimulationRandom(seed: 1)
        let fan = Fan(asset: try #require(demoPlant.asset("fan-201")), random: &random)
        let ratio =
            fan.operatingPoint(speed: 0.75, fouling: 0).shaftPower / fan.operatingPoint(speed: 1, fouling: 0).shaftPower
        #expect(abs(ratio - 0.421875) < 1e-9)
    }

    @Test("Winding temperature: first order with a 30-minute time constant toward a rise ∝ losses")
    func windingTimeConstant() throws {
        var sim = nominalSimulation(step: 30)
        try sim.setDuty(asset: "motor-211", fraction: 0.6)
        sim.advance(by: 6 * 3600)
        let cold = try #require(sim.trueValue(asset: "motor-211", signal: "winding_temp"))
        try sim.setDuty(asset: "motor-211", fraction: 0.9)
        let stepped = sim.elapsed
        sim.advance(to: stepped + 1800)
        let atTau = try #require(sim.trueValue(asset: "motor-211", signal: "winding_temp"))
        sim.advance(to: stepped + 10 * 3600)
        let hot = try #require(sim.trueValue(asset: "motor-211", signal: "winding_temp"))
        let fraction = (atTau - cold) / (hot - cold)
        // 1 − e⁻¹ = 0.632, a little less because the drive ramps the load over ~2 minutes.
        #expect(fraction > 0.58 && fraction < 0.64, "fraction of the step reached after τ: \(fraction)")
        // Steady rise above the hall (15 °C) scales with the losses: fixed + copper ∝ load².
        let expected = (0.8 + 1.6 * 0.81) / (0.8 + 1.6 * 0.36)
        #expect(
            abs((hot - 15) / (cold - 15) - expected) < 0.01, "rise ratio \((hot - 15) / (cold - 15)) vs \(expected)")
    }

    @Test("Impeller wear: for the same flow the pump needs more power")
    func impellerWearCostsPower() throws {
        var random = SimulationRandom(seed: 1)
        let pump = CentrifugalPump(asset: try #require(demoPlant.asset("pump-101")), random: &random)
        // Find the speed at which a worn pump delivers the new pump's flow at 90 % speed.
        let target = pump.operatingPoint(speed: 0.9, wear: 0)
        let newPower = pump.shaftPower(
            speed: 0.9, flow: target.flow, recirculation: target.recirculation, dp: target.dp, wear: 0)
        var low = 0.9
        var high = 1.5
        for _ in 0..<60 {
            let mid = (low + high) / 2
            if pump.operatingPoint(speed: mid, wear: 0.2).flow < target.flow { low = mid } else { high = mid }
        }
        let worn = pump.operatingPoint(speed: high, wear: 0.2)
        let wornPower = pump.shaftPower(
            speed: high, flow: worn.flow, recirculation: worn.recirculation, dp: worn.dp, wear: 0.2)
        #expect(abs(worn.flow - target.flow) < 0.01)
        #expect(wornPower > 1.1 * newPower, "worn \(wornPower) kW vs new \(newPower) kW for \(target.flow) m3/h")
    }
}
