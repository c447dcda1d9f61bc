import PostgresNIO
import PrognosCore

/// Messages taken from the broker, waiting to be written together.
public struct FleetBatch: Sendable, Equatable {
    public var alarms: [AlarmEvent] = []
    public var states: [AssetStateMessage] = []
    public var plans: [PlanMessage] = []
    public var statuses: [SiteStatus] = []

    public init() {}

    public var count: Int { alarms.count + states.count + plans.count + statuses.count }
    public var isEmpty: Bool { count == 0 }

    public mutating func append(_ message: FleetMessage) {
        switch message {
        case .alarm(let a): alarms.append(a)
        case .state(let s): states.append(s)
        case .plan(let p): plans.append(p)
        case .status(let s): statuses.append(s)
        }
    }
}

/// What one committed batch changed.
public struct FleetWriteResult: Sendable, Equatable {
    /// Alarm transitions new to the history (a redelivered one is not counted).
    public var alarmsInserted = 0
    public var plansInserted = 0

    public init(alarmsInserted: Int = 0, plansInserted: Int = 0) {
        self.alarmsInserted = alarmsInserted
        self.plansInserted = plansInserted
    }
}

extension FleetDatabase {
    /// Writes `batch`: alarm transitions (idempotent by event id and time), latest alarm and asset
    /// states (newer wins), new plan versions and site statuses. Array parameters carry each
    /// column, so a batch costs a handful of statements, not one per row.
    ///
    /// A large batch is split by asset into two transactions that run at once on two connections,
    /// so PostgreSQL works on two cores: the halves touch disjoint rows (an alarm's and a state's
    /// keys contain the asset), so they never wait on each other's locks. Each half is idempotent,
    /// so when one fails the caller may write the whole batch again.
    public func write(_ batch: FleetBatch) async throws -> FleetWriteResult {
        guard !batch.isEmpty else { return FleetWriteResult() }
        try await ensurePartitions(for: batch.alarms.map(\.time))
        guard batch.count >= Self.splitAbove else { return try await writeTransaction(batch) }
        var halves = (FleetBatch(), FleetBatch())
        for alarm in batch.alarms {
            if Self.firstHalf(alarm.site, alarm.asset) {
                halves.0.alarms.append(alarm)
            } else {
                halves.1.alarms.append(alarm)
            }
        }
        for state in batch.states {
            if Self.firstHalf(state.site, state.asset) {
                halves.0.states.append(state)
            } else {
                halves.1.states.append(state)
            }
        }
        halves.0.plans = batch.plans
        halves.0.statuses = batch.statuses
        let (first, second) = halves
        async let a = first.isEmpty ? FleetWriteResult() : writeTransaction(first)
        async let b = second.isEmpty ? FleetWriteResult() : writeTransaction(second)
        let (ra, rb) = try await (a, b)
        return FleetWriteResult(
            alarmsInserted: ra.alarmsInserted + rb.alarmsInserted, plansInserted: ra.plansInserted + rb.plansInserted)
    }

    /// Batches smaller than this go in one transaction (a second connection's round trips would cost more than they save).
    static let splitAbove = 500

    /// Which half an asset's rows go to: a stable hash of site and asset (FNV-1a), the same in every batch.
    static func firstHalf(_ site: String, _ asset: String) -> Bool {
        // A zero byte between the two, so ("ab", "c") and ("a", "bc") are different keys.
        StableHash.fnv1a(site.utf8 + [0] + asset.utf8) & 1 == 0
    }

    private func writeTransaction(_ batch: FleetBatch) async throws -> FleetWriteResult {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            var result = FleetWriteResult()
            if !batch.alarms.isEmpty {
                result.alarmsInserted = try await Self.insertAlarms(batch.alarms, connection, logger)
            }
            if !batch.states.isEmpty { try await Self.upsertStates(batch.states, connection, logger) }
            for plan in batch.plans {
                if try await Self.insertPlan(plan, connection, logger) { result.plansInserted += 1 }
            }
            for status in batch.statuses {
                try await connection.query(
                    """
                    INSERT INTO site_status (site, online, time) VALUES (\(status.site), \(status.online), to_timestamp(\(status.time)))
                    ON CONFLICT (site) DO UPDATE SET online = excluded.online, time = excluded.time, received_at = excluded.received_at
                    WHERE excluded.time >= site_status.time
                    """, logger: logger)
            }
            return result
        }
    }

    private static func insertAlarms(
        _ alarms: [AlarmEvent], _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> Int {
        let ids = alarms.map(\.eventID), times = alarms.map(\.time), sites = alarms.map(\.site),
            assets = alarms.map(\.asset)
        let alarmIDs = alarms.map(\.alarmID), kinds = alarms.map(\.kind), priorities = alarms.map(\.priority.rawValue)
        let states = alarms.map(\.state.rawValue), previous = alarms.map(\.previousState.rawValue),
            causes = alarms.map(\.cause)
        let active = alarms.map(\.active), messages = alarms.map(\.message), actors = alarms.map(\.actor)
        // NaN stands for "absent" in the float8 arrays; nullif turns it back into NULL.
        let values = alarms.map { $0.value ?? .nan }, thresholds = alarms.map { $0.threshold ?? .nan }
        let payloads = alarms.map(\.payload)
        let rows = try await connection.query(
            """
            WITH r AS (
                SELECT * FROM unnest(\(ids)::text[], \(times)::float8[], \(sites)::text[], \(assets)::text[], \(alarmIDs)::text[],
                    \(kinds)::text[], \(priorities)::text[], \(states)::text[], \(previous)::text[], \(causes)::text[],
                    \(active)::bool[], \(messages)::text[], \(actors)::text[], \(values)::float8[], \(thresholds)::float8[],
                    \(payloads)::text[])
                AS r(event_id, t, site, asset, alarm_id, kind, priority, state, previous_state, cause, active, message, actor,
                    value, threshold, payload)
            ), inserted AS (
                INSERT INTO alarm_events (event_id, time, site, asset, alarm_id, kind, priority, state, previous_state, cause,
                    active, message, actor, value, threshold, payload)
                SELECT event_id, to_timestamp(t), site, asset, alarm_id, kind, priority, state, previous_state, cause, active,
                    message, actor, nullif(value, 'NaN'), nullif(threshold, 'NaN'), payload::jsonb FROM r
                ON CONFLICT DO NOTHING
                RETURNING 1
            ), latest AS (
                INSERT INTO alarm_latest (site, alarm_id, asset, event_id, time, kind, priority, state, active, message)
                SELECT DISTINCT ON (site, alarm_id) site, alarm_id, asset, event_id, to_timestamp(t), kind, priority, state,
                    active, message
                FROM r ORDER BY site, alarm_id, t DESC, event_id DESC
                ON CONFLICT (site, alarm_id) DO UPDATE SET asset = excluded.asset, event_id = excluded.event_id,
                    time = excluded.time, kind = excluded.kind, priority = excluded.priority, state = excluded.state,
                    active = excluded.active, message = excluded.message
                WHERE excluded.time >= alarm_latest.time
            )
            SELECT count(*) FROM inserted
            """, logger: logger)
        var inserted = 0
        for try await count in rows.decode(Int.self) { inserted = count }
        return inserted
    }

    private static func upsertStates(
        _ states: [AssetStateMessage], _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let sites = states.map(\.site), assets = states.map(\.asset), statuses = states.map(\.status)
        let learning = states.map(\.learning), alarms = states.map(\.activeAlarms), times = states.map(\.time)
        let scores = states.map { $0.score ?? .nan }, thresholds = states.map { $0.threshold ?? .nan }
        let modes = states.map { $0.rulMode ?? "" }, medians = states.map { $0.rulMedian ?? .nan }
        let payloads = states.map(\.payload)
        try await connection.query(
            """
            INSERT INTO asset_states (site, asset, status, learning, active_alarms, score, threshold, rul_mode, rul_median_s, time, payload)
            SELECT DISTINCT ON (site, asset) site, asset, status, learning, active_alarms, nullif(score, 'NaN'),
                nullif(threshold, 'NaN'), nullif(rul_mode, ''), nullif(rul_median_s, 'NaN'), to_timestamp(t), payload::jsonb
            FROM unnest(\(sites)::text[], \(assets)::text[], \(statuses)::text[], \(learning)::bool[], \(alarms)::int8[],
                \(scores)::float8[], \(thresholds)::float8[], \(modes)::text[], \(medians)::float8[], \(times)::float8[],
                \(payloads)::text[])
                AS r(site, asset, status, learning, active_alarms, score, threshold, rul_mode, rul_median_s, t, payload)
            ORDER BY site, asset, t DESC
            ON CONFLICT (site, asset) DO UPDATE SET status = excluded.status, learning = excluded.learning,
                active_alarms = excluded.active_alarms, score = excluded.score, threshold = excluded.threshold,
                rul_mode = excluded.rul_mode, rul_median_s = excluded.rul_median_s, time = excluded.time,
                received_at = excluded.received_at, payload = excluded.payload
            WHERE excluded.time >= asset_states.time
            """, logger: logger)
    }

    /// Inserts a plan version and its proposals; false when that version (site, created_at) is already stored.
    private static func insertPlan(
        _ plan: PlanMessage, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO plans (site, created_at, version, horizon_end, currency, expected_cost, baseline_cost, summary, payload)
            VALUES (\(plan.site), to_timestamp(\(plan.createdAt)), \(plan.version), to_timestamp(\(plan.horizonEnd)), \(plan.currency),
                \(plan.expectedCost), \(plan.baselineCost), \(plan.summary), \(plan.payload)::jsonb)
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger)
        var inserted = false
        for try await _ in rows { inserted = true }
        guard inserted, !plan.proposals.isEmpty else { return inserted }
        let p = plan.proposals
        let positions = Array(0..<p.count), assets = p.map(\.asset), modes = p.map(\.failureMode),
            actions = p.map(\.action)
        let starts = p.map(\.start), ends = p.map(\.end), crews = p.map(\.crew)
        let costs = p.map { $0.expectedCost ?? .nan }, risks = p.map { $0.failureProbabilityIgnored ?? .nan }
        try await connection.query(
            """
            INSERT INTO plan_proposals (site, created_at, position, asset, failure_mode, action, window_start, window_end, crew,
                expected_cost, p_fail_ignored)
            SELECT \(plan.site), to_timestamp(\(plan.createdAt)), position, asset, failure_mode, action, to_timestamp(s),
                to_timestamp(e), crew, nullif(cost, 'NaN'), nullif(risk, 'NaN')
            FROM unnest(\(positions)::int8[], \(assets)::text[], \(modes)::text[], \(actions)::text[], \(starts)::float8[],
                \(ends)::float8[], \(crews)::int8[], \(costs)::float8[], \(risks)::float8[])
                AS r(position, asset, failure_mode, action, s, e, crew, cost, risk)
            """, logger: logger)
        return true
    }
}
