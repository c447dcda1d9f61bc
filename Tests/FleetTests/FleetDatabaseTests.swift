import Daemon
import Foundation
import Logging
import PostgresNIO
import PrognosCore
import TestSupport
import Testing

@testable import Fleet

/// A throwaway PostgreSQL with a migrated fleet database, closed and removed at the end.
func withFleetDatabase(_ body: (FleetDatabase, PostgresServer) async throws -> Void) async throws {
    let server = try PostgresServer()
    defer { server.stop() }
    let database = FleetDatabase(url: try PostgresURL(server.url()), logger: Logger(label: "test"))
    do {
        try await database.migrate()
        try await body(database, server)
    } catch {
        await database.close()
        throw error
    }
    await database.close()
}

func decode(_ message: (topic: String, payload: String)) throws -> FleetMessage {
    try FleetMessage.decode(topic: message.topic, payload: Array(message.payload.utf8))
}

extension FleetDatabase {
    /// One integer from a query (a count, in these tests).
    func integer(_ sql: String) async throws -> Int {
        var value = -1
        for try await n in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int.self) { value = n }
        return value
    }
}

@Suite("Fleet database: migrations, monthly partitions, idempotent alarms, newest state, plan versions", .serialized)
struct FleetDatabaseTests {
    @Test(
        "Migrations are recorded once; a second run applies nothing; a missing database is named",
        .timeLimit(.minutes(3)))
    func migrations() async throws {
        try await withFleetDatabase { database, server in
            let missing = FleetDatabase(
                url: try PostgresURL(server.url(database: "nosuchdb")), logger: Logger(label: "test"))
            let error = await #expect(throws: FleetDatabaseError.self) { try await missing.checkConnection() }
            #expect(error?.message.contains("\"nosuchdb\" does not exist") == true, "\(String(describing: error))")
            await missing.close()
            try await database.checkConnection()
            let applied = try await database.migrate()
            #expect(applied == [])
            let recorded = try await database.integer("SELECT count(*) FROM schema_migrations")
            #expect(recorded == FleetDatabase.schemaVersion)
            let newest = try await database.integer("SELECT max(version) FROM schema_migrations")
            #expect(newest == FleetDatabase.schemaVersion)
            // alarm_events is a partitioned table (relkind 'p'), partitioned by range.
            let partitioned = try await database.integer(
                "SELECT count(*) FROM pg_partitioned_table t JOIN pg_class c ON c.oid = t.partrelid WHERE c.relname = 'alarm_events' AND t.partstrat = 'r'"
            )
            #expect(partitioned == 1)
        }
    }

    @Test(
        "Alarms land in their month's partition, the next month is made ahead, a redelivery is stored once",
        .timeLimit(.minutes(3)))
    func alarmsAndPartitions() async throws {
        try await withFleetDatabase { database, _ in
            // 2026-11-29 and 2027-01-15 (UTC): partitions for Nov, Dec (ahead of Nov), Jan and Feb (ahead of Jan).
            let november = RealMessages.alarm(site: "riverside", asset: "pump-101", time: 1_795_927_894.884)
            let january = RealMessages.alarm(site: "lakeside", asset: "fan-2", time: 1_800_000_000.5)
            var batch = FleetBatch()
            for message in [november, january] { batch.append(try decode((message.topic, message.payload))) }
            let first = try await database.write(batch)
            #expect(first.alarmsInserted == 2)
            let partitions = try await database.partitionNames()
            #expect(
                partitions == [
                    "alarm_events_2026_11", "alarm_events_2026_12", "alarm_events_2027_01", "alarm_events_2027_02",
                ])
            let novemberRows = try await database.integer("SELECT count(*) FROM alarm_events_2026_11")
            #expect(novemberRows == 1)
            let januaryRows = try await database.integer("SELECT count(*) FROM alarm_events_2027_01")
            #expect(januaryRows == 1)

            // The same batch again (a redelivery after a crash): nothing new.
            let again = try await database.write(batch)
            #expect(again.alarmsInserted == 0)
            let stored = try await database.integer("SELECT count(*) FROM alarm_events")
            #expect(stored == 2)

            // The alarm returns to normal: the history has both transitions, the open-alarm view none of pump-101.
            let cleared = RealMessages.alarm(site: "riverside", asset: "pump-101", time: 1_795_927_999, cleared: true)
            var next = FleetBatch()
            next.append(try decode((cleared.topic, cleared.payload)))
            let insertedAfterClear = try await database.write(next).alarmsInserted
            #expect(insertedAfterClear == 1)
            let riversideHistory = try await database.integer(
                "SELECT count(*) FROM alarm_events WHERE site = 'riverside'")
            #expect(riversideHistory == 2)
            let riversideOpen = try await database.integer("SELECT count(*) FROM open_alarms WHERE site = 'riverside'")
            #expect(riversideOpen == 0)
            let lakesideOpen = try await database.integer("SELECT count(*) FROM open_alarms WHERE site = 'lakeside'")
            #expect(lakesideOpen == 1)
        }
    }

    @Test(
        "A state older than the stored one does not overwrite it; plans are kept per version", .timeLimit(.minutes(3)))
    func statesAndPlans() async throws {
        try await withFleetDatabase { database, _ in
            let t = Date().timeIntervalSince1970.rounded()
            var batch = FleetBatch()
            batch.append(
                try decode(RealMessages.state(site: "riverside", asset: "pump-101", status: .offSpec, time: t)))
            batch.append(
                try decode(RealMessages.state(site: "riverside", asset: "pump-101", status: .normal, time: t - 10)))
            batch.append(
                try decode(
                    RealMessages.plan(
                        site: "riverside", createdAt: t - 100, version: 1, asset: "pump-101", windowStart: t + 86_400)))
            _ = try await database.write(batch)
            var older = FleetBatch()
            older.append(
                try decode(RealMessages.state(site: "riverside", asset: "pump-101", status: .normal, time: t - 5)))
            older.append(
                try decode(
                    RealMessages.plan(
                        site: "riverside", createdAt: t - 100, version: 1, asset: "pump-101", windowStart: t + 86_400)))
            older.append(
                try decode(
                    RealMessages.plan(
                        site: "riverside", createdAt: t, version: 2, asset: "pump-102", windowStart: t + 2 * 86_400)))
            let result = try await database.write(older)
            #expect(result.plansInserted == 1)
            let offSpec = try await database.integer("SELECT count(*) FROM asset_states WHERE status = 'off-spec'")
            #expect(offSpec == 1)
            let plans = try await database.integer("SELECT count(*) FROM plans")
            #expect(plans == 2)
            let proposals = try await database.integer("SELECT count(*) FROM plan_proposals")
            #expect(proposals == 2)

            let overview = try await database.overview(worstAssets: 3, limit: 10)
            #expect(overview.plants.map(\.site) == ["riverside"])
            #expect(overview.plants.first?.assets.first?.status == "off-spec")
            // Planned work is the latest plan's only.
            #expect(overview.plannedWork.map(\.asset) == ["pump-102"])
        }
    }

    @Test(
        "A large batch is written as two transactions split by asset: every row once, latest states right, a rewrite inserts nothing",
        .timeLimit(.minutes(3)))
    func splitBatch() async throws {
        try await withFleetDatabase { database, _ in
            let time = Date().timeIntervalSince1970 - 600
            var batch = FleetBatch()
            for i in 0..<1_200 {
                let alarm = RealMessages.alarm(
                    site: i % 2 == 0 ? "riverside" : "lakeside", asset: "pump-\(i % 40)", time: time + Double(i))
                batch.append(try decode((alarm.topic, alarm.payload)))
            }
            for i in 0..<300 {
                batch.append(
                    try decode(
                        RealMessages.state(
                            site: "riverside", asset: "pump-\(i % 40)", status: .normal, time: time + Double(i))))
            }
            #expect(batch.count >= FleetDatabase.splitAbove)
            let sides = Set((0..<40).map { FleetDatabase.firstHalf("riverside", "pump-\($0)") })
            #expect(sides.count == 2, "the assets fall on both sides")
            let first = try await database.write(batch)
            #expect(first.alarmsInserted == 1_200)
            #expect(try await database.integer("SELECT count(*) FROM alarm_events") == 1_200)
            #expect(try await database.integer("SELECT count(*) FROM asset_states") == 40)
            // Each asset's newest state (i = 260…299) won.
            let newest = try await database.integer(
                "SELECT count(*) FROM asset_states WHERE time >= to_timestamp(\(time + 259.5))")
            #expect(newest == 40)
            let again = try await database.write(batch)
            #expect(again.alarmsInserted == 0)
            #expect(try await database.integer("SELECT count(*) FROM alarm_events") == 1_200)
        }
    }
}
