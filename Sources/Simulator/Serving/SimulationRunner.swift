import Foundation
import Lockstep
import Logging
import PrognosCore

/// Writes truth events as CSV, one line per event as it happens (flushed, so a reader or a
/// killed run never loses one).
///
/// Columns: `elapsed_s` (simulated seconds since start), `sim_time` (simulated time, ISO 8601),
/// `wall_time` (when it happened on the wall clock while serving; empty offline), `event`, `asset`,
/// `target` (failure mode, action, sensor or device), `detail`.
public final class TruthLog {
    public static let header = "elapsed_s,sim_time,wall_time,event,asset,target,detail"
    private let handle: FileHandle

    public init(path: String) throws(SimulationError) {
        guard FileManager.default.createFile(atPath: path, contents: Data((Self.header + "\n").utf8)),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw SimulationError("cannot write the truth file \(path)") }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    deinit { try? handle.close() }

    public func write(_ event: TruthEvent, wallTime: Double?) {
        handle.write(Data((Self.line(event, wallTime: wallTime) + "\n").utf8))
    }

    public static func line(_ event: TruthEvent, wallTime: Double?) -> String {
        [
            String(format: "%.0f", event.elapsed), CivilTime.iso8601(event.time), wallTime.map(CivilTime.iso8601) ?? "",
            event.kind.rawValue, event.asset ?? "", event.target ?? "", csvField(event.detail),
        ].joined(separator: ",")
    }

    /// The whole CSV of `events` (offline runs).
    public static func csv(_ events: [TruthEvent]) -> String {
        ([header] + events.map { line($0, wallTime: nil) }).joined(separator: "\n") + "\n"
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(",") || text.contains("\"") || text.contains("\n") else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Runs a simulation against the wall clock: `speed` simulated seconds per wall second, updating
/// the served registers every tick and publishing MQTT every `publishInterval`, logging each fault
/// onset, failure, repair and sensor fault as it happens and appending it to the truth log.
public struct SimulationRunner {
    public var speed: Double
    /// Simulated seconds to run; nil runs until the task is cancelled.
    public var duration: Double?
    public var tick: Duration
    public var publishInterval: Duration
    public var logger: Logger
    /// Wall-clock time, epoch seconds (for MQTT timestamps and the truth log).
    public var wallClock: @Sendable () -> Double
    /// The wall instant (epoch seconds) of simulated elapsed time 0, when the simulation keeps pace
    /// with a `PlantClock` (a daemon run with the same clock start sees the same plant time);
    /// nil: the pace counts from when `run` starts.
    public var anchor: Double?
    /// Told of each maintenance job of the scenario when it ends, as an engineer would report it
    /// (`prognos simulate --report-maintenance`); in turns, before the turn that first shows it.
    public var maintenanceDone: (@Sendable (MaintenanceReports.Job) async -> Void)?

    public init(
        speed: Double, duration: Double? = nil, tick: Duration = .milliseconds(100),
        publishInterval: Duration = .seconds(1),
        logger: Logger, wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        anchor: Double? = nil
    ) {
        self.anchor = anchor
        self.speed = speed
        self.duration = duration
        self.tick = tick
        self.publishInterval = publishInterval
        self.logger = logger
        self.wallClock = wallClock
    }

    /// Runs until `duration` simulated seconds have passed or the task is cancelled.
    public func run(_ simulation: inout PlantSimulation, server: PlantServer?, truth: TruthLog?) async {
        let clock = ContinuousClock()
        let wallStart = clock.now
        let simStart = simulation.elapsed
        var reported = simulation.events.count
        var lastPublish: ContinuousClock.Instant?
        var jobs = MaintenanceReports()
        let end = duration.map { simStart + $0 }
        report(&simulation, from: &reported, truth: truth, server: server)
        server?.update(from: simulation)
        while !Task.isCancelled {
            var target = simStart + (anchor.map { wallClock() - $0 } ?? (clock.now - wallStart).inSeconds) * speed
            if let end { target = min(target, end) }
            while simulation.elapsed + simulation.options.step <= target + 1e-9 {
                simulation.step()
                if simulation.events.count > reported {
                    report(&simulation, from: &reported, truth: truth, server: server)
                }
            }
            server?.update(from: simulation)
            if let maintenanceDone { for job in jobs.due(in: simulation) { await maintenanceDone(job) } }
            if let server, lastPublish.map({ clock.now - $0 >= publishInterval }) ?? true {
                server.publish(from: simulation, timestamp: wallClock())
                lastPublish = clock.now
            }
            if let end, simulation.elapsed + simulation.options.step > end { break }
            try? await Task.sleep(for: tick)
        }
    }

    /// Runs in turns with a daemon (see `Lockstep`) instead of against the wall clock: serves the
    /// plant as it is at each multiple of `turn` simulated seconds, hands the turn to the daemon and
    /// waits for it to hand the turn back, until `duration` has passed or the task is cancelled.
    public func run(
        _ simulation: inout PlantSimulation, server: PlantServer, truth: TruthLog?, lockstep: Lockstep, turn: Double
    ) async {
        var reported = simulation.events.count
        let end = duration.map { simulation.elapsed + $0 }
        report(&simulation, from: &reported, truth: truth, server: server)
        if !(await server.waitForBrokers(timeout: .seconds(30))) {
            logger.error("Not connected to every MQTT broker after 30 s; serving in turns without them")
        }
        var jobs = MaintenanceReports()
        while !Task.isCancelled {
            server.update(from: simulation)
            await server.publishAcknowledged(from: simulation, timestamp: simulation.time)
            if let maintenanceDone { for job in jobs.due(in: simulation) { await maintenanceDone(job) } }
            do {
                try lockstep.publishClock(simulation.time)
            } catch {
                logger.error("Cannot hand the turn to the daemon", metadata: ["error": "\(error)"])
                return
            }
            guard await lockstep.waitForAcknowledgement(of: simulation.time) else { return }
            let target = simulation.elapsed + turn
            if let end, target > end + 1e-9 { return }
            while simulation.elapsed + simulation.options.step <= target + 1e-9 {
                simulation.step()
                if simulation.events.count > reported {
                    report(&simulation, from: &reported, truth: truth, server: server)
                }
            }
        }
    }

    private func report(
        _ simulation: inout PlantSimulation, from index: inout Int, truth: TruthLog?, server: PlantServer?
    ) {
        let wall = wallClock()
        var devicesChanged = false
        while index < simulation.events.count {
            let event = simulation.events[index]
            index += 1
            truth?.write(event, wallTime: wall)
            var metadata: Logger.Metadata = [
                "sim.time": "\(CivilTime.iso8601(event.time))", "event": "\(event.kind.rawValue)",
            ]
            if let asset = event.asset { metadata["asset.id"] = "\(asset)" }
            if let target = event.target { metadata["target"] = "\(target)" }
            if !event.detail.isEmpty { metadata["detail"] = "\(event.detail)" }
            switch event.kind {
            case .failure:
                logger.error(
                    "failure: \(event.asset ?? "") \(event.target ?? "") — \(event.detail)", metadata: metadata)
            case .faultOnset, .sensorFaultStart, .deviceDown:
                logger.warning(
                    "\(event.kind.rawValue): \(event.asset ?? "") \(event.target ?? "") — \(event.detail)",
                    metadata: metadata)
            default:
                logger.info(
                    "\(event.kind.rawValue): \(event.asset ?? "") \(event.target ?? "") — \(event.detail)",
                    metadata: metadata)
            }
            if event.kind == .deviceDown || event.kind == .deviceUp { devicesChanged = true }
        }
        if devicesChanged { server?.syncDevices(with: simulation) }
    }
}
