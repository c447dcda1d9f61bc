import Foundation
import PlantFile
import PrognosCore
import Testing

@testable import Planner

/// A quantity that must stay above a positive limit is measured by ratios on the way to it
/// (`LimitScale`): a winding's insulation resistance, which halves for every 10 K of heat and falls
/// by a constant factor per unit of ageing, is not renewed at a third of its life because a summer
/// warmed it; a winding near the end of its life is.
@Suite("Limit scale")
struct LimitScaleTests {
    static let insulation = Sensor(
        id: "ir", unit: "MOhm", normal: 100...5_000, limits: Limits(alarmLow: 20),
        source: .modbus(ModbusPoint(device: "plc", function: .inputRegister, address: 0, dataType: .float32)))
    static let ageing = FailureMode(
        id: "winding-ageing", sensors: ["ir"], limit: FailureLimit(sensor: "ir", direction: .below, value: 5))
    static let vibration = Sensor(
        id: "v", unit: "mm/s", normal: 0...4, limits: Limits(alarmHigh: 7),
        source: .modbus(ModbusPoint(device: "plc", function: .inputRegister, address: 1, dataType: .float32)))
    static let wear = FailureMode(
        id: "bearing-wear", sensors: ["v"], limit: FailureLimit(sensor: "v", direction: .above, value: 10))

    @Test("A positive limit below is approached by ratios; a limit above keeps the linear scale")
    func ratioAndLinearScales() throws {
        let ratio = try #require(LimitScale(sensor: Self.insulation, mode: Self.ageing))
        #expect(ratio.logarithmic)
        #expect(ratio.fraction(100) == 0 && abs(ratio.fraction(5) - 1) < 1e-12)
        // Halving is the same step anywhere on the way.
        #expect(abs((ratio.fraction(50) - ratio.fraction(100)) - (ratio.fraction(10) - ratio.fraction(20))) < 1e-12)
        // Past the limit the scale goes on at its slope there, and a reading of zero stays finite.
        #expect(ratio.fraction(4) > 1 && ratio.fraction(0) > ratio.fraction(4) && ratio.fraction(0).isFinite)
        let alarm = try #require(ModeEstimator.alarmFraction(sensor: Self.insulation, mode: Self.ageing))
        #expect(abs(alarm - log(5) / log(20)) < 1e-12)

        let linear = try #require(LimitScale(sensor: Self.vibration, mode: Self.wear))
        #expect(!linear.logarithmic)
        #expect(linear.fraction(7) == 0.5)
        #expect(ModeEstimator.alarmFraction(sensor: Self.vibration, mode: Self.wear) == 0.5)
    }

    /// A plant of one motor whose winding ageing shows on its insulation resistance.
    static func motorPlant() throws -> Plant {
        try fixturePlant(
            actions:
                "- {id: replace-motor, name: Swap the motor, cost: 7800, duration: 6h, crew: 2, resets: [winding-ageing]}",
            downtimePerHour: 300,
            assets: """
                          - id: motor-1
                            name: Motor
                            type: induction_motor
                            actions: [replace-motor]
                            sensors:
                              - {id: ir, name: Insulation resistance, unit: MOhm, normal: [100, 5000], alarm: {low: 20}, mqtt: {topic: t/m, value: "$.v"}}
                            failure_modes:
                              - {id: winding-ageing, sensors: [ir], limit: {sensor: ir, below: 5}}

                """)
    }

    /// The health of a winding followed hourly from new to `lifeUsed` of a 400-day life (damage
    /// grows as the simulator's winding: `(e^{1.5x} − 1)/(e^{1.5} − 1)` of the life used `x`, and
    /// takes the resistance from 250 MΩ to the 5 MΩ limit), running 4 K hotter each afternoon and,
    /// over its last `warmingDays`, up to `warming` K hotter (a summer). The world model's deviation
    /// is clear throughout (signed as the sensor: downward): the winding does age.
    static func winding(lifeUsed: Double, warming: Double, warmingDays: Double) -> ModeHealth? {
        var estimator = ModeEstimator(mode: ageing, sensor: insulation, renewedAt: 0)
        let life = 400.0
        let end = lifeUsed * life * 24
        for hour in 0...Int(end) {
            let day = Double(hour) / 24
            let x = day / life
            let damage = (exp(1.5 * x) - 1) / (exp(1.5) - 1)
            let summer = warming * min(1, max(0, day - (end / 24 - warmingDays)) / warmingDays)
            let afternoon = 4 * max(0, sin(2 * Double.pi * Double(hour % 24) / 24))
            let resistance = 250 * pow(2, -(summer + afternoon) / 10) * exp(-log(50) * damage)
            estimator.observe(time: Double(hour) * 3600, values: [resistance], deviation: -(6 + 20 * damage), spread: 5)
        }
        return estimator.health(at: end * 3600)
    }

    static func renewals(_ health: ModeHealth?, plant: Plant) throws -> [Proposal] {
        let health = try #require(health)
        let schedule = Planner().plan(
            PlanningInput(plant: plant, now: sunday, assets: [AssetHealth(asset: "motor-1", modes: [health])]))
        #expect(schedule.modesDegrading == 1, "the world model's deviation opens the gate in both cases")
        return schedule.proposals.filter { $0.action == "replace-motor" }
    }

    @Test("A winding at a third of its life warmed by a summer is not renewed; one near its end is")
    func summerHeatIsNotAgeing() throws {
        let plant = try Self.motorPlant()
        let summer = Self.winding(lifeUsed: 1.0 / 3, warming: 3, warmingDays: 21)
        #expect(try Self.renewals(summer, plant: plant).isEmpty)
        let worn = Self.winding(lifeUsed: 0.95, warming: 0, warmingDays: 21)
        #expect(try !Self.renewals(worn, plant: plant).isEmpty)
    }
}
