import Foundation
import GRDB
import PrognosCore
import Testing

@testable import Store

@Suite("Retention and batching")
struct RetentionTests {
    @Test("Old raw readings become one-minute min/mean/max/count rows; chunking does not change them")
    func downsampling() async throws {
        let t0 = 1_700_000_040.0  // a minute boundary
        var readings: [Reading] = []
        for i in 0..<18 {  // three minutes, every 10 s
            readings.append(
                Reading(
                    asset: "pump-1", sensor: "temp", value: Double(i), timestamp: t0 + Double(i) * 10, quality: .good))
        }
        readings[3].quality = .commFail
        readings[4].value = nil
        readings[4].quality = .stale
        let now = t0 + 86_400 + 3_600
        var results: [[MinuteSummary]] = []
        for chunk in [1_000, 4, 1] {
            let store = try Store.inMemory()
            try await store.write(readings: readings)
            let report = try await store.compact(
                now: now, retention: Retention(rawDays: 1, summaryDays: 30), chunkRows: chunk)
            #expect(report.downsampledReadings == 18)
            #expect(report.finished)
            let history = try await store.history(asset: "pump-1", sensor: "temp", from: 0, to: now)
            #expect(history.raw.isEmpty)
            results.append(history.minutes)
            #expect(try await store.status().readings == 0)
            // The latest value survives downsampling.
            #expect(try await store.latestValues(asset: "pump-1").first?.value == 17)
        }
        let expected = [
            MinuteSummary(asset: "pump-1", sensor: "temp", minute: t0, min: 0, mean: 2, max: 5, count: 4, badCount: 2),
            MinuteSummary(
                asset: "pump-1", sensor: "temp", minute: t0 + 60, min: 6, mean: 8.5, max: 11, count: 6, badCount: 0),
            MinuteSummary(
                asset: "pump-1", sensor: "temp", minute: t0 + 120, min: 12, mean: 14.5, max: 17, count: 6, badCount: 0),
        ]
        for minutes in results {
            #expect(minutes == expected)
        }
    }

    @Test("Readings newer than rawDays stay raw; a bounded compaction reports it is not finished")
    func boundedCompaction() async throws {
        let store = try Store.inMemory()
        let now = 1_700_000_000.0
        try await store.write(readings: ramp(start: now - 3 * 86_400, step: 60, count: 3 * 1_440))
        let first = try await store.compact(
            now: now, retention: Retention(rawDays: 1, summaryDays: 30), chunkRows: 500, maxTransactions: 2)
        #expect(!first.finished)
        #expect(first.downsampledReadings == 1_000)
        let rest = try await store.compact(now: now, retention: Retention(rawDays: 1, summaryDays: 30), chunkRows: 500)
        #expect(rest.finished)
        #expect(first.downsampledReadings + rest.downsampledReadings == 2 * 1_440)
        #expect(try await store.status().readings == 1_440)
        let history = try await store.history(asset: "pump-1", sensor: "temp", from: 0, to: now)
        #expect(history.raw.count == 1_440 && history.minutes.count == 2 * 1_440)
        #expect(history.raw.first!.timestamp >= now - 86_400 - 60)
    }

    @Test("A retention transaction takes as many signals as fit in chunkRows, and only signals with rows due")
    func signalsShareTransactions() async throws {
        let store = try Store.inMemory()
        let now = 1_700_000_000.0
        // 30 signals with 10 readings due each, and one with nothing due.
        for k in 0..<30 {
            try await store.write(readings: ramp(sensor: "s\(k)", start: now - 2 * 86_400, step: 60, count: 10))
        }
        try await store.write(readings: ramp(sensor: "fresh", start: now - 60, step: 1, count: 10))
        let retention = Retention(rawDays: 1, summaryDays: 30)
        let first = try await store.compact(now: now, retention: retention, chunkRows: 25, maxTransactions: 2)
        #expect(!first.finished)
        #expect(first.downsampledReadings == 50)
        let rest = try await store.compact(now: now, retention: retention, chunkRows: 25)
        #expect(rest.finished)
        #expect(rest.downsampledReadings == 250)
        #expect(try await store.status().readings == 10)
        // Another run finds nothing due and spends no transaction on the signals: its 7 are the five
        // deletes by time, the small tables and the vacuum.
        let idle = try await store.compact(now: now, retention: retention, chunkRows: 25, maxTransactions: 7)
        #expect(idle.finished && idle.downsampledReadings == 0)
    }

    @Test("A simulated year with a fake clock keeps row counts and file size bounded")
    func simulatedYear() async throws {
        let folder = try TemporaryFolder()
        let store = try Store.open(
            path: folder.file("year.sqlite"), options: Store.Options(snapshotsKept: 3, synchronousFull: false))
        let retention = Retention(rawDays: 7, summaryDays: 60)
        let step = 600.0
        let sensors = ["temp", "flow", "vibration"]
        let start = 1_700_006_400.0  // a midnight, UTC
        var sizes: [Int: Int] = [:]
        var counts: [Int: [String: Int]] = [:]
        for day in 0..<365 {
            let dayStart = start + Double(day) * 86_400
            var batch = StoreBatch()
            for (k, sensor) in sensors.enumerated() {
                for i in 0..<Int(86_400 / step) {
                    let t = dayStart + Double(i) * step
                    batch.readings.append(
                        Reading(
                            asset: "pump-1", sensor: sensor, value: Double(k) + sin(t / 3_600), timestamp: t,
                            quality: .good))
                }
                for hour in 0..<24 {
                    let t = dayStart + Double(hour) * 3_600
                    batch.forecasts.append(
                        ForecastRecord(
                            asset: "pump-1", sensor: sensor, madeAt: t, targetTime: t + 3_600, mean: 1,
                            lower90: 0, upper90: 2))
                }
            }
            for hour in 0..<24 {
                let t = dayStart + Double(hour) * 3_600
                batch.deviations.append(
                    DeviationRecord(
                        asset: "pump-1", time: t, score: 1, threshold: 3, flagged: false,
                        shares: sensors.map { SensorShare(sensor: $0, share: 1.0 / 3) }))
                batch.health.append(
                    HealthRecord(asset: "pump-1", failureMode: "bearing", time: t, health: 0.9, rulMedian: 1e7))
            }
            batch.events.append(EventRecord(time: dayStart, level: "info", kind: "heartbeat", message: "day \(day)"))
            try await store.write(batch)
            if day % 7 == 6 {
                // The anomaly behind the weekly alarm: a flagged step, kept as long as the summaries.
                var anomaly = StoreBatch()
                anomaly.deviations = [
                    DeviationRecord(
                        asset: "pump-1", time: dayStart + 1_800, score: 5, threshold: 3, flagged: true,
                        shares: sensors.map { SensorShare(sensor: $0, share: 1.0 / 3) })
                ]
                try await store.write(anomaly)
                let (alarm, transition) = raisedAlarm(id: "pump-1/deviation", at: dayStart)
                try await store.recordAlarmTransition(transition, of: alarm, outbox: nil)
                try await store.saveSnapshot(asset: "pump-1", format: "test", bytes: Data(count: 20_000), at: dayStart)
                try await store.savePlan(
                    PlanRecord(createdAt: dayStart),
                    proposals: [
                        ProposalRecord(
                            asset: "pump-1", failureMode: "bearing", action: "inspect", windowStart: dayStart)
                    ])
                let report = try await store.compact(now: dayStart + 86_400, retention: retention)
                #expect(report.finished)
            }
            if day == 181 || day == 363 {
                sizes[day] = try await store.status().databaseBytes
                counts[day] = try await store.writer.read { db in
                    var counts: [String: Int] = [:]
                    for table in [
                        "readings_view", "readings_1m", "forecasts_latest", "deviations", "deviation_shares", "health",
                        "events", "alarm_history", "plans", "proposals", "model_snapshots",
                    ] {
                        counts[table == "readings_view" ? "readings" : table] = try Int.fetchOne(
                            db, sql: "SELECT count(*) FROM \(table)")!
                    }
                    return counts
                }
            }
        }
        let perDay = Int(86_400 / step) * sensors.count
        let late = try #require(counts[363])
        // Raw: at most rawDays plus the week between compactions.
        #expect(late["readings"]! <= (retention.rawDays + 7) * perDay)
        #expect(late["readings_1m"]! <= (retention.summaryDays + 1) * perDay)
        // Forecasts: the newest run of each sensor (one horizon here), whatever the time.
        #expect(late["forecasts_latest"]! == sensors.count)
        #expect(late["health"]! <= (retention.summaryDays + 7) * 24)
        #expect(late["deviation_shares"]! == late["deviations"]! * sensors.count)
        // Unflagged deviations go with the raw readings; the flagged ones stay the summaries' 60 days.
        let flagged = try await store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM deviations WHERE flagged")!
        }
        #expect(flagged >= retention.summaryDays / 7 - 1 && flagged <= retention.summaryDays / 7 + 2)
        #expect(late["deviations"]! - flagged <= (retention.rawDays + 7) * 24)
        #expect(late["events"]! <= retention.summaryDays + 7)
        #expect(late["model_snapshots"]! == 3)
        #expect(late["plans"]! <= retention.summaryDays / 7 + 2)
        // Steady state: the second half of the year does not grow the file.
        let middle = try #require(sizes[181])
        let end = try #require(sizes[363])
        #expect(Double(end) <= Double(middle) * 1.1, "size at day 181: \(middle) B, at day 363: \(end) B")
        #expect(counts[181]!["readings"]! == late["readings"]!)
        #expect(try await store.integrityCheck() == ["ok"])
    }

    @Test("The batch writer writes in bounded batches, in order, and keeps records through a failure")
    func batchWriter() async throws {
        let queue = try DatabaseQueue()
        let store = try Store(writer: queue)
        let writer = BatchWriter(store: store, configuration: .init(maxBatch: 1_000, maxPending: 5_000))
        writer.append(ramp(count: 2_500))
        writer.append(StoreBatch(events: [EventRecord(time: 1, level: "info", kind: "k", message: "m")]))
        #expect(writer.statistics.pending == 2_501)
        #expect(try await writer.flush() == 2_501)
        #expect(writer.statistics.batches == 3)
        #expect(writer.statistics.written == 2_501)

        try await queue.write { db in
            try db.execute(
                sql: "CREATE TRIGGER fail BEFORE INSERT ON readings_staged BEGIN SELECT RAISE(ABORT, 'no'); END")
        }
        writer.append(ramp(start: 1_800_000_000, count: 1_500))
        await #expect(throws: StoreError.self) { try await writer.flush() }
        writer.append(ramp(start: 1_900_000_000, count: 500))
        #expect(writer.statistics.pending == 2_000)
        #expect(writer.statistics.failures == 1)
        // Past maxPending the oldest readings are dropped.
        writer.append(ramp(start: 1_950_000_000, count: 3_500))
        #expect(writer.statistics.pending <= 5_000)
        #expect(writer.statistics.dropped == 500)
        // The readings among them, by asset and quality, for the metrics.
        #expect(writer.statistics.droppedReadings.rows.keys.sorted() == ["pump-1"])
        #expect(writer.statistics.droppedReadings.total == 500)
        try await queue.write { db in try db.execute(sql: "DROP TRIGGER fail") }
        #expect(try await writer.flush() == 5_000)
        let kept = try await store.history(asset: "pump-1", sensor: "temp", from: 0, to: 3e9).raw
        #expect(kept.count == 2_500 + 5_000)
        #expect(kept.map(\.timestamp) == kept.map(\.timestamp).sorted())
        #expect(kept[2_500].timestamp == 1_800_000_000 + 500)
    }

    @Test("A flush writes each signal's readings together, in arrival order within the signal")
    func groupedBySignal() async throws {
        let queue = try DatabaseQueue()
        let store = try Store(writer: queue)
        // Two polls of two assets, interleaved as collectors deliver them; a repeated time keeps its first value.
        var readings: [Reading] = []
        for t in [10.0, 11.0, 11.0] {
            for asset in ["pump-2", "pump-1"] {
                for sensor in ["temp", "flow"] {
                    readings.append(
                        Reading(
                            asset: asset, sensor: sensor, value: t + Double(readings.count), timestamp: t,
                            quality: .good))
                }
            }
        }
        let grouped = BatchWriter.groupedBySignal(readings)
        let signals: [String] = ["pump-1/flow", "pump-1/temp", "pump-2/flow", "pump-2/temp"]
        let expected: [String] = signals.flatMap { [String](repeating: $0, count: 3) }
        #expect(grouped.map { "\($0.asset)/\($0.sensor)" } == expected)
        #expect(grouped.filter { $0.asset == "pump-1" && $0.sensor == "temp" }.map(\.value) == [12, 17, 21])

        let writer = BatchWriter(store: store, configuration: .init(maxBatch: 5))
        writer.append(readings)
        #expect(try await writer.flush() == readings.count)
        let temp = try await store.history(asset: "pump-1", sensor: "temp", from: 0, to: 100).raw
        #expect(temp.map(\.timestamp) == [10, 11])
        #expect(temp.map(\.value) == [12, 17])
        let latest = try await store.latestValues(asset: "pump-2")
        #expect(latest.first { $0.sensor == "flow" }?.value == 16)
    }

    @Test("The grouping by signal is a stable sort by asset and sensor, on shuffled batches")
    func groupedBySignalIsAStableSort() {
        var random = SplitMix64(seed: 11)
        for _ in 0..<100 {
            let readings = (0..<Int.random(in: 0...60, using: &random)).map { n in
                Reading(
                    asset: "pump-\(Int.random(in: 1...12, using: &random))",
                    sensor: ["temp", "flow", "speed"].randomElement(using: &random)!, value: Double(n),
                    timestamp: Double(n / 7), quality: .good)
            }
            let sorted = readings.enumerated().sorted {
                ($0.element.asset, $0.element.sensor, $0.offset) < ($1.element.asset, $1.element.sensor, $1.offset)
            }
            #expect(BatchWriter.groupedBySignal(readings) == sorted.map(\.element))
        }
    }

    @Test("run() flushes periodically and once more when cancelled")
    func runLoop() async throws {
        let store = try Store.inMemory()
        let writer = BatchWriter(store: store, configuration: .init(flushInterval: .milliseconds(20)))
        let task = Task { await writer.run() }
        writer.append(ramp(count: 100))
        var flushed = false
        for _ in 0..<500 where !flushed {
            try await Task.sleep(for: .milliseconds(20))
            flushed = try await store.status().readings == 100
        }
        #expect(flushed)
        writer.append(ramp(start: 2_000_000_000, count: 100))
        task.cancel()
        await task.value
        #expect(try await store.status().readings == 200)
    }
}
