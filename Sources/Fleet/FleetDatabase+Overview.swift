import PostgresNIO
import PrognosCore

extension FleetDatabase: FleetOverviewSource {
    /// The fleet view: every plant with its worst `worstAssets` assets, the `limit` worst open
    /// alarms (unacknowledged first, then by priority, oldest first) and the `limit` soonest
    /// proposals of each site's latest plan.
    public func overview(worstAssets: Int, limit: Int) async throws -> FleetOverview {
        do {
            return try await readOverview(worstAssets: worstAssets, limit: limit)
        } catch {
            throw FleetDatabaseError(message: FleetDatabaseError.describe(error))
        }
    }

    private func readOverview(worstAssets: Int, limit: Int) async throws -> FleetOverview {
        var bySite: [String: [FleetOverview.AssetState]] = [:]
        var lastState: [String: Double] = [:]
        let states = try await client.query(
            """
            SELECT site, asset, status, score, threshold, active_alarms, rul_median_s, rul_mode,
                extract(epoch FROM time)::float8 FROM asset_states
            """, logger: logger)
        for try await (site, asset, status, score, threshold, alarms, rul, mode, time) in states.decode(
            (String, String, String, Double?, Double?, Int, Double?, String?, Double).self)
        {
            bySite[site, default: []].append(
                FleetOverview.AssetState(
                    asset: asset, status: status, score: score, threshold: threshold, activeAlarms: alarms,
                    rulMedian: rul,
                    rulMode: mode, time: time))
            lastState[site] = max(lastState[site] ?? time, time)
        }
        var online: [String: Bool] = [:]
        for try await (site, isOnline) in try await client.query("SELECT site, online FROM site_status", logger: logger)
            .decode(
                (String, Bool).self)
        {
            online[site] = isOnline
        }
        var alarms: [FleetOverview.OpenAlarm] = []
        let open = try await client.query(
            "SELECT site, asset, alarm_id, kind, priority, state, message, extract(epoch FROM time)::float8 FROM open_alarms",
            logger: logger)
        for try await (site, asset, alarmID, kind, priority, state, message, time) in open.decode(
            (String, String, String, String, String, String, String, Double).self)
        {
            guard let priority = AlarmPriority(rawValue: priority), let state = AlarmState(rawValue: state) else {
                continue
            }
            alarms.append(
                FleetOverview.OpenAlarm(
                    site: site, asset: asset, alarmID: alarmID, kind: kind, priority: priority, state: state,
                    message: message,
                    time: time))
        }
        let sites = Set(bySite.keys).union(online.keys).union(alarms.map(\.site)).sorted()
        let plants = sites.map { site in
            let assets = bySite[site] ?? []
            let open = alarms.filter { $0.site == site }
            return FleetOverview.Plant(
                site: site, assets: Array(Self.worstFirst(assets).prefix(worstAssets)), assetCount: assets.count,
                notNormal: assets.filter { $0.status != "normal" }.count, openAlarms: open.count,
                unacknowledged: open.filter { $0.state.needsAttention }.count, lastState: lastState[site],
                online: online[site])
        }
        alarms.sort { a, b in
            if a.state.needsAttention != b.state.needsAttention { return a.state.needsAttention }
            if a.priority != b.priority { return a.priority > b.priority }
            return (a.time, a.site, a.alarmID) < (b.time, b.site, b.alarmID)
        }

        var work: [FleetOverview.PlannedWork] = []
        let planned = try await client.query(
            """
            SELECT site, asset, action, failure_mode, extract(epoch FROM window_start)::float8,
                extract(epoch FROM window_end)::float8, expected_cost, currency, p_fail_ignored
            FROM planned_work ORDER BY window_start, site, position LIMIT \(limit)
            """, logger: logger)
        for try await (site, asset, action, mode, start, end, cost, currency, risk) in planned.decode(
            (String, String, String, String, Double, Double, Double?, String, Double?).self)
        {
            work.append(
                FleetOverview.PlannedWork(
                    site: site, asset: asset, action: action, failureMode: mode, start: start, end: end,
                    expectedCost: cost,
                    currency: currency, failureProbabilityIgnored: risk))
        }

        var lastReceived: Double?
        for try await value in try await client.query(
            "SELECT extract(epoch FROM max(received_at))::float8 FROM asset_states", logger: logger
        ).decode(Double?.self) {
            lastReceived = value
        }
        return FleetOverview(
            plants: plants, openAlarms: Array(alarms.prefix(limit)), plannedWork: work, lastReceived: lastReceived)
    }

    /// Worst first, as the plant dashboard sorts by risk: NE 107 severity, then deviation score
    /// over its threshold, then the shortest remaining life, then active alarms.
    static func worstFirst(_ assets: [FleetOverview.AssetState]) -> [FleetOverview.AssetState] {
        func ratio(_ a: FleetOverview.AssetState) -> Double {
            guard let score = a.score, let threshold = a.threshold, threshold > 0 else { return -1 }
            return score / threshold
        }
        return assets.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if ratio(a) != ratio(b) { return ratio(a) > ratio(b) }
            if (a.rulMedian ?? .infinity) != (b.rulMedian ?? .infinity) {
                return (a.rulMedian ?? .infinity) < (b.rulMedian ?? .infinity)
            }
            if a.activeAlarms != b.activeAlarms { return a.activeAlarms > b.activeAlarms }
            return a.asset < b.asset
        }
    }
}
