import Logging
import PrognosCore

/// Reads every Modbus signal of a plant and hands the readings to a `ReadingSink`.
///
/// Each device is polled on a thread of its own at its `pollInterval` (a dead or slow device
/// never delays another), through one connection that stays open between polls, with the
/// device's response timeout. One poll reads the device's merged requests
/// (`ModbusPollPlan.requests(for:)`) and delivers one batch: one reading per configured point,
/// failed ones included as `.commFail` (see `ModbusDevicePoller` for retries, backoff, budgets
/// and qualities). Faults are logged once when they start and once when they end.
///
/// Addresses are 0-based protocol addresses (holding register 40001 is `holding` address 0;
/// see `ModbusCodec` for the full mapping). Only function codes 1–4 are ever sent.
public final class ModbusCollector: Sendable {
    public struct Options: Sendable, Equatable {
        public var poller: ModbusDevicePoller.Options
        public init(poller: ModbusDevicePoller.Options = .init()) { self.poller = poller }
    }

    /// One device and what is read from it.
    public struct DevicePlan: Sendable, Equatable {
        public var device: ModbusDevice
        public var requests: [ModbusDevicePoller.PlannedRequest]
    }

    public let plans: [DevicePlan]
    public let options: Options
    private let sink: any ReadingSink
    private let logger: Logger
    private let now: @Sendable () -> Double
    private let random: @Sendable (String) -> any RandomNumberGenerator
    private let running: Locked<Running?>
    private let totals: Locked<[String: DeviceStatistics]>
    private let pollObserver: (@Sendable (_ deviceID: String, _ took: Duration) -> Void)?

    private struct Running: Sendable {
        var stop: StopSignal
        var threads: [DedicatedThread]
    }

    /// - Parameters:
    ///   - plant: its devices and Modbus-sourced signals are polled; the rest is ignored.
    ///   - sink: receives one batch per device poll, from the device's thread.
    ///   - logger: faults and their ends; the collector never bootstraps logging.
    ///   - now: wall-clock seconds since 1970 for timestamps and statistics.
    ///   - random: makes each device's jitter generator (pass `SplitMix64` for repeatable tests).
    ///   - pollObserver: told how long each poll took, from the device's thread (the metrics).
    public init(
        plant: Plant, sink: any ReadingSink, logger: Logger, options: Options = Options(),
        now: @escaping @Sendable () -> Double = WallClock.now,
        random: @escaping @Sendable (_ deviceID: String) -> any RandomNumberGenerator = { _ in
            SystemRandomNumberGenerator()
        },
        pollObserver: (@Sendable (_ deviceID: String, _ took: Duration) -> Void)? = nil
    ) {
        self.pollObserver = pollObserver
        self.sink = sink
        self.logger = logger
        self.options = options
        self.now = now
        self.random = random
        let requests = ModbusPollPlan.requests(for: plant)
        let sensors = Dictionary(
            plant.assets.flatMap { asset in asset.signals.map { (SignalRef(asset: asset.id, sensor: $0.id), $0) } },
            uniquingKeysWith: { first, _ in first })
        let byDevice = Dictionary(grouping: requests, by: \.device)
        for id in byDevice.keys.sorted() where plant.device(id) == nil {
            logger.error(
                "Modbus signals name a device the plant does not define; they are not read",
                metadata: ["modbus.device": "\(id)"])
        }
        plans = plant.devices.compactMap { device in
            guard let requests = byDevice[device.id], !requests.isEmpty else { return nil }
            let planned = requests.map { request in
                ModbusDevicePoller.PlannedRequest(
                    request: request,
                    plausible: request.slots.map { slot in
                        sensors[slot.signal].map { PlausibleRange(sensor: $0) } ?? .unbounded
                    })
            }
            return DevicePlan(device: device, requests: planned)
        }
        running = Locked(nil)
        totals = Locked(Dictionary(uniqueKeysWithValues: plans.map { ($0.device.id, DeviceStatistics()) }))
    }

    deinit { stop() }

    /// Starts one polling thread per device. Does nothing if already started.
    ///
    /// The devices' polls are staggered: the k-th device first polls k × `stagger` after the start
    /// (k/n of its interval if that is less), and keeps that phase. Started together, the pollers
    /// stayed in phase, and every device's batch reached the daemon in the same instant each
    /// interval (ten PLCs of 100 pumps: 12,000 readings at once, an alarm among them waiting for
    /// the other batches; issue 20). Only by a few milliseconds each: an asset's model step takes
    /// the latest value of each of its signals, from all its devices, and polls a whole interval
    /// apart would mix moments far apart on a simulation's fast clock (at 600×, a 1 s poll interval
    /// is ten minutes of the plant).
    public func start() {
        running.withLock { running in
            guard running == nil else { return }
            let stop = StopSignal()
            let threads = plans.enumerated().map { index, plan in
                let poller = makePoller(plan, stop: stop)
                let phase = Self.phase(index: index, of: plans.count, interval: plan.device.pollInterval)
                return DedicatedThread { [self] in self.run(poller, stop: stop, phase: phase) }
            }
            running = Running(stop: stop, threads: threads)
        }
    }

    /// Stops every polling thread and waits for them (each ends within its device's response
    /// timeout) and closes the connections. `start()` may be called again afterwards.
    public func stop() {
        guard
            let stopped = running.withLock({ running -> Running? in
                defer { running = nil }
                return running
            })
        else { return }
        stopped.stop.signal()
        for thread in stopped.threads { thread.join() }
    }

    /// Polls every device once, all devices at once, on fresh connections, and returns the
    /// readings (they are not delivered to the sink). Blocks for at most about the longest
    /// poll interval (or response timeout) among the devices: call it from a thread of its own
    /// or use the async variant.
    public func pollOnce() -> [Reading] {
        let results = Locked([Int: [Reading]]())
        let threads = plans.enumerated().map { index, plan in
            let poller = makePoller(plan, stop: nil)
            return DedicatedThread { [self] in
                let readings = poller.poll(deadline: Monotonic.now() + Self.budget(plan.device))
                poller.close()
                if let summary = poller.lastPoll { totals.withLock { $0[plan.device.id]?.record(summary) } }
                results.withLock { $0[index] = readings }
            }
        }
        for thread in threads { thread.join() }
        let collected = results.value
        return plans.indices.flatMap { collected[$0] ?? [] }
    }

    /// `pollOnce()` without blocking the caller's thread.
    public func pollOnce() async -> [Reading] {
        await withCheckedContinuation { continuation in
            _ = DedicatedThread { [self] in continuation.resume(returning: self.pollOnce()) }
        }
    }

    /// Statistics of every polled device, by device id.
    public var statistics: [String: DeviceStatistics] { totals.value }

    public func statistics(for deviceID: String) -> DeviceStatistics? { totals.withLock { $0[deviceID] } }

    // MARK: Polling threads

    private func makePoller(_ plan: DevicePlan, stop: StopSignal?) -> ModbusDevicePoller {
        ModbusDevicePoller(
            device: plan.device, requests: plan.requests, options: options.poller, logger: logger, now: now,
            random: random(plan.device.id), stop: stop)
    }

    /// The time one poll may take: its interval, but at least one response timeout.
    static func budget(_ device: ModbusDevice) -> UInt64 {
        max(Monotonic.nanoseconds(device.pollInterval), Monotonic.nanoseconds(device.timeout))
    }

    /// How far apart the devices' first polls are (`start`): about the time the daemon takes for
    /// one PLC's batch of 100 pumps.
    public static let stagger = Duration.milliseconds(10)

    /// When the `index`-th of `count` devices first polls after the start, in nanoseconds.
    public static func phase(index: Int, of count: Int, interval: Duration) -> UInt64 {
        guard count > 1 else { return 0 }
        let step = min(Monotonic.nanoseconds(stagger), Monotonic.nanoseconds(interval) / UInt64(count))
        return step * UInt64(index)
    }

    private func run(_ poller: ModbusDevicePoller, stop: StopSignal, phase: UInt64) {
        let device = poller.device
        let interval = Monotonic.nanoseconds(device.pollInterval)
        var tick = Monotonic.now() + phase
        if phase > 0, stop.wait(until: tick) {
            poller.close()
            return
        }
        while !stop.isSignalled {
            let started = Monotonic.now()
            let readings = poller.poll(deadline: tick + Self.budget(device))
            pollObserver?(device.id, .nanoseconds(Int64(Monotonic.now() - started)))
            if let summary = poller.lastPoll { totals.withLock { $0[device.id]?.record(summary) } }
            sink.deliver(readings)
            tick += interval
            let now = Monotonic.now()
            if tick < now {
                // Overran: skip the missed ticks, keep the phase.
                tick += interval == 0 ? now - tick : (now - tick + interval - 1) / interval * interval
            }
            if stop.wait(until: tick) { break }
        }
        poller.close()
    }
}
