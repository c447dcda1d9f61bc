import Foundation
import GRDB
import PrognosCore
import Testing

@testable import Store

@Suite("Telemetry and predictions")
struct TelemetryTests {
    @Test("Batched readings round-trip; NaN and infinity are stored as NULL with their quality")
    func readingsRoundTrip() async throws {
        let store = try Store.inMemory()
        let t = 1_700_000_000.0
        var readings = ramp(sensor: "temp", start: t, count: 100)
        readings += [
            Reading(asset: "pump-1", sensor: "flow", value: .nan, timestamp: t, quality: .badValue),
            Reading(asset: "pump-1", sensor: "flow", value: nil, timestamp: t + 1, quality: .commFail),
            Reading(asset: "pump-1", sensor: "flow", value: .infinity, timestamp: t + 2, quality: .outOfRange),
            Reading(asset: "pump-1", sensor: "flow", value: .nan, timestamp: t + 3, quality: .good),
            Reading(asset: "pump-1", sensor: "flow", value: 4.5, timestamp: t + 4, quality: .good),
        ]
        try await store.write(readings: readings)
        // A second batch repeating a timestamp: the first value wins.
        try await store.write(readings: [
            Reading(asset: "pump-1", sensor: "temp", value: -1, timestamp: t, quality: .good)
        ])

        let temp = try await store.history(asset: "pump-1", sensor: "temp", from: t, to: t + 1000)
        #expect(temp.raw == ramp(sensor: "temp", start: t, count: 100))
        #expect(temp.minutes.isEmpty)

        let flow = try await store.history(asset: "pump-1", sensor: "flow", from: t, to: t + 10).raw
        #expect(flow.map(\.value) == [nil, nil, nil, nil, 4.5])
        #expect(flow.map(\.quality) == [.badValue, .commFail, .outOfRange, .badValue, .good])
        let nonNumbers = try await store.writer.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM readings_view WHERE value IS NOT NULL AND typeof(value) <> 'real'")
        }
        #expect(nonNumbers == 0)

        let latest = try await store.latestValues(asset: "pump-1")
        #expect(latest.map(\.sensor) == ["flow", "temp"])
        #expect(latest[0] == Reading(asset: "pump-1", sensor: "flow", value: 4.5, timestamp: t + 4, quality: .good))
        #expect(latest[1].value == 99 && latest[1].timestamp == t + 99)

        let status = try await store.status()
        #expect(status.readings == 105)
        #expect(status.series == 2)
        #expect(status.lastDataTime == t + 99)
        #expect(try await store.assets() == ["pump-1"])
    }

    @Test("An older batch does not replace the latest value")
    func latestValueKeepsNewest() async throws {
        let store = try Store.inMemory()
        try await store.write(readings: ramp(start: 2_000, count: 3))
        try await store.write(
            readings: ramp(start: 1_000, count: 3).map {
                var r = $0
                r.value = 42
                return r
            })
        let latest = try await store.latestValues(asset: "pump-1")
        #expect(latest.first?.timestamp == 2_002)
        #expect(latest.first?.value == 2)
        #expect(try await store.status().readings == 6)
    }

    @Test("Duplicates among readings inserted several to a statement: the first value wins, each counted once")
    func duplicatesInStatementsOfSeveral() async throws {
        let store = try Store.inMemory()
        let perStatement = Store.readingsPerStatement
        try await store.write(readings: ramp(start: 1_000, count: perStatement))
        // Three statements' worth: one reading stored already, one repeated within the batch.
        var batch = ramp(start: 1_000 + Double(perStatement), count: 3 * perStatement - 2).map {
            var reading = $0
            reading.value = reading.value.map { $0 + 1_000 }
            return reading
        }
        batch.insert(Reading(asset: "pump-1", sensor: "temp", value: -1, timestamp: 1_000, quality: .good), at: 5)
        batch.append(
            Reading(asset: "pump-1", sensor: "temp", value: -2, timestamp: batch.last!.timestamp, quality: .good))
        try await store.write(readings: batch)

        let total = 4 * perStatement - 2
        let raw = try await store.history(asset: "pump-1", sensor: "temp", from: 0, to: 10_000).raw
        #expect(raw.count == total)
        #expect(raw.first?.value == 0, "the stored reading stays")
        #expect(raw.last?.value == Double(3 * perStatement - 3) + 1_000, "the first of the two in the batch wins")
        #expect(try await store.status().readings == total)
        #expect(try await store.latestValues(asset: "pump-1").first?.value == Double(3 * perStatement - 3) + 1_000)
    }

    @Test("Forecasts, deviations with shares, health and events are written and queried")
    func predictions() async throws {
        let store = try Store.inMemory()
        var batch = StoreBatch()
        for (made, offset) in [(100.0, 0.0), (200.0, 1.0)] {
            for h in [60.0, 120.0] {
                batch.forecasts.append(
                    ForecastRecord(
                        asset: "pump-1", sensor: "temp", madeAt: made, targetTime: made + h, mean: 50 + offset,
                        lower50: 49, upper50: 51, lower80: 48, upper80: 52, lower90: 47, upper90: .nan))
            }
        }
        batch.deviations = [
            DeviationRecord(asset: "pump-1", time: 100, score: 1, threshold: 3, flagged: false, steps: 60),
            DeviationRecord(
                asset: "pump-1", time: 200, score: 5, threshold: 3, flagged: true, drift: 2, driftThreshold: 4,
                shares: [SensorShare(sensor: "flow", share: 0.2), SensorShare(sensor: "temp", share: 0.8)]),
        ]
        batch.health = [
            HealthRecord(asset: "pump-1", failureMode: "bearing", time: 100, health: 0.9, rulMedian: 1e6),
            HealthRecord(
                asset: "pump-1", failureMode: "bearing", time: 200, health: 0.8, rulMedian: 9e5, rulP10: 5e5,
                rulP90: 2e6),
            HealthRecord(asset: "pump-1", failureMode: "seal", time: 150, health: 0.95),
            HealthRecord(asset: "pump-2", failureMode: "bearing", time: 300, health: 0.1),
        ]
        batch.events = [EventRecord(time: 100, level: "info", kind: "daemon.start", message: "started")]
        try await store.write(batch)

        let forecast = try await store.latestForecast(asset: "pump-1", sensor: "temp")
        #expect(forecast.map(\.targetTime) == [260, 320])
        #expect(forecast.allSatisfy { $0.mean == 51 && $0.upper90 == nil && $0.horizon > 0 })
        // Only the newest run of a sensor is stored: the run of 100 s was replaced in the same batch.
        #expect(
            try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM forecasts_latest") }
                == 2)

        let deviation = try #require(try await store.latestDeviation(asset: "pump-1"))
        #expect(deviation.time == 200 && deviation.flagged && deviation.drift == 2)
        #expect(deviation.shares == [SensorShare(sensor: "temp", share: 0.8), SensorShare(sensor: "flow", share: 0.2)])
        #expect(try await store.deviations(asset: "pump-1", from: 0, to: 1_000).map(\.steps) == [60, 1])

        let health = try await store.latestHealth(asset: "pump-1")
        #expect(health.map(\.failureMode) == ["bearing", "seal"])
        #expect(health[0].time == 200 && health[0].rulP10 == 5e5)
        #expect(try await store.healthHistory(asset: "pump-1", failureMode: "bearing", from: 0, to: 1_000).count == 2)
        #expect(try await store.latestHealth(asset: "none").isEmpty)

        #expect(try await store.recentEvents().map(\.kind) == ["daemon.start"])
    }

    @Test("A sensor's new forecast run replaces its stored run; an older run written late does not")
    func forecastRunsReplaceEachOther() async throws {
        let store = try Store.inMemory()
        func run(_ sensor: String, made: Double, horizons: [Double]) -> [ForecastRecord] {
            horizons.map {
                ForecastRecord(asset: "pump-1", sensor: sensor, madeAt: made, targetTime: made + $0, mean: made)
            }
        }
        // Runs of two sensors, their records interleaved as a runtime might hand them over.
        var first = StoreBatch()
        for (t, f) in zip(run("temp", made: 10, horizons: [3, 6, 9]), run("flow", made: 10, horizons: [3, 6, 9])) {
            first.forecasts += [t, f]
        }
        try await store.write(first)
        // A shorter run replaces the whole longer one; the other sensor keeps its run.
        try await store.write(StoreBatch(forecasts: run("temp", made: 20, horizons: [3, 6])))
        #expect(try await store.latestForecast(asset: "pump-1", sensor: "temp").map(\.targetTime) == [23, 26])
        #expect(try await store.latestForecast(asset: "pump-1", sensor: "flow").map(\.targetTime) == [13, 16, 19])
        // A run older than the stored one, written late, is not what the reader takes.
        try await store.write(StoreBatch(forecasts: run("temp", made: 15, horizons: [3])))
        #expect(try await store.latestForecast(asset: "pump-1", sensor: "temp").map(\.targetTime) == [23, 26])
        // The same run written twice (a retried batch) is stored once.
        try await store.write(StoreBatch(forecasts: run("temp", made: 30, horizons: [3, 6])))
        try await store.write(StoreBatch(forecasts: run("temp", made: 30, horizons: [3, 6])))
        #expect(try await store.latestForecast(asset: "pump-1", sensor: "temp").map(\.targetTime) == [33, 36])
        let rows = try await store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM forecasts_latest WHERE sensor = 'temp'")
        }
        #expect(rows == 2)
        // A run split between two batches (the writer's transactions) is stored whole; a run of
        // more horizons than a row holds keeps its nearest four.
        let split = run("temp", made: 40, horizons: [3, 6, 9])
        try await store.write(StoreBatch(forecasts: Array(split.prefix(2))))
        try await store.write(StoreBatch(forecasts: Array(split.dropFirst(2))))
        #expect(try await store.latestForecast(asset: "pump-1", sensor: "temp").map(\.targetTime) == [43, 46, 49])
        try await store.write(StoreBatch(forecasts: run("temp", made: 50, horizons: [3, 6, 9, 12, 15])))
        #expect(try await store.latestForecast(asset: "pump-1", sensor: "temp").map(\.targetTime) == [53, 56, 59, 62])
        // A run no newer run replaced goes after `Options.forecastsKept` (a day), counted by its horizons.
        let report = try await store.compact(now: 50 + 86_400 + 1, retention: Retention(rawDays: 1, summaryDays: 30))
        #expect(report.deletedPredictions == 7)
        #expect(try await store.latestForecast(asset: "pump-1", sensor: "flow").isEmpty)
    }

    @Test("Plans, model snapshots and the daemon's heartbeat")
    func plansSnapshotsStatus() async throws {
        let store = try Store.inMemory()
        #expect(try await store.latestPlan() == nil)
        let v1 = try await store.savePlan(PlanRecord(createdAt: 10, summary: "first"), proposals: [])
        let v2 = try await store.savePlan(
            PlanRecord(createdAt: 20, expectedCost: 100, baselineCost: 900, summary: "second"),
            proposals: [
                ProposalRecord(
                    asset: "pump-1", failureMode: "bearing", action: "replace-bearing", windowStart: 500,
                    crew: "mech", expectedCost: 100, expectedCostIgnored: 900, failureProbability: 0.01,
                    failureProbabilityIgnored: 0.4, reasoning: "RUL p10 before the next window"),
                ProposalRecord(asset: "pump-2", failureMode: nil, action: "inspect", windowStart: 300),
            ])
        #expect(v2 == v1 + 1)
        let plan = try #require(try await store.latestPlan())
        #expect(plan.plan.version == v2 && plan.plan.summary == "second")
        #expect(plan.proposals.map(\.action) == ["inspect", "replace-bearing"])
        #expect(plan.proposals.allSatisfy { $0.planVersion == v2 })

        let a1 = try await store.saveSnapshot(asset: "pump-1", format: "test/1", bytes: Data([1, 2, 3]), at: 10)
        let a2 = try await store.saveSnapshot(asset: "pump-1", format: "test/1", bytes: Data([4, 5]), at: 20)
        _ = try await store.saveSnapshot(asset: "pump-2", format: "test/1", bytes: Data(), at: 30)
        #expect((a1, a2) == (1, 2))
        #expect(try await store.latestSnapshot(asset: "pump-1")?.bytes == Data([4, 5]))
        #expect(try await store.latestSnapshots().map { "\($0.asset)@\($0.version)" } == ["pump-1@2", "pump-2@1"])

        #expect(try await store.daemonStatus() == nil)
        var status = DaemonStatus(pid: 42, version: "0.1", plant: "demo.yaml", startedAt: 1, heartbeatAt: 2)
        try await store.updateDaemonStatus(status)
        status.heartbeatAt = 3
        status.readingsIngested = 1000
        try await store.updateDaemonStatus(status)
        #expect(try await store.daemonStatus() == status)
        #expect(try await store.status().daemon == status)
    }
}
