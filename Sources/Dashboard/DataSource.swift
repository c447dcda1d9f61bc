import PrognosCore
import Store

/// Reads the store for the dashboard, incrementally and within a budget, so that a dashboard on a
/// plant of thousands of assets stays cheap and never holds the daemon up (reads in WAL mode take
/// no lock the writer waits for).
///
/// - Deviation sparklines: on first sight of an asset each bucket of the plant history is sampled
///   (`samplesPerBucket` rows), at most `initialLoadsPerRefresh` assets per refresh; afterwards every
///   new score is read once (from the newest time seen) and each bucket keeps its maximum.
/// - Health and RUL: `latestHealth` for at most `healthPerRefresh` assets per refresh, round robin.
/// - The open asset: its latest values, deviation shares, health, forecasts every refresh; its sensor
///   histories incrementally, as the sparklines.
public final class DataSource {
    public let store: Store
    public let hierarchy: PlantHierarchy
    public let layout: DashboardLayout
    public var sparkBuckets = 48
    public var detailBuckets = 120
    public var samplesPerBucket = 30
    public var initialLoadsPerRefresh = 60
    public var healthPerRefresh = 50
    /// Assets whose new deviation scores are read per refresh, round robin (all of them on plants
    /// up to this size). The NE 107 status comes from the alarms, read in full every refresh.
    public var deviationsPerRefresh = 150
    /// Refreshes between reads of the store's asset list.
    public var assetListEvery = 10

    struct Series {
        var loaded = false
        var lastTime = -Double.infinity
        var lastValue: Double?
        var lastThreshold: Double?
        /// Bucket index (time / bucket seconds) → aggregate.
        var buckets: [Int: Aggregate] = [:]
    }

    struct Aggregate {
        var max = -Double.infinity
        var sum = 0.0
        var count = 0
        mutating func add(_ v: Double) {
            max = Swift.max(max, v)
            sum += v
            count += 1
        }
    }

    private var deviationSeries: [String: Series] = [:]
    private var health: [String: [HealthRecord]] = [:]
    private var healthCursor = 0
    private var deviationCursor = 0
    private var storeAssets: [String] = []
    private var refreshes = 0
    private var sensorSeries: [String: Series] = [:]
    private var detailAsset: String?
    private var lastSnapshot: Snapshot?

    public init(store: Store, hierarchy: PlantHierarchy, layout: DashboardLayout) {
        self.store = store
        self.hierarchy = hierarchy
        self.layout = layout
    }

    /// Asset ids: the plant file's in its order, then any others the store holds.
    public var assetIDs: [String] {
        let known = Set(hierarchy.assets.map(\.id))
        return hierarchy.assets.map(\.id) + storeAssets.filter { !known.contains($0) }
    }

    /// Reads what changed and returns the snapshot at the wall instant `now`; on a failed read, the
    /// previous snapshot with `error` set.
    public func refresh(now: Double, openAsset: String?) async -> Snapshot {
        do {
            let snapshot = try await read(wallNow: now, openAsset: openAsset)
            lastSnapshot = snapshot
            return snapshot
        } catch {
            var snapshot = lastSnapshot ?? Snapshot(now: now)
            snapshot.wallNow = now
            snapshot.now = snapshot.daemon?.plantTime(atWall: now, staleAfter: layout.heartbeatTimeout) ?? now
            snapshot.error = "\(error)"
            return snapshot
        }
    }

    private func read(wallNow: Double, openAsset: String?) async throws -> Snapshot {
        defer { refreshes += 1 }
        let status = try await store.status()
        let clock = status.daemon?.clock ?? .wall
        let now = status.daemon?.plantTime(atWall: wallNow, staleAfter: layout.heartbeatTimeout) ?? wallNow
        if refreshes % assetListEvery == 0 || storeAssets.isEmpty { storeAssets = try await store.assets() }
        let alarms = try await store.activeAlarms()
        let plan = try await store.latestPlan()
        let ids = assetIDs

        // Deviation scores: new rows of every asset, first loads within the budget.
        let bucket = layout.plantHistory / Double(sparkBuckets)
        var initialLoads = 0
        let due: [String]
        if ids.count <= deviationsPerRefresh {
            due = ids
        } else {
            due = (0..<deviationsPerRefresh).map { ids[(deviationCursor + $0) % ids.count] }
            deviationCursor = (deviationCursor + deviationsPerRefresh) % ids.count
        }
        for id in due {
            var series = deviationSeries[id] ?? Series()
            if !series.loaded {
                guard initialLoads < initialLoadsPerRefresh else { continue }
                initialLoads += 1
                let last = Int((now / bucket).rounded(.down))
                for index in (last - sparkBuckets + 1)..<last {
                    let rows = try await store.deviations(
                        asset: id, from: Double(index) * bucket, to: Double(index + 1) * bucket - 1e-6,
                        limit: samplesPerBucket)
                    for row in rows { add(row, to: &series, bucket: bucket) }
                }
                series.lastTime = max(series.lastTime, Double(last) * bucket - 1e-6)
                series.loaded = true
            }
            let rows = try await store.deviations(asset: id, from: series.lastTime, to: .greatestFiniteMagnitude)
            for row in rows where row.time > series.lastTime { add(row, to: &series, bucket: bucket) }
            prune(&series, before: Int((now / bucket).rounded(.down)) - sparkBuckets + 1)
            deviationSeries[id] = series
        }

        // Health: round robin within the budget; the open asset every time.
        if !ids.isEmpty {
            for _ in 0..<min(ids.count, healthPerRefresh) {
                let id = ids[healthCursor % ids.count]
                healthCursor = (healthCursor + 1) % ids.count
                health[id] = try await store.latestHealth(asset: id)
            }
        }

        let byAsset = Dictionary(grouping: alarms, by: \.asset)
        let lastBucket = Int((now / bucket).rounded(.down))
        let rows = ids.map { id -> AssetRow in
            let series = deviationSeries[id]
            let assetAlarms = byAsset[id] ?? []
            let annunciated = assetAlarms.filter { $0.state.isAnnunciated }
            let spark: [Double?] = ((lastBucket - sparkBuckets + 1)...lastBucket).map { index in
                series?.buckets[index].map { $0.max }
            }
            // The mode nearest to failure (a healthy asset's modes all lie beyond the horizon).
            let worst = health[id]?.min { ($0.rulMedian ?? .infinity) < ($1.rulMedian ?? .infinity) }
            return AssetRow(
                id: id, info: hierarchy.asset(id), status: NE107Status.of(alarms: assetAlarms),
                score: series?.lastValue,
                threshold: series?.lastThreshold, spark: spark, worstRUL: worst, alarms: annunciated.count,
                unacknowledged: annunciated.filter { $0.state.needsAttention }.count,
                learning: series?.lastValue == nil)
        }

        var detail: AssetDetail?
        if let openAsset {
            detail = try await readDetail(openAsset, now: now)
        }
        return Snapshot(
            now: now, daemon: status.daemon, lastDataTime: status.lastDataTime, undeliveredAlerts: status.outbox.alerts,
            rows: rows, alarms: alarms, plan: plan, detail: detail, wallNow: wallNow, clock: clock)
    }

    private func add(_ row: DeviationRecord, to series: inout Series, bucket: Double) {
        guard row.time >= series.lastTime || !series.loaded else { return }
        if let score = row.score {
            series.buckets[Int((row.time / bucket).rounded(.down)), default: Aggregate()].add(score)
        }
        if row.time >= series.lastTime {
            series.lastTime = row.time
            series.lastValue = row.score
            series.lastThreshold = row.threshold
        }
    }

    private func prune(_ series: inout Series, before index: Int) {
        if series.buckets.keys.contains(where: { $0 < index }) {
            series.buckets = series.buckets.filter { $0.key >= index }
        }
    }

    private func readDetail(_ id: String, now: Double) async throws -> AssetDetail {
        if detailAsset != id {
            sensorSeries = [:]
            detailAsset = id
        }
        let latest = try await store.latestValues(asset: id)
        let deviation = try await store.latestDeviation(asset: id)
        let healthRecords = try await store.latestHealth(asset: id)
        health[id] = healthRecords
        var sensors: [PlantHierarchy.SensorInfo]
        if let info = hierarchy.asset(id) {
            sensors = info.sensors.filter { layout.assetContext || !$0.isContext }
        } else {
            sensors = latest.map { PlantHierarchy.SensorInfo(id: $0.sensor, name: $0.sensor, unit: "") }
        }
        let bucket = layout.assetHistory / Double(detailBuckets)
        let lastBucket = Int((now / bucket).rounded(.down))
        let firstBucket = lastBucket - detailBuckets + 1
        var panels: [AssetDetail.SensorPanel] = []
        for sensor in sensors {
            var series = sensorSeries[sensor.id] ?? Series()
            let from = series.loaded ? series.lastTime : Double(firstBucket) * bucket
            let history = try await store.history(
                asset: id, sensor: sensor.id, from: from, to: .greatestFiniteMagnitude, limit: 50_000)
            if !series.loaded {
                for minute in history.minutes
                where history.raw.first.map({ minute.minute + 60 <= $0.timestamp }) ?? true {
                    if let mean = minute.mean {
                        series.buckets[Int(((minute.minute + 30) / bucket).rounded(.down)), default: Aggregate()].add(
                            mean)
                    }
                }
            }
            for reading in history.raw where reading.timestamp > series.lastTime {
                if let value = reading.value, reading.quality == .good {
                    series.buckets[Int((reading.timestamp / bucket).rounded(.down)), default: Aggregate()].add(value)
                }
                series.lastTime = reading.timestamp
            }
            series.loaded = true
            prune(&series, before: firstBucket)
            sensorSeries[sensor.id] = series
            let values: [Double?] = (firstBucket...lastBucket).map { index in
                series.buckets[index].flatMap { $0.count > 0 ? $0.sum / Double($0.count) : nil }
            }
            let forecast = try await store.latestForecast(asset: id, sensor: sensor.id)
            panels.append(
                AssetDetail.SensorPanel(
                    info: sensor, latest: latest.first { $0.sensor == sensor.id }, history: values,
                    forecast: forecast.filter { $0.targetTime > now - bucket },
                    share: deviation?.shares.first { $0.sensor == sensor.id }?.share))
        }
        return AssetDetail(
            id: id, deviation: deviation, health: healthRecords, sensors: panels,
            historyStart: Double(firstBucket) * bucket,
            bucketSeconds: bucket)
    }
}
