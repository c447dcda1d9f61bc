import Dashboard
import Foundation
import PrognosCore
import Store

/// A fixed plant and store contents for golden screens: two areas, six assets, deviations over the
/// last hours, health with RUL, alarms in several ISA-18.2 states, forecasts, a plan, a heartbeat.
enum Fixture {
    /// 2026-03-03 14:00:00 UTC, a Tuesday.
    static let now: Double = 1_772_546_400

    static func sensor(
        _ id: String, _ name: String, _ unit: String, _ normal: ClosedRange<Double>, high: Double? = nil,
        low: Double? = nil
    )
        -> PlantHierarchy.SensorInfo
    {
        PlantHierarchy.SensorInfo(id: id, name: name, unit: unit, normal: normal, alarmLow: low, alarmHigh: high)
    }

    static let pumpSensors = [
        sensor("discharge_pressure", "Discharge pressure", "bar", 3.5...6.5, high: 7.2, low: 3),
        sensor("flow", "Flow", "m3/h", 450...990, low: 315),
        sensor("bearing_temp_de", "Drive-end bearing temperature", "degC", 15...75, high: 85),
        sensor("vibration_de", "Drive-end vibration velocity RMS", "mm/s", 0.3...4.5, high: 7.1),
        sensor("motor_current", "Motor current", "A", 40...160, high: 175),
    ]

    static let hierarchy: PlantHierarchy = {
        func asset(
            _ id: String, _ name: String, _ type: String, area: (String, String), line: (String, String),
            sensors: [PlantHierarchy.SensorInfo], modes: [String]
        )
            -> PlantHierarchy.AssetInfo
        {
            PlantHierarchy.AssetInfo(
                id: id, name: name, type: type, areaID: area.0, area: area.1, lineID: line.0, line: line.1,
                sensors: sensors,
                failureModes: modes)
        }
        let intake = ("intake", "Raw-water intake")
        let pumping = ("intake-pumping", "Intake pumping station")
        let treatment = ("treatment", "Treatment")
        let aeration = ("aeration", "Aeration")
        let fanSensors = [
            sensor("airflow", "Airflow", "m3/h", 14000...26000, low: 12000),
            sensor("vibration", "Vibration", "mm/s", 0.3...4.5, high: 7.1),
        ]
        return PlantHierarchy(
            site: "Riverside Water Works",
            assets: [
                asset(
                    "pump-101", "Raw-water pump 101", "centrifugal_pump", area: intake, line: pumping,
                    sensors: pumpSensors, modes: ["bearing-wear", "impeller-wear", "seal-leak"]),
                asset(
                    "pump-102", "Raw-water pump 102", "centrifugal_pump", area: intake, line: pumping,
                    sensors: pumpSensors, modes: ["bearing-wear", "impeller-wear", "seal-leak"]),
                asset(
                    "pump-103", "Raw-water pump 103", "centrifugal_pump", area: intake, line: pumping,
                    sensors: pumpSensors, modes: ["bearing-wear", "impeller-wear", "seal-leak"]),
                asset(
                    "compressor-201", "Aeration blower 201", "compressor", area: treatment, line: aeration,
                    sensors: fanSensors, modes: ["filter-clogging"]),
                asset(
                    "fan-201", "Basin fan 201", "fan", area: treatment, line: aeration, sensors: fanSensors,
                    modes: ["rotor-fouling"]),
                asset(
                    "fan-202", "Basin fan 202", "fan", area: treatment, line: aeration, sensors: fanSensors,
                    modes: ["rotor-fouling"]),
            ],
            actionNames: [
                "replace-bearings": "Replace rolling-element bearings",
                "replace-air-filter": "Replace intake filter element",
                "lubricate-bearings": "Regrease bearings",
            ])
    }()

    static func alarm(
        _ id: String, asset: String, kind: AlarmKind, priority: AlarmPriority, message: String, raised: Double,
        active: Bool = true,
        acknowledged: Bool = false, value: Double? = nil, threshold: Double? = nil
    ) -> (AlarmRecord, AlarmTransition?) {
        var machine = AlarmStateMachine()
        var last = machine.update(conditionActive: true, at: raised)
        if acknowledged { last = machine.acknowledge(at: raised + 60) ?? last }
        if !active { last = machine.update(conditionActive: false, at: raised + 120) ?? last }
        let record = AlarmRecord(
            id: id, asset: asset, kind: kind, sensors: [], priority: priority, machine: machine, message: message,
            value: value,
            threshold: threshold, raisedAt: raised, acknowledgedBy: acknowledged ? "ana" : nil,
            acknowledgedAt: acknowledged ? raised + 60 : nil,
            updatedAt: raised + 120)
        return (record, last)
    }

    /// An in-memory store holding the fixture's contents.
    static func store() async throws -> Store {
        let store = try Store.inMemory()
        try await fill(store)
        return store
    }

    /// Writes the fixture's contents into `store`, at `now` (default: the fixture's time).
    static func fill(_ store: Store, now: Double = Fixture.now) async throws {
        let t0 = now - 4 * 3600
        var batch = StoreBatch()
        // Deviation scores every 5 minutes for 4 hours; pump-101 develops a bearing fault.
        let profiles: [String: (Double) -> Double] = [
            "pump-101": { f in 0.2 + 2.2 * f * f },
            "pump-102": { f in 0.3 + 0.05 * sin(f * 20) },
            "pump-103": { f in 0.25 },
            "compressor-201": { f in 0.3 + 0.6 * f },
            "fan-201": { f in 0.1 },
            "fan-202": { f in 0.4 + 0.1 * cos(f * 9) },
        ]
        for (asset, profile) in profiles {
            for step in 0...48 {
                let f = Double(step) / 48
                let time = t0 + Double(step) * 300
                let shares =
                    asset == "pump-101"
                    ? [
                        SensorShare(sensor: "vibration_de", share: 0.62),
                        SensorShare(sensor: "bearing_temp_de", share: 0.21), SensorShare(sensor: "flow", share: 0.1),
                        SensorShare(sensor: "motor_current", share: 0.07),
                    ]
                    : []
                batch.deviations.append(
                    DeviationRecord(
                        asset: asset, time: time, score: profile(f), threshold: 1.0, flagged: profile(f) > 1,
                        drift: profile(f) * 0.8, driftThreshold: 1.5, shares: shares))
            }
        }
        // Readings of pump-101 every minute for 30 minutes, vibration and temperature rising.
        for minute in 0...30 {
            let time = now - 1800 + Double(minute) * 60
            let f = Double(minute) / 30
            let values: [String: Double] = [
                "discharge_pressure": 5.1 - 0.2 * f, "flow": 820 - 15 * f, "bearing_temp_de": 68 + 9 * f,
                "vibration_de": 4.2 + 3.3 * f * f,
                "motor_current": 121 + 4 * f,
            ]
            for (sensor, value) in values {
                batch.readings.append(
                    Reading(asset: "pump-101", sensor: sensor, value: value, timestamp: time, quality: .good))
            }
            for asset in ["pump-102", "pump-103"] {
                batch.readings.append(
                    Reading(
                        asset: asset, sensor: "flow", value: 800 + Double(minute % 3), timestamp: time, quality: .good))
            }
        }
        // Forecasts of pump-101 for the next 12 minutes, at the four horizons a run stores.
        for (sensor, base, growth, spread) in [
            ("vibration_de", 7.5, 0.12, 0.25), ("bearing_temp_de", 77.0, 0.3, 0.6),
            ("discharge_pressure", 4.9, -0.01, 0.1),
            ("flow", 805.0, -0.5, 6.0), ("motor_current", 125.0, 0.1, 1.5),
        ] {
            for k in stride(from: 3, through: 12, by: 3) {
                let mean = base + growth * Double(k)
                let w = spread * (1 + Double(k) / 5)
                batch.forecasts.append(
                    ForecastRecord(
                        asset: "pump-101", sensor: sensor, madeAt: now, targetTime: now + Double(k) * 60, mean: mean,
                        lower50: mean - w * 0.4,
                        upper50: mean + w * 0.4, lower80: mean - w * 0.8, upper80: mean + w * 0.8, lower90: mean - w,
                        upper90: mean + w))
            }
        }
        // Health and remaining life per failure mode, as the runtimes write them: a degrading mode has a
        // remaining life (its interval open above the 30-day horizon when it reaches past it), the
        // others lie beyond the horizon.
        let horizon = 30 * 86_400.0
        let health: [(String, String, Double, (median: Double, p10: Double, p90: Double)?)] = [
            ("pump-101", "bearing-wear", 0.31, (9 * 3600, 4 * 3600, 20 * 3600)),
            ("pump-101", "impeller-wear", 0.93, nil),
            ("pump-101", "seal-leak", 0.97, nil),
            ("pump-102", "bearing-wear", 0.88, nil),
            ("pump-103", "bearing-wear", 0.95, nil),
            ("compressor-201", "filter-clogging", 0.55, (5.5 * 86_400, 3.1 * 86_400, 9.0 * 86_400)),
            ("fan-201", "rotor-fouling", 0.9, nil),
            ("fan-202", "rotor-fouling", 0.85, (21 * 86_400, 12 * 86_400, 61 * 86_400)),
        ]
        for (asset, mode, h, rul) in health {
            let life = rul.map { RemainingLife(quantiles: $0.median, p10: $0.p10, p90: $0.p90, horizon: horizon) }
            batch.health.append(
                HealthRecord(
                    asset: asset, failureMode: mode, time: now - 30, health: h, healthSD: 0.05,
                    trend: asset == "pump-101" && mode == "bearing-wear" ? -1e-5 : 0, rulMedian: life?.median,
                    rulP10: life?.p10, rulP90: life?.p90, state: life == nil ? .healthy : .degrading,
                    horizon: horizon))
        }
        try await store.write(batch)

        // Alarms in several states.
        let alarms = [
            alarm(
                "pump-101/limit/vibration_de/high", asset: "pump-101", kind: .limit, priority: .high,
                message: "Drive-end vibration velocity RMS above alarm limit 7.1 mm/s", raised: now - 540, value: 7.5,
                threshold: 7.1),
            alarm(
                "pump-101/deviation", asset: "pump-101", kind: .deviation, priority: .medium,
                message: "pump-101: deviation 2.40 above 1.00, mostly vibration_de (62%)", raised: now - 1500,
                acknowledged: true, value: 2.4, threshold: 1),
            alarm(
                "pump-101/rul/bearing-wear", asset: "pump-101", kind: .rul, priority: .high,
                message: "pump-101 bearing-wear: remaining useful life 9 h (4 h to 20 h)", raised: now - 900,
                value: 32400, threshold: 604800),
            alarm(
                "compressor-201/rul/filter-clogging", asset: "compressor-201", kind: .rul, priority: .medium,
                message: "compressor-201 filter-clogging: remaining useful life 5.5 d", raised: now - 7200,
                acknowledged: true),
            alarm(
                "fan-202/communication", asset: "fan-202", kind: .communication, priority: .medium,
                message: "fan-202: no good data for 10 s from vibration", raised: now - 300, active: false),
        ]
        for (record, transition) in alarms {
            try await store.recordAlarmTransition(transition, of: record, outbox: nil)
        }
        try await store.updateDaemonStatus(
            DaemonStatus(
                pid: 4242, version: "0.1.0", plant: "Plants/demo.yaml", startedAt: now - 5 * 3600, heartbeatAt: now - 2,
                ingestLag: 0.04, readingsIngested: 1_200_000, assets: 6, alarmsActive: 4, outboxPending: 1))
        _ = try await store.enqueue(
            .alert(topic: "prognos/riverside/pump-101/alarm", payload: "{}", createdAt: now - 5))
        let monday = now + 8 * 3600  // 22:00 the same Tuesday
        try await store.savePlan(
            PlanRecord(
                createdAt: now - 600, horizonEnd: now + 14 * 86_400, expectedCost: 5_430, baselineCost: 41_800,
                summary: "2 actions"),
            proposals: [
                ProposalRecord(
                    asset: "pump-101", failureMode: "bearing-wear", action: "replace-bearings", windowStart: monday,
                    windowEnd: monday + 8 * 3600, crew: "crew A",
                    expectedCost: 3_200, expectedCostIgnored: 38_500, failureProbability: 0.02,
                    failureProbabilityIgnored: 0.86,
                    reasoning:
                        "Drive-end bearing wear is accelerating: median RUL 9 h (4 h to 20 h), before Saturday's window. Replacing the bearings tonight removes 84 points of failure risk and saves 35 k against running to failure."
                ),
                ProposalRecord(
                    asset: "compressor-201", failureMode: "filter-clogging", action: "replace-air-filter",
                    windowStart: monday, windowEnd: monday + 8 * 3600, crew: "crew B",
                    expectedCost: 240, expectedCostIgnored: 2_900, failureProbability: 0.0,
                    failureProbabilityIgnored: 0.31,
                    reasoning:
                        "Filter pressure drop reaches its limit in about 5.5 days; the element is cheap and the window is open."
                ),
                ProposalRecord(
                    asset: "fan-202", failureMode: "rotor-fouling", action: "clean-balance-rotor",
                    windowStart: monday + 4 * 86_400, windowEnd: monday + 4 * 86_400 + 10 * 3600, crew: "crew A",
                    expectedCost: 700, expectedCostIgnored: 1_400, failureProbability: 0.01,
                    failureProbabilityIgnored: 0.08,
                    reasoning: "Fouling grows slowly; cleaning at Saturday's window halves the expected cost."),
            ])
    }

    static func layout(_ name: String) throws -> DashboardLayout {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Dashboards/\(name).yaml").path
        return try DashboardLayout.load(path: path)
    }

    /// A model with the fixture's snapshot read through the data source, as the dashboard reads it.
    static func model(
        layout: DashboardLayout, colors: Bool = false, unicode: Bool = true, store: Store, openAsset: String? = nil
    ) async -> DashboardModel {
        let source = DataSource(store: store, hierarchy: hierarchy, layout: layout)
        let model = DashboardModel(
            layout: layout, hierarchy: hierarchy,
            options: DashboardOptions(
                colors: colors, unicode: unicode, timeZone: TimeZone(identifier: "UTC")!, actor: "tester"))
        model.snapshot = await source.refresh(now: now, openAsset: openAsset)
        return model
    }
}
