import Foundation
import Lockstep
import Logging
import MQTT
import Modbus
import PlantFile
import PlantRuntime
import PrognosCore
import ServiceLifecycle
import Store
import Synchronization
import Telemetry
import UnixSignals
import WorldModel

/// The plant-floor daemon: collectors → one runtime per asset → store and alert publisher.
///
/// One `Service`: `run()` restores the models and alarms from the store, starts the collectors and
/// every loop, and on graceful shutdown (SIGTERM, SIGINT) stops the collectors, lets the last
/// readings through, snapshots every model, writes every pending record and alarm, gives the outbox
/// a moment to drain, marks the daemon offline and returns. SIGHUP reloads the plant file: a file
/// with problems is rejected with them and the running plant goes on.
public final class PlantDaemon: Service, Sendable {
    public struct Options: Sendable {
        public var plantPath: String
        public var databasePath: String
        public var runtime = RuntimeConfiguration()
        /// The plant's clock (a simulation's, for demos); the runtime's times are in its seconds.
        public var clock = PlantClock.wall
        /// Taking turns with a simulator on its clock (see `Lockstep`): the daemon polls, ingests,
        /// steps and plans once per turn at the simulator's time, so that its decisions depend on the
        /// simulation alone (the demo's report). Nil: the collectors run on their own schedules.
        public var lockstep: Lockstep?
        /// Seconds between retained state messages and heartbeats.
        public var stateInterval: Double = 5
        /// Seconds between retention runs.
        public var compactionInterval: Double = 600
        /// Seconds between handing freed heap pages back to the kernel (`ResidentMemory.returnFreedPages`).
        /// Every 10 s: what a minute's churn made resident again between trims was a 35 MB band in the
        /// resident set; a trim costs far less than its page faults (docs/performance.md).
        public var memoryTrimInterval: Double = 10
        public var version = Build.version
        /// Where to serve Prometheus metrics, `/healthz` and `/readyz` (`--metrics`); nil: the plant
        /// file's `metrics:` address, if any.
        public var metrics: ListenAddress?
        /// Seconds an alert may wait in the outbox before `/readyz` says the outbox is not draining.
        public var outboxDrainAllowance: Double = 60
        public init(plantPath: String, databasePath: String) {
            self.plantPath = plantPath
            self.databasePath = databasePath
        }
    }

    let options: Options
    let logger: Logger
    let store: Store
    /// The metrics and health listener, and the metrics it serves, when an address was given.
    let monitoring: MonitoringEndpoint?
    let metrics: DaemonMetrics?
    private let state: Mutex<Running>
    /// Silence and step cadence are measured on it: a step of the wall clock is not a silence.
    private let steadyClock = SteadyClock()

    private struct Running: Sendable {
        var plant: Plant
        var stream = ReadingStream()
        var modbus: ModbusCollector?
        var mqtt: MQTTCollector?
    }

    public init(options: Options, plant: Plant, logger: Logger) throws {
        self.options = options
        self.logger = logger
        store = try Store.open(path: options.databasePath)
        state = Mutex(Running(plant: plant))
        let address = options.metrics ?? plant.metrics
        let metrics = address.map { _ in DaemonMetrics(version: options.version) }
        self.metrics = metrics
        do {
            monitoring = try address.map { address throws(HTTPListener.ListenError) in
                try MonitoringEndpoint(address: address) { metrics?.exposition() ?? [] }
            }
        } catch {
            throw StartError(description: "metrics: \(error.description)")
        }
    }

    /// A part of the daemon that cannot start (the metrics listener's address is taken).
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public var plant: Plant { state.withLock { $0.plant } }

    public func run() async throws {
        let plant = self.plant
        let started = Date().timeIntervalSince1970
        let writer = BatchWriter(store: store)
        let broker = plant.brokers.first
        let publisher = try broker.map { broker throws(MQTTError) in
            try AlertPublisher(broker: broker, site: plant.site.id, store: store, logger: logger)
        }
        let alarmWriter = AlarmWriter(
            store: store, site: plant.site.id, logger: logger,
            publishDirectly: { message in publisher?.publishDirectly(message) },
            committed: { publisher?.wake() })
        let clock = options.clock
        // In turns, the plant's time starts where the simulator's clock starts, whenever this process did.
        let plantStart = options.lockstep == nil ? clock.plantTime(atWall: started) : clock.start
        lastTurn.withLock { $0 = plantStart }
        let runtimes = plant.assets.map {
            AssetRuntime(
                asset: $0, site: plant.site.id, configuration: options.runtime.polling(plant.devices, on: clock),
                now: plantStart)
        }
        let hub = RuntimeHub(
            runtimes: runtimes, plant: plant, writer: writer, alarmWriter: alarmWriter, store: store, logger: logger,
            publishPlan: { document in
                publisher?.publishRetained(topic: AlertMessages.planTopic(site: plant.site.id), document)
            })
        if options.lockstep != nil { await hub.fitInline() }
        if let metrics { await hub.observeSteps { metrics.observeModelStep(took: $0) } }
        try await restore(into: hub)
        await event(
            "info", "start", "prognos \(options.version) started on \(options.plantPath) (\(plant.assets.count) assets)"
        )

        let writing = Task { await writer.run() }
        let alarms = Task { await alarmWriter.run() }
        let publishing = Task { await publisher?.run() }
        let ingesting = Task {
            if let lockstep = self.options.lockstep {
                await self.takeTurns(lockstep, hub: hub)
            } else {
                await self.ingest(into: hub)
            }
        }
        let housekeeping = Task {
            await self.housekeep(
                hub: hub, writer: writer, alarmWriter: alarmWriter, publisher: publisher, started: started)
        }
        let reloading = Task { await self.reloadOnHangup(hub: hub) }
        try startCollectors()
        if let monitoring {
            monitoring.start()
            logger.notice("Serving metrics and health checks", metadata: ["address": "\(monitoring.address)"])
            if !monitoring.address.isLoopback {
                logger.warning(
                    "The metrics listener is reachable from the network and has no authentication",
                    metadata: ["address": "\(monitoring.address)"])
            }
        }

        await withGracefulShutdownHandler {
            await waitForShutdown()
        } onGracefulShutdown: {
            self.shutdownRequested.withLock { $0 = true }
        }

        logger.notice("Shutting down: draining and flushing")
        reloading.cancel()
        stopCollectors()
        await ingesting.value
        housekeeping.cancel()
        await housekeeping.value
        for (asset, bytes) in await hub.snapshots() {
            _ = try? await store.saveSnapshot(
                asset: asset, format: AssetModel.snapshotFormat, bytes: Data(bytes), at: Date().timeIntervalSince1970)
        }
        alarmWriter.finish()
        await alarms.value
        writing.cancel()
        await writing.value
        // Give the outbox a moment to reach the broker; what is left is published at the next start.
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline, ((try? await store.outboxCount().alerts) ?? 0) > 0,
            publisher?.client.isConnected == true
        {
            try? await Task.sleep(for: .milliseconds(50))
        }
        publishing.cancel()
        await publishing.value
        await event("info", "stop", "prognos stopped")
        await publisher?.close()
        monitoring?.stop()
        logger.notice("Stopped")
    }

    private let shutdownRequested = Mutex(false)

    private func waitForShutdown() async {
        while !shutdownRequested.withLock({ $0 }) && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    // MARK: Parts

    private func restore(into hub: RuntimeHub) async throws {
        var snapshots: [String: [UInt8]] = [:]
        let latest = try await store.latestSnapshots()
        for snapshot in latest {
            guard snapshot.format == AssetModel.snapshotFormat else {
                logger.warning(
                    "The model snapshot is of another format; learning again",
                    metadata: [
                        "asset.id": "\(snapshot.asset)", "format": "\(snapshot.format)",
                        "expected": "\(AssetModel.snapshotFormat)",
                    ])
                continue
            }
            snapshots[snapshot.asset] = [UInt8](snapshot.bytes)
        }
        let alarms = try await store.alarms()
        // This run's heartbeat has not been written yet: the status is the previous run's.
        let rebaselined = pendingRebaselines(
            snapshots: latest, records: try await store.rebaselines(after: 0, limit: .max),
            previous: try await store.daemonStatus())
        await hub.restore(snapshots: snapshots, alarms: alarms, rebaselined: rebaselined)
    }

    private func startCollectors() throws {
        let running = state.withLock { $0 }
        var pollObserver: (@Sendable (String, Duration) -> Void)?
        if let metrics {
            pollObserver = { device, took in metrics.observePoll(device: device, took: took) }
        }
        let modbus = ModbusCollector(
            plant: running.plant, sink: running.stream, logger: logger, pollObserver: pollObserver)
        // In turns, the daemon polls each turn itself and reads each MQTT sensor's latest reading.
        let mqtt = MQTTCollector(
            plant: running.plant, sink: options.lockstep == nil ? running.stream : DiscardingSink(), logger: logger)
        if options.lockstep == nil { modbus.start() }
        try mqtt.start()
        state.withLock {
            $0.modbus = modbus
            $0.mqtt = mqtt
        }
    }

    private func stopCollectors() {
        let running = state.withLock { $0 }
        running.modbus?.stop()
        running.mqtt?.stop()
        running.stream.finish()
    }

    private func ingest(into hub: RuntimeHub) async {
        let stream = state.withLock { $0.stream }
        let clock = options.clock
        for await batch in stream {
            let now = clock.plantTime(atWall: Date().timeIntervalSince1970)
            // Silence and step cadence on the steady clock, in the plant's seconds.
            let steady = clock.plantTime(atWall: steadyClock.now())
            if clock.isWall {
                await hub.ingest(batch, now: now, steady: steady)
            } else {
                // Collectors stamp readings on the wall clock; the runtimes live on the plant's.
                await hub.ingest(
                    batch.map { reading in
                        var reading = reading
                        reading.timestamp = clock.plantTime(atWall: reading.timestamp)
                        return reading
                    }, now: now, steady: steady)
            }
        }
    }

    /// The plant's time now: the clock's, or in turns the time of the latest turn.
    private func plantNow(wall: Double) -> Double {
        options.lockstep == nil ? options.clock.plantTime(atWall: wall) : lastTurn.withLock { $0 }
    }

    private let lastTurn = Mutex(0.0)

    /// In turns with a simulator: at each of its times, every device polled once, every MQTT sensor's
    /// message of that time awaited, then ingest, periodic checks and planning at that time, then
    /// the turn is handed back; maintenance reported before the turn is adopted first. A device that does not answer is a communication failure, as in a
    /// free run; an MQTT sensor without a message of this time after `mqttWait` goes without.
    private func takeTurns(_ lockstep: Lockstep, hub: RuntimeHub, mqttWait: Duration = .seconds(10)) async {
        var time = -Double.infinity
        var reportsSeen = await adoptReports(after: ReportsSeen(), hub: hub, renewModels: false)
        while !shutdownRequested.withLock({ $0 }) {
            guard let next = await lockstep.nextClock(after: time, stopped: { shutdownRequested.withLock { $0 } })
            else { return }
            time = next
            // What the simulator reported done before this turn, before this turn's readings.
            reportsSeen = await adoptReports(after: reportsSeen, hub: hub, renewModels: true)
            let (modbus, mqtt) = state.withLock { ($0.modbus, $0.mqtt) }
            var readings = await modbus?.pollOnce() ?? []
            for index in readings.indices { readings[index].timestamp = time }
            if let mqtt {
                let deadline = ContinuousClock.now + mqttWait
                var latest = mqtt.latestReadings
                while ContinuousClock.now < deadline,
                    !mqtt.sensors.allSatisfy({ (latest[$0]?.timestamp ?? -.infinity) >= time })
                {
                    try? await Task.sleep(for: .milliseconds(2))
                    latest = mqtt.latestReadings
                }
                readings += mqtt.sensors.compactMap { key in latest[key].flatMap { $0.timestamp >= time ? $0 : nil } }
            }
            await hub.ingest(readings, now: time, steady: time)
            await hub.tick(now: time, steady: time)
            await hub.replanIfNeeded(now: time)
            lastTurn.withLock { $0 = time }
            do {
                try lockstep.acknowledge(time)
            } catch {
                logger.error("Cannot hand the turn back to the simulator", metadata: ["error": "\(error)"])
            }
        }
    }

    private func housekeep(
        hub: RuntimeHub, writer: BatchWriter, alarmWriter: AlarmWriter, publisher: AlertPublisher?, started: Double
    ) async {
        var lastState = 0.0
        var nextCompaction = Date().timeIntervalSince1970 + options.compactionInterval
        var lastTrim = 0.0
        var historySeen = (try? await store.alarmHistory(after: 0, limit: 1_000_000).last?.id) ?? 0
        // In turns, what operators report is adopted at the start of each turn instead (see `takeTurns`).
        var reportsSeen =
            options.lockstep == nil
            ? await adoptReports(after: ReportsSeen(), hub: hub, renewModels: false) : ReportsSeen()
        var storeFaults = StoreFaultLog()
        var heartbeatFault = RepeatingFault("Cannot write the heartbeat")
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            // Cadences run on the wall clock; what the runtimes see is the plant's time.
            let wall = Date().timeIntervalSince1970
            let now = plantNow(wall: wall)
            storeFaults.observe(writer.statistics, now: wall, logger: logger)
            if options.lockstep == nil {
                await hub.tick(now: now, steady: options.clock.plantTime(atWall: steadyClock.now()))
                await hub.replanIfNeeded(now: now)
            }
            await judgeReadiness(hub: hub, writer: writer, publisher: publisher, wall: wall)
            historySeen = await adoptOperatorCommands(after: historySeen, hub: hub, now: now)
            if options.lockstep == nil {
                reportsSeen = await adoptReports(after: reportsSeen, hub: hub, renewModels: true)
            }
            if wall - lastTrim >= options.memoryTrimInterval {
                lastTrim = wall
                ResidentMemory.returnFreedPages()
            }
            if wall - lastState >= options.stateInterval {
                lastState = wall
                publisher?.publishStates(await hub.summaries(now: now))
                await heartbeat(
                    hub: hub, writer: writer, alarmWriter: alarmWriter, started: started, now: wall,
                    fault: &heartbeatFault)
            }
            if wall >= nextCompaction {
                do {
                    // Each run is capped so that ingestion waits for at most one of its transactions.
                    let report = try await store.compact(now: now, retention: plant.retention, maxTransactions: 20)
                    nextCompaction = report.nextRun(after: wall, interval: options.compactionInterval)
                } catch {
                    nextCompaction = wall + options.compactionInterval
                    logger.warning("Retention run failed; will retry", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Commands that operators made through `prognos alarms` or the dashboard.
    private func adoptOperatorCommands(after seen: Int64, hub: RuntimeHub, now: Double) async -> Int64 {
        guard let rows = try? await store.alarmHistory(after: seen, limit: 1000), !rows.isEmpty else { return seen }
        for row in rows where row.actor != "prognos" {
            if let alarm = try? await store.alarm(id: row.alarmID) { await hub.adoptOperatorCommand(alarm, now: now) }
        }
        return rows.last?.id ?? seen
    }

    /// What operators reported since `seen`: maintenance through `prognos maintenance done` (all of
    /// it at start-up) and re-baselines through `prognos model rebaseline`. Without `renewModels` (at
    /// start-up) re-baselines are only counted as seen: the restore took those its snapshots lack
    /// (`pendingRebaselines`).
    private func adoptReports(after seen: ReportsSeen, hub: RuntimeHub, renewModels: Bool) async -> ReportsSeen {
        var now = seen
        if let records = try? await store.maintenance(after: seen.maintenance), let last = records.last?.id {
            for record in records { await hub.adoptMaintenance(record, renewModel: renewModels) }
            now.maintenance = last
        }
        if let records = try? await store.rebaselines(after: seen.rebaselines), let last = records.last?.id {
            if renewModels { for record in records { await hub.adoptRebaseline(record) } }
            now.rebaselines = last
        }
        return now
    }

    /// The daemon's row in the store, and the same numbers as metrics; its times are on the wall
    /// clock (is it alive?), and a plant clock other than the wall's is named in its details for the
    /// dashboard and `prognos status`.
    private func heartbeat(
        hub: RuntimeHub, writer: BatchWriter, alarmWriter: AlarmWriter, started: Double, now: Double,
        fault: inout RepeatingFault
    ) async {
        let sample = await sample(hub: hub, writer: writer, alarmWriter: alarmWriter, started: started, now: now)
        metrics?.publish(sample)
        do {
            try await store.updateDaemonStatus(sample.status)
            fault.succeeded(logger: logger)
        } catch {
            fault.failed(error, logger: logger)
        }
    }

    private func sample(
        hub: RuntimeHub, writer: BatchWriter, alarmWriter: AlarmWriter, started: Double, now: Double
    ) async -> DaemonSample {
        let (dropped, plant) = state.withLock { ($0.stream.dropped, $0.plant) }
        let clock = options.clock
        let writing = writer.statistics
        let outbox = (try? await store.outboxCount()) ?? OutboxCount(alerts: 0, telemetry: 0)
        let tally = await hub.tally
        let status = DaemonStatus(
            pid: Int(getpid()), version: options.version, plant: absolutePlantPath, startedAt: started,
            heartbeatAt: now,
            ingestLag: await hub.lagEstimate.map(clock.wallSeconds), readingsIngested: tally.total,
            readingsDropped: dropped.total + writing.dropped,
            assets: plant.assets.count, alarmsActive: await hub.activeAlarmCount(),
            outboxPending: outbox.alerts,
            details: DaemonDetails(
                site: plant.site.id, clock: clock, residentBytes: ResidentMemory.bytes(),
                writerQueue: writing.pending,
                alarmQueue: alarmWriter.waiting))
        return DaemonSample(
            status: status, ingested: tally, droppedInStream: dropped, droppedByStore: writing.droppedReadings,
            otherRecordsDroppedByStore: writing.dropped - writing.droppedReadings.total,
            alarms: await hub.alarmCounts(), outbox: outbox, outboxOldestAge: await oldestAlertAge(now: now),
            storeCommits: writing.batches, storeCommitSeconds: writing.commitSeconds)
    }

    /// Wall seconds the oldest undelivered alert has waited (alerts are stamped on the plant's clock).
    private func oldestAlertAge(now wall: Double) async -> Double? {
        guard let queued = try? await store.oldestAlertQueuedAt() else { return nil }
        return max(0, options.clock.wallSeconds(plantNow(wall: wall) - queued))
    }

    /// What `/readyz` answers: collecting, writing, draining (see `Readiness`).
    private func judgeReadiness(hub: RuntimeHub, writer: BatchWriter, publisher: AlertPublisher?, wall: Double) async {
        guard let monitoring else { return }
        let steady = options.clock.plantTime(atWall: steadyClock.now())
        let outbox = (try? await store.outboxCount())?.alerts ?? 0
        let seen = Readiness.Observation(
            sinceGoodReading: await hub.lastGoodReading.map { options.clock.wallSeconds(steady - $0) },
            silenceAllowed: options.clock.wallSeconds(options.runtime.staleAfter),
            writeError: writer.statistics.lastError.map { "\($0)" },
            brokerConnected: publisher.map { $0.client.isConnected }, outboxAlerts: outbox,
            outboxOldestAge: await oldestAlertAge(now: wall),
            drainAllowed: options.outboxDrainAllowance)
        monitoring.update(Readiness.judge(seen))
    }

    /// The plant file as the dashboard and `prognos status` can find it from any directory.
    private var absolutePlantPath: String {
        URL(fileURLWithPath: options.plantPath).standardizedFileURL.path
    }

    private func event(_ level: String, _ kind: String, _ message: String) async {
        try? await store.recordEvent(
            EventRecord(time: Date().timeIntervalSince1970, level: level, kind: kind, message: message))
    }

    // MARK: Reload

    /// SIGHUP: validate the plant file again; a valid one replaces the collectors' plant and the
    /// runtimes' assets (changed limits apply at once, alarm states and models are kept, added
    /// assets start learning, removed ones stop).
    private func reloadOnHangup(hub: RuntimeHub) async {
        for await _ in await UnixSignalsSequence(trapping: .sighup) {
            do {
                let fresh = try PlantFileLoader.load(path: options.plantPath)
                state.withLock { running in
                    running.modbus?.stop()
                    running.mqtt?.stop()
                    running.plant = fresh
                }
                let (added, removed) = await hub.adopt(
                    plant: fresh, configuration: options.runtime.polling(fresh.devices, on: options.clock),
                    now: plantNow(wall: Date().timeIntervalSince1970))
                try startCollectors()
                let summary =
                    "\(fresh.assets.count) assets\(added.isEmpty ? "" : ", added \(added.joined(separator: " "))")"
                    + "\(removed.isEmpty ? "" : ", removed \(removed.joined(separator: " "))")"
                logger.notice("Plant file reloaded: \(summary)", metadata: ["plant": "\(options.plantPath)"])
                await event("info", "reload", "plant file reloaded: \(summary)")
            } catch let error as PlantFileError {
                logger.error("Plant file rejected on reload; the running plant goes on\n\(error.description)")
                await event(
                    "error", "reload",
                    "plant file rejected: \(error.problems.count) problem(s); first: \(error.problems.first?.description ?? "")"
                )
            } catch {
                logger.error("Reload failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// Where the MQTT collector delivers in turns: nowhere (the turn reads its latest readings).
private struct DiscardingSink: ReadingSink {
    func deliver(_ readings: [Reading]) {}
}

/// How far the daemon has adopted what operators report through the store (see `adoptReports`):
/// the last maintenance and re-baseline ids.
struct ReportsSeen {
    var maintenance: Int64 = 0
    var rebaselines: Int64 = 0
}
