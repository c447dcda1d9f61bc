import Foundation
import GRDB
import PrognosCore

// Plans, snapshots, events, heartbeat, and the queries of the dashboard and the CLI.
extension Store {
    // MARK: - Plans

    /// Saves a new plan version with its proposals in one transaction; returns the version.
    @discardableResult
    public func savePlan(_ plan: PlanRecord, proposals: [ProposalRecord]) async throws -> Int64 {
        try await write("cannot save a plan") { db in
            var plan = plan
            plan.version = nil
            try plan.insert(db)
            let version = plan.version!
            for var proposal in proposals {
                proposal.id = nil
                proposal.planVersion = version
                try proposal.insert(db)
            }
            return version
        }
    }

    /// The newest plan and its proposals, ordered by window start.
    public func latestPlan() async throws -> MaintenancePlan? {
        try await read("cannot read the latest plan") { db in
            guard let plan = try PlanRecord.order(PlanRecord.Columns.version.desc).fetchOne(db) else { return nil }
            let proposals = try ProposalRecord.filter(ProposalRecord.Columns.planVersion == plan.version)
                .order(ProposalRecord.Columns.windowStart, Column("id")).fetchAll(db)
            return MaintenancePlan(plan: plan, proposals: proposals)
        }
    }

    /// The first time each (asset, failure mode, action) was proposed, with the plan that first
    /// proposed it, oldest first: what the planner has asked for over the store's history.
    public func firstProposals() async throws -> [(plan: PlanRecord, proposal: ProposalRecord)] {
        try await read("cannot read the proposals") { db in
            let proposals = try ProposalRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM proposals WHERE id IN
                      (SELECT min(id) FROM proposals GROUP BY asset, coalesce(failure_mode, ''), action)
                    ORDER BY id
                    """)
            let versions = Set(proposals.compactMap(\.planVersion))
            let plans = try PlanRecord.filter(versions.contains(PlanRecord.Columns.version)).fetchAll(db)
            let byVersion = Dictionary(
                uniqueKeysWithValues: plans.compactMap { plan in plan.version.map { ($0, plan) } })
            return proposals.compactMap { proposal in
                proposal.planVersion.flatMap { byVersion[$0] }.map { ($0, proposal) }
            }
        }
    }

    /// The first proposal for `asset` in a plan made at or after `time`, with that plan.
    public func firstProposal(
        asset: String, from time: Double
    ) async throws -> (
        plan: PlanRecord, proposal: ProposalRecord
    )? {
        try await read("cannot read the proposals of \(asset)") { db in
            guard
                let proposal = try ProposalRecord.fetchOne(
                    db,
                    sql: """
                        SELECT p.* FROM proposals p JOIN plans pl ON pl.version = p.plan_version
                        WHERE p.asset = ? AND pl.created_at >= ? ORDER BY pl.version, p.id LIMIT 1
                        """, arguments: [asset, time]),
                let version = proposal.planVersion,
                let plan = try PlanRecord.filter(PlanRecord.Columns.version == version).fetchOne(db)
            else { return nil }
            return (plan, proposal)
        }
    }

    // MARK: - Model snapshots

    /// Saves a snapshot of `asset`'s world model as its next version (1, 2, 3…); returns the version.
    @discardableResult
    public func saveSnapshot(asset: String, format: String, bytes: Data, at time: Double) async throws -> Int64 {
        try await write("cannot save the model snapshot of \(asset)") { db in
            let last =
                try Int64.fetchOne(
                    db, sql: "SELECT max(version) FROM model_snapshots WHERE asset = ?", arguments: [asset]) ?? 0
            let snapshot = ModelSnapshot(asset: asset, version: last + 1, createdAt: time, format: format, bytes: bytes)
            try snapshot.insert(db)
            return snapshot.version
        }
    }

    /// The newest snapshot of `asset`, or nil.
    public func latestSnapshot(asset: String) async throws -> ModelSnapshot? {
        try await read("cannot read the model snapshot of \(asset)") { db in
            try ModelSnapshot.filter(ModelSnapshot.Columns.asset == asset)
                .order(ModelSnapshot.Columns.version.desc).fetchOne(db)
        }
    }

    /// The newest snapshot of every asset that has one, by asset.
    public func latestSnapshots() async throws -> [ModelSnapshot] {
        try await read("cannot read model snapshots") { db in
            try ModelSnapshot.fetchAll(
                db,
                sql: """
                    SELECT s.* FROM model_snapshots s
                    WHERE s.version = (SELECT max(version) FROM model_snapshots WHERE asset = s.asset)
                    ORDER BY s.asset
                    """)
        }
    }

    // MARK: - Events and heartbeat

    /// Records one event now (events in bulk go through `write(_:)` / the `BatchWriter`).
    public func recordEvent(_ event: EventRecord) async throws {
        try await write(StoreBatch(events: [event]))
    }

    /// The newest `limit` events, newest first.
    public func recentEvents(limit: Int = 100) async throws -> [EventRecord] {
        try await read("cannot read events") { db in
            try EventRecord.order(EventRecord.Columns.id.desc).limit(limit).fetchAll(db)
        }
    }

    /// Replaces the daemon's heartbeat row.
    public func updateDaemonStatus(_ status: DaemonStatus) async throws {
        try await write("cannot write the daemon status") { db in
            try status.insert(db, onConflict: .replace)
        }
    }

    /// The daemon's heartbeat row, or nil if no daemon has written one.
    public func daemonStatus() async throws -> DaemonStatus? {
        try await read("cannot read the daemon status") { db in try DaemonStatus.fetchOne(db) }
    }

    // MARK: - Telemetry

    /// Assets with telemetry, by id.
    public func assets() async throws -> [String] {
        try await read("cannot read assets") { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT asset FROM series ORDER BY asset")
        }
    }

    /// The latest reading of every signal of `asset`, by sensor id.
    public func latestValues(asset: String) async throws -> [Reading] {
        try await read("cannot read the latest values of \(asset)") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sensor, last_time, last_value, last_quality FROM series
                    WHERE asset = ? AND last_time IS NOT NULL ORDER BY sensor
                    """, arguments: [asset]
            ).map { row in
                Reading(
                    asset: asset, sensor: row["sensor"], value: row["last_value"], timestamp: row["last_time"],
                    quality: Quality(rawValue: row["last_quality"]) ?? .badValue)
            }
        }
    }

    /// History of one signal in `from...to`: raw readings (still kept for the last `rawDays`: packed
    /// and staged) and one-minute summaries (older), both ascending; at most `limit` of each.
    public func history(
        asset: String, sensor: String, from: Double, to: Double, limit: Int = 100_000
    )
        async throws -> SensorHistory
    {
        try await read("cannot read the history of \(asset)/\(sensor)") { db in
            guard
                let id = try Int64.fetchOne(
                    db, sql: "SELECT id FROM series WHERE asset = ? AND sensor = ?", arguments: [asset, sensor])
            else { return SensorHistory(raw: [], minutes: []) }
            let raw = try Self.rawReadings(series: id, from: from, to: to, limit: limit, db).map { reading in
                Reading(
                    asset: asset, sensor: sensor, value: reading.value, timestamp: reading.time,
                    quality: reading.quality)
            }
            let minutes = try MinuteSummary.fetchAll(
                db,
                sql: """
                    SELECT ? AS asset, ? AS sensor, minute, min, mean, max, count, bad_count FROM readings_1m
                    WHERE series_id = ? AND minute BETWEEN ? AND ? ORDER BY minute LIMIT ?
                    """, arguments: [asset, sensor, id, (from / 60).rounded(.down) * 60, to, limit])
            return SensorHistory(raw: raw, minutes: minutes)
        }
    }

    // MARK: - Predictions

    /// The newest deviation score of `asset` with its sensor shares (largest first), or nil.
    public func latestDeviation(asset: String) async throws -> DeviationRecord? {
        try await read("cannot read the latest deviation of \(asset)") { db in
            guard
                var deviation = try DeviationRecord.filter(DeviationRecord.Columns.asset == asset)
                    .order(DeviationRecord.Columns.time.desc, Column("id").desc).fetchOne(db)
            else { return nil }
            deviation.shares = try SensorShare.fetchAll(
                db,
                sql: "SELECT sensor, share FROM deviation_shares WHERE deviation_id = ? ORDER BY share DESC, sensor",
                arguments: [deviation.id])
            return deviation
        }
    }

    /// Deviation scores of `asset` in `from...to`, ascending, without shares.
    public func deviations(
        asset: String, from: Double, to: Double, limit: Int = 100_000
    ) async throws
        -> [DeviationRecord]
    {
        try await read("cannot read deviations of \(asset)") { db in
            try DeviationRecord.filter(DeviationRecord.Columns.asset == asset)
                .filter(DeviationRecord.Columns.time >= from && DeviationRecord.Columns.time <= to)
                .order(DeviationRecord.Columns.time).limit(limit).fetchAll(db)
        }
    }

    /// The newest health and RUL estimate of every failure mode of `asset`, by failure mode.
    public func latestHealth(asset: String) async throws -> [HealthRecord] {
        try await read("cannot read the health of \(asset)") { db in
            // Skip-scan of the (asset, failure_mode, time) index: one seek per failure mode.
            try HealthRecord.fetchAll(
                db,
                sql: """
                    WITH RECURSIVE modes(mode) AS (
                        SELECT min(failure_mode) FROM health WHERE asset = :asset
                        UNION ALL
                        SELECT (SELECT min(failure_mode) FROM health WHERE asset = :asset AND failure_mode > mode)
                        FROM modes WHERE mode IS NOT NULL
                    )
                    SELECT h.* FROM modes JOIN health h ON h.id = (
                        SELECT id FROM health WHERE asset = :asset AND failure_mode = modes.mode
                        ORDER BY time DESC, id DESC LIMIT 1)
                    ORDER BY h.failure_mode
                    """, arguments: ["asset": asset])
        }
    }

    /// Health estimates of one failure mode of `asset` in `from...to`, ascending.
    public func healthHistory(
        asset: String, failureMode: String, from: Double, to: Double, limit: Int = 100_000
    )
        async throws -> [HealthRecord]
    {
        try await read("cannot read the health history of \(asset)") { db in
            try HealthRecord.filter(HealthRecord.Columns.asset == asset)
                .filter(HealthRecord.Columns.failureMode == failureMode)
                .filter(HealthRecord.Columns.time >= from && HealthRecord.Columns.time <= to)
                .order(HealthRecord.Columns.time).limit(limit).fetchAll(db)
        }
    }

    /// The newest forecast run of `asset`'s `sensor` (the only one stored), a record per horizon.
    public func latestForecast(asset: String, sensor: String) async throws -> [ForecastRecord] {
        try await read("cannot read forecasts of \(asset)/\(sensor)") { db in
            try ForecastRecord.fetchAll(
                db,
                sql: "SELECT * FROM forecasts_latest WHERE asset = ? AND sensor = ? ORDER BY target_time",
                arguments: [asset, sensor])
        }
    }

    // MARK: - Status

    /// The counts `prognos status` shows. Cheap: no table scan of telemetry.
    public func status() async throws -> StoreStatus {
        try await read("cannot read the store status") { db in
            let series = try Row.fetchOne(
                db, sql: "SELECT coalesce(sum(raw_count), 0) AS n, count(*) AS s, max(last_time) AS t FROM series")!
            var byState: [AlarmState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM alarms GROUP BY state") {
                if let state = AlarmState(rawValue: row["state"]) { byState[state] = row["n"] }
            }
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return StoreStatus(
                readings: series["n"], series: series["s"], lastDataTime: series["t"], alarmsByState: byState,
                outbox: try Self.outboxCount(db), daemon: try DaemonStatus.fetchOne(db),
                databaseBytes: pages * pageSize)
        }
    }
}
