import Benchmark
import Planner
import PrognosCore
import WorldModel

/// Planning time: the demo-sized plant (16 assets, 37 failure modes, a few degrading) and 1,000
/// assets with 8 windows in the horizon (two weekly windows, 28 days), one mode in ten degrading,
/// and the same with every asset degrading (the worst case). One core: the planner is sequential.
let benchmarks: @Sendable () -> Void = {
    let demo = PlannerFixture.plant(assets: 16)
    let demoInput = PlannerFixture.input(demo, degradingEvery: 6)
    let large = PlannerFixture.plant(assets: 1000)
    let largeInput = PlannerFixture.input(large, degradingEvery: 10)
    let stressInput = PlannerFixture.input(large, degradingEvery: 1)
    var configuration = PlannerConfiguration()
    configuration.horizon = 28 * 86400
    let planner = Planner(configuration: configuration)

    for (label, input) in [
        ("demo-sized plant (16 assets)", demoInput), ("1,000 assets, 8 windows, 1 mode in 10 degrading", largeInput),
        ("1,000 assets, 8 windows, every asset degrading", stressInput),
    ] {
        Benchmark(
            "Plan: \(label)", configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(5))
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(planner.plan(input))
            }
        }
    }
}

enum PlannerFixture {
    static let modes = ["bearing-wear", "seal-leak", "impeller-wear"]

    /// A plant shaped like the demo: pumps with three failure modes, the demo's catalogue and windows.
    static func plant(assets count: Int) -> Plant {
        let source = SignalSource.mqtt(MQTTPoint(broker: "b", topic: "t", valuePath: try! JSONPath(parsing: "$.v")))
        var assets: [Asset] = []
        for i in 0..<count {
            let sensors = ["vibration", "seal_leak", "discharge_pressure"].map {
                Sensor(id: $0, unit: "u", normal: 0...4, source: source)
            }
            let failureModes = [
                FailureMode(
                    id: "bearing-wear", sensors: ["vibration"],
                    limit: FailureLimit(sensor: "vibration", direction: .above, value: 11)),
                FailureMode(
                    id: "seal-leak", sensors: ["seal_leak"],
                    limit: FailureLimit(sensor: "seal_leak", direction: .above, value: 1)),
                FailureMode(
                    id: "impeller-wear", sensors: ["discharge_pressure"],
                    limit: FailureLimit(sensor: "discharge_pressure", direction: .below, value: 3)),
            ]
            assets.append(
                Asset(
                    id: "pump-\(i)", name: "Pump \(i)", type: "centrifugal_pump", areaID: "a", lineID: "l",
                    sensors: sensors,
                    failureModes: failureModes,
                    actionIDs: [
                        "replace-bearings", "lubricate-bearings", "replace-impeller", "replace-seal", "derate-80",
                    ], failureCost: 45000))
        }
        let actions = [
            MaintenanceAction(
                id: "replace-bearings", cost: 3200, duration: .seconds(6 * 3600), crew: 2,
                effect: .resets(["bearing-wear"])),
            MaintenanceAction(
                id: "lubricate-bearings", cost: 180, duration: .seconds(3600), crew: 1,
                effect: .slows(["bearing-wear"], factor: 0.6)),
            MaintenanceAction(
                id: "replace-impeller", cost: 8500, duration: .seconds(8 * 3600), crew: 3,
                effect: .resets(["impeller-wear"])),
            MaintenanceAction(
                id: "replace-seal", cost: 1900, duration: .seconds(5 * 3600), crew: 2, effect: .resets(["seal-leak"])),
            MaintenanceAction(id: "derate-80", cost: 0, duration: .zero, crew: 0, effect: .derates(fraction: 0.8)),
        ]
        let windows = [
            MaintenanceWindow(
                id: "tuesday-night", weekday: .tuesday, startMinute: 22 * 60, duration: .seconds(8 * 3600), crew: 3),
            MaintenanceWindow(
                id: "saturday-day", weekday: .saturday, startMinute: 6 * 60, duration: .seconds(10 * 3600), crew: 3),
        ]
        return Plant(
            site: Site(id: "bench", name: "Bench"),
            areas: [Area(id: "a", name: "A", lines: [Line(id: "l", name: "L", assets: assets)])],
            devices: [], brokers: [], actions: actions,
            economics: Economics(downtimeCostPerHour: 1800, failureCost: 40000, crewCapacity: 3, windows: windows))
    }

    /// Health of every mode: one in `degradingEvery` well on its way to the limit, the rest healthy.
    static func input(_ plant: Plant, degradingEvery: Int) -> PlanningInput {
        var k = 0
        let assets = plant.assets.map { asset in
            AssetHealth(
                asset: asset.id,
                modes: modes.map { mode in
                    k += 1
                    let degrading = k % degradingEvery == 0
                    let level = degrading ? 0.2 + 0.6 * Double(k % 7) / 7 : 0.02
                    return ModeHealth(
                        failureMode: mode, level: level, levelSD: 0.02,
                        trend: (degrading ? 0.01 + 0.01 * Double(k % 3) : 0.0001) / 86400,
                        trendSD: 0.002 / 86400, limit: 1, deviation: degrading ? 30 : 0.5, deviationLimit: 200,
                        peakFraction: level - 0.3,
                        growthOffset: degrading ? 0.2 : nil)
                })
        }
        return PlanningInput(plant: plant, now: 1_736_035_200, assets: assets)
    }
}
