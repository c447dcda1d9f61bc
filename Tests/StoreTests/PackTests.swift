import Foundation
import GRDB
import PrognosCore
import Testing

@testable import Store

@Suite("Packed readings: staged by time, packed a signal-minute a row")
struct PackTests {
    /// Readings of three minutes at awkward times: µs, ms, a third of a second, and values that
    /// need every digit, with every quality.
    static func awkward(asset: String = "pump-1", sensor: String = "temp") -> [Reading] {
        let t0 = 1_733_400_000.0  // a minute boundary
        var readings: [Reading] = []
        let qualities = Quality.allCases
        for i in 0..<150 {
            let time = t0 + Double(i) * 1.2 + [0.000_001, 0.123, 1.0 / 3, 0][i % 4]
            let value: Double? = i % 17 == 5 ? nil : [0.1 + 0.2, -0.0, 1e-300, 123_456.789, Double(i)][i % 5]
            let quality = i % 11 == 0 ? qualities[i % qualities.count] : (value == nil ? .badValue : .good)
            readings.append(Reading(asset: asset, sensor: sensor, value: value, timestamp: time, quality: quality))
        }
        return readings
    }

    @Test("A packed minute reads back exactly: times, values, qualities")
    func roundTrip() throws {
        for minute in [0.0, 60, -60, 1_733_400_000] {
            var packed = PackedMinute(minute: minute)
            let offsets = [0, 0.000_001, 0.1, 1.0 / 3, 7.25, 59.999_999_9, 59.999_999_999_9]
            for (index, offset) in offsets.enumerated() where minute + offset < minute + 60 {
                packed.append(
                    time: minute + offset, value: index == 2 ? nil : [0.1 + 0.2, -0.0, 1e300, 4.5e-7][index % 4],
                    quality: index == 3 ? .stale : .good)
            }
            let encoded = packed.encoded()
            let decoded = try #require(
                PackedMinute.decode(
                    minute: minute, times: encoded.times, values: encoded.values, qualities: encoded.qualities))
            #expect(decoded == packed, "\(encoded)")
        }
        var good = PackedMinute(minute: 60)
        good.append(time: 61, value: 1, quality: .good)
        good.append(time: 62.5, value: 3, quality: .good)
        #expect(good.encoded() == .init(times: "[1,2.5]", values: "[1.0,3.0]", qualities: nil))
        #expect(good.summary == .init(goodCount: 2, min: 1, mean: 2, max: 3))
    }

    @Test("Packing keeps what history, readings_view and the status show")
    func packing() async throws {
        let store = try Store.inMemory()
        let readings = Self.awkward() + Self.awkward(sensor: "flow")
        try await store.write(readings: readings)
        let history = { (sensor: String) in
            try await store.history(asset: "pump-1", sensor: sensor, from: 0, to: 2e9).raw
        }
        let view = {
            try await store.writer.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT sensor, time, value, quality FROM readings_view ORDER BY sensor, time"
                ).map {
                    "\($0[0] as String) \($0[1] as Double) \(($0[2] as Double?).map { "\($0)" } ?? "-") \($0[3] as String)"
                }
            }
        }
        let before = (try await history("temp"), try await history("flow"), try await view())
        #expect(
            before.0
                == Self.awkward().map { reading in
                    var stored = reading
                    if stored.value == nil && stored.quality == .good { stored.quality = .badValue }
                    return stored
                })
        // Windows of a minute; in each, a transaction per signal (50 readings) and ten deletes.
        let report = try await store.pack(before: 1_733_400_120, readingsPerWindow: 10, readingsPerTransaction: 10)
        #expect(report.readings == 200 && report.rows == 4 && report.duplicates == 0 && report.transactions == 24)
        let after = (try await history("temp"), try await history("flow"), try await view())
        #expect(after.0 == before.0 && after.1 == before.1 && after.2 == before.2)
        #expect(try await store.status().readings == 300)
        let (staged, packed) = try await store.writer.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM readings_staged")!,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM readings_packed")!
            )
        }
        #expect(staged == 100 && packed == 4)
        // Part of a range, and a limit, across packed and staged readings.
        let part = try await store.history(
            asset: "pump-1", sensor: "temp", from: 1_733_400_100, to: 1_733_400_130, limit: 20)
        #expect(part.raw == Array(before.0.filter { $0.timestamp >= 1_733_400_100 }.prefix(20)))
    }

    @Test("A late reading is merged into its packed minute; one at a stored reading's time is dropped")
    func lateReadings() async throws {
        let store = try Store.inMemory()
        let t0 = 1_733_400_000.0
        try await store.write(readings: ramp(start: t0, step: 2, count: 30))  // t0, t0 + 2, …, t0 + 58
        try await store.pack(before: t0 + 60)
        let late = [
            Reading(asset: "pump-1", sensor: "temp", value: 100, timestamp: t0 + 3, quality: .good),
            Reading(asset: "pump-1", sensor: "temp", value: 200, timestamp: t0 + 4, quality: .good),
        ]
        try await store.write(readings: late)
        // Before the next pack the stored reading at t0 + 4 is the one read.
        let staged = try await store.history(asset: "pump-1", sensor: "temp", from: t0, to: t0 + 10).raw
        #expect(staged.map(\.value) == [0, 1, 100, 2, 3, 4, 5])
        #expect(try await store.status().readings == 32)
        let report = try await store.pack(before: t0 + 60)
        #expect(report.readings == 2 && report.rows == 1 && report.duplicates == 1)
        let merged = try await store.history(asset: "pump-1", sensor: "temp", from: t0, to: t0 + 60).raw
        #expect(merged.count == 31 && merged[2].value == 100 && merged[3].value == 2)
        #expect(try await store.status().readings == 31)
    }

    @Test(
        "A pack in short transactions: readings_view shows each reading once between them; one interrupted after any of them is finished when the store is next opened"
    )
    func interruptedPack() async throws {
        let t0 = 1_733_400_000.0
        let readings = (0..<3).flatMap { signal in ramp(sensor: "s\(signal)", start: t0, step: 2, count: 45) }
        let viewCount = { (store: Store) in
            try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM readings_view")! }
        }
        // Interrupted after each of a one-minute window's transactions: 3 signal groups, 3 deletes.
        for stop in 1...6 {
            let folder = try TemporaryFolder()
            let path = folder.file("p.sqlite")
            do {
                let store = try Store.open(path: path)
                try await store.write(readings: readings)
                let window = try #require(
                    try await store.writer.read { db in try Store.stagedWindow(before: t0 + 60, readings: 1_000, db) })
                let groups = window.groups(readings: 30)
                let bounds = window.deletionBounds(readings: 30)
                #expect(groups.count == 3 && bounds.count == 3 && bounds.last == t0 + 60)
                for group in groups.prefix(stop) {
                    _ = try await store.writer.write { db in
                        try Store.packGroup(window.rows[group], before: window.end, db)
                    }
                    #expect(try await viewCount(store) == 135)
                }
                for bound in bounds.prefix(max(0, stop - 3)) {
                    try await store.writer.write { db in
                        try db.execute(sql: "DELETE FROM readings_staged WHERE time < ?", arguments: [bound])
                    }
                    #expect(try await viewCount(store) == 135)
                }
            }
            let reopened = try Store.open(path: path)
            #expect(try await viewCount(reopened) == 135, "stopped after transaction \(stop)")
            let report = try await reopened.pack(before: t0 + 120)
            #expect(report.duplicates == 0, "stopped after transaction \(stop)")
            #expect(try await viewCount(reopened) == 135)
            #expect(try await reopened.status().readings == 135)
            for signal in 0..<3 {
                let raw = try await reopened.history(asset: "pump-1", sensor: "s\(signal)", from: 0, to: 2e9).raw
                #expect(raw == ramp(sensor: "s\(signal)", start: t0, step: 2, count: 45))
            }
            let left = try await reopened.writer.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM readings_staged")!
                    + Int.fetchOne(db, sql: "SELECT count(*) FROM pack_progress")!
            }
            #expect(left == 0)
        }
    }

    @Test("A signal's packed rows are found by a seek in the index by bucket: history, readings_view by sensor")
    func packedRowsBySeek() async throws {
        let store = try Store.inMemory()
        try await store.write(readings: Self.awkward() + Self.awkward(sensor: "flow"))
        try await store.pack(before: 1_733_400_120)
        let plans = try await store.writer.read { db in
            [
                try Row.fetchAll(
                    db,
                    sql: """
                        EXPLAIN QUERY PLAN SELECT minute FROM readings_packed
                        WHERE \(Schema.packedRows(of: "?1")) AND minute BETWEEN ?2 AND ?3
                        """, arguments: [2, 0, 2e9]),
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN SELECT * FROM readings_view WHERE asset = 'pump-1' AND sensor = 'flow'"
                ),
            ].map { rows in rows.map { $0["detail"] as String }.joined(separator: "; ") }
        }
        for plan in plans {
            #expect(plan.contains("readings_packed_by_bucket (<expr>=?"), "\(plan)")
            #expect(!plan.contains("SCAN p") && !plan.contains("SCAN readings_packed"), "\(plan)")
        }
        let flow = try await store.history(asset: "pump-1", sensor: "flow", from: 0, to: 2e9).raw
        #expect(flow.count == 150)
    }

    @Test("The batch writer packs the minutes that ended packDelay before its newest reading")
    func batchWriterPacks() async throws {
        let store = try Store.inMemory()
        let writer = BatchWriter(store: store, configuration: .init(maxBatch: 50, packDelay: 10))
        let t0 = 1_733_400_000.0
        writer.append(ramp(start: t0, count: 65))  // up to t0 + 64: the first minute is not due yet
        try await writer.flush()
        #expect(writer.statistics.packs == 1)
        writer.append(ramp(start: t0 + 65, count: 10))  // up to t0 + 74
        try await writer.flush()
        #expect(writer.statistics.packs == 2 && writer.statistics.packFailures == 0)
        let (staged, packed) = try await store.writer.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM readings_staged")!,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM readings_packed")!
            )
        }
        #expect(staged == 15 && packed == 1)
        let raw = try await store.history(asset: "pump-1", sensor: "temp", from: 0, to: 2e9).raw
        #expect(raw == ramp(start: t0, count: 65) + ramp(start: t0 + 65, count: 10))
    }

    @Test("v6 packs the readings of an older database")
    func migration() async throws {
        let queue = try DatabaseQueue()
        try Schema.migrator.migrate(queue, upTo: "v5")
        let readings = Self.awkward() + Self.awkward(sensor: "flow")
        try await queue.write { db in
            for (sensor, id) in [("temp", 1), ("flow", 2)] {
                try db.execute(
                    sql: "INSERT INTO series (id, asset, sensor) VALUES (?, 'pump-1', ?)", arguments: [id, sensor])
            }
            for reading in readings {
                try db.execute(
                    sql: "INSERT INTO readings (series_id, time, value, quality) VALUES (?, ?, ?, ?)",
                    arguments: [
                        reading.sensor == "temp" ? 1 : 2, reading.timestamp, reading.value, reading.quality.rawValue,
                    ])
            }
        }
        let store = try Store(writer: queue)
        #expect(try await store.appliedMigrations() == Store.migrations)
        let temp = try await store.history(asset: "pump-1", sensor: "temp", from: 0, to: 2e9).raw
        #expect(temp == Self.awkward())
        let (packed, viewRows) = try await queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM readings_packed")!,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM readings_view")!
            )
        }
        #expect(packed == 6 && viewRows == 300)
    }
}
