import Logging
import PrognosCore

/// Polls one Modbus device: owns its connection, reads its merged requests, decodes them into
/// readings, retries with backoff, and logs faults once per episode.
///
/// Not thread-safe: use one poller on one thread (the collector gives every device a thread).
///
/// **A poll never overruns its budget.** It tries every request once; requests that got no
/// answer (timeout, closed connection, refused connection, or a transient exception such as
/// busy) are retried, up to `retries` times, after a backoff delay. The attempt counter behind
/// the delay keeps growing while the device keeps failing and restarts at the first answer, so
/// a device that just dropped is retried quickly and a device that stays down is tried about
/// once per poll. Once a request of a poll went unanswered, a retry or a further request that
/// could not time out before the deadline is not made (its points are comm-fail), so a hung
/// device costs at most about one interval per poll. A failure that itself took half a timeout or
/// more (no reply, or a connect that hung) ends the poll at once: neither a retry nor the device's
/// further requests are sent (their points are comm-fail), so a device that goes dark is marked
/// comm-fail within one poll interval plus its timeout, not after a second timeout; the next poll
/// is its retry. Each poll starts afresh and tries every request, so a device that comes back is
/// read again within one poll interval.
///
/// **Qualities.** Data that decodes to a finite value inside the sensor's `PlausibleRange` is
/// `.good`; outside it, `.outOfRange` with the value; NaN or ±∞ is `.badValue` without a value.
/// A request that never got an answer gives `.commFail` without a value for each of its points
/// (never the last known value). A request the device refuses for good (illegal function,
/// address or value: a configuration error) gives `.badValue` without a value and is not retried.
public final class ModbusDevicePoller {
    public struct Options: Sendable, Equatable {
        /// Retries of the failed requests within one poll, after the first attempt.
        public var retries: Int
        public var backoff: Backoff

        public init(retries: Int = 2, backoff: Backoff = Backoff()) {
            self.retries = max(0, retries)
            self.backoff = backoff
        }
    }

    /// A merged request and, for each of its slots, the values the sensor can physically report.
    public struct PlannedRequest: Sendable, Equatable {
        public var request: ModbusRequest
        public var plausible: [PlausibleRange]

        public init(request: ModbusRequest, plausible: [PlausibleRange]) {
            self.request = request
            self.plausible = plausible
        }
    }

    public let device: ModbusDevice
    public let requests: [PlannedRequest]
    public let options: Options
    /// Totals of every poll made by this poller.
    public private(set) var statistics = DeviceStatistics()
    /// The outcome of the latest poll.
    public private(set) var lastPoll: PollSummary?

    private let client: Result<ModbusClient, ModbusError>
    private let logger: Logger
    private let now: @Sendable () -> Double
    private var random: any RandomNumberGenerator
    private let stop: StopSignal?
    private var failedAttempts = 0
    private var faults = FaultLog()

    /// - Parameters:
    ///   - requests: the device's merged requests (`ModbusPollPlan`), with plausibility per slot.
    ///   - now: wall-clock seconds since 1970, for reading timestamps.
    ///   - random: draws the backoff jitter.
    public convenience init(
        device: ModbusDevice, requests: [PlannedRequest], options: Options = Options(), logger: Logger,
        now: @escaping @Sendable () -> Double = WallClock.now,
        random: any RandomNumberGenerator = SystemRandomNumberGenerator()
    ) {
        self.init(
            device: device, requests: requests, options: options, logger: logger, now: now, random: random, stop: nil)
    }

    init(
        device: ModbusDevice, requests: [PlannedRequest], options: Options, logger: Logger,
        now: @escaping @Sendable () -> Double, random: any RandomNumberGenerator, stop: StopSignal?
    ) {
        self.device = device
        self.requests = requests
        self.options = options
        var logger = logger
        logger[metadataKey: "modbus.device"] = "\(device.id)"
        self.logger = logger
        self.now = now
        self.random = random
        self.stop = stop
        do {
            client = .success(try ModbusClient(device: device))
        } catch {
            client = .failure(error)
        }
    }

    /// Closes the connection (the next poll reopens it).
    public func close() {
        if case .success(let client) = client { client.close() }
    }

    /// Polls every request of the device once (with retries) within `budget` and returns one
    /// reading per configured point, in request and slot order.
    public func poll(budget: Duration) -> [Reading] {
        poll(deadline: Monotonic.now() + Monotonic.nanoseconds(budget))
    }

    /// `poll(budget:)` with a deadline in `Monotonic` nanoseconds.
    func poll(deadline: UInt64) -> [Reading] {
        var answers = [[Reading]?](repeating: nil, count: requests.count)
        var errors = [ModbusError?](repeating: nil, count: requests.count)
        var summary = PollSummary(allAnswered: false, error: nil, finished: 0)
        let timeout = Monotonic.nanoseconds(device.timeout)
        var pending = Array(requests.indices)
        var attempt = 0
        var troubled = false
        var hung = false
        attempts: while !pending.isEmpty {
            var unanswered: [Int] = []
            requests: for (position, index) in pending.enumerated() {
                // Once the device has left a request unanswered, send more only if they can time out in time.
                if troubled && Monotonic.now() + timeout > deadline {
                    for rest in pending[position...] where errors[rest] == nil {
                        errors[rest] = budgetSpent(index: rest)
                    }
                    unanswered += pending[position...]
                    break
                }
                let sent = Monotonic.now()
                switch read(index, &summary) {
                case .answered(let readings):
                    answers[index] = readings
                    errors[index] = nil
                case .refused(let error, let readings):
                    answers[index] = readings
                    errors[index] = error
                case .unanswered(let error):
                    errors[index] = error
                    unanswered.append(index)
                    troubled = true
                    // A failure that waited half a timeout or more: the device is not answering now.
                    hung = Monotonic.now() - sent >= timeout / 2
                    if error.code == .connectionFailed || hung {
                        // Nothing else can be read this attempt: the same error for the rest.
                        for rest in pending[(position + 1)...] { errors[rest] = error }
                        unanswered += pending[(position + 1)...]
                        break requests
                    }
                }
            }
            pending = unanswered
            guard !pending.isEmpty else { break }
            failedAttempts += 1
            attempt += 1
            guard attempt <= options.retries, !hung else { break }
            let delay = Monotonic.nanoseconds(options.backoff.delay(attempt: failedAttempts, using: &random))
            let retryAt = Monotonic.now() + delay
            guard retryAt + timeout <= deadline else { break }
            if let stop {
                if stop.wait(until: retryAt) { break attempts }
            } else {
                StopSignal().wait(until: retryAt)
            }
            summary.retries += 1
        }

        let time = now()
        var readings: [Reading] = []
        readings.reserveCapacity(requests.reduce(0) { $0 + $1.request.slots.count })
        for (index, planned) in requests.enumerated() {
            if let answer = answers[index] {
                readings += answer
            } else {
                for slot in planned.request.slots {
                    readings.append(
                        Reading(
                            asset: slot.signal.asset, sensor: slot.signal.sensor, value: nil, timestamp: time,
                            quality: .commFail))
                }
            }
        }
        summary.allAnswered = pending.isEmpty
        summary.error = errors.last { $0 != nil } ?? nil
        summary.finished = time
        if summary.allAnswered { failedAttempts = 0 }
        record(summary, errors: errors, answered: answers.map { $0 != nil }, at: time)
        return readings
    }

    private enum Outcome {
        case answered([Reading])
        /// The device answered with a permanent exception: bad-value readings, no retry.
        case refused(ModbusError, [Reading])
        case unanswered(ModbusError)
    }

    private func read(_ index: Int, _ summary: inout PollSummary) -> Outcome {
        let planned = requests[index]
        let client: ModbusClient
        switch self.client {
        case .success(let made): client = made
        case .failure(let error): return .unanswered(error)
        }
        do {
            if !client.isConnected {
                summary.connects += 1
                try client.connect()
            }
            summary.requests += 1
            let response = try client.read(planned.request)
            return .answered(decode(response, planned, at: now()))
        } catch {
            guard error.code == .exception, let exception = error.exception else { return .unanswered(error) }
            summary.exceptions += 1
            guard !exception.isTransient else { return .unanswered(error) }
            let time = now()
            return .refused(
                error,
                planned.request.slots.map {
                    Reading(
                        asset: $0.signal.asset, sensor: $0.signal.sensor, value: nil, timestamp: time,
                        quality: .badValue)
                })
        }
    }

    private func decode(_ response: ModbusClient.Response, _ planned: PlannedRequest, at time: Double) -> [Reading] {
        planned.request.slots.enumerated().map { position, slot in
            let plausible = planned.plausible.indices.contains(position) ? planned.plausible[position] : .unbounded
            let decoded: ModbusCodec.Decoded
            switch response {
            case .registers(let words):
                let end = min(words.count, slot.offset + slot.point.width)
                decoded = ModbusCodec.decode(
                    registers: words[min(slot.offset, end)..<end], point: slot.point, plausible: plausible)
            case .bits(let bits):
                decoded =
                    bits.indices.contains(slot.offset)
                    ? ModbusCodec.decode(bit: bits[slot.offset], point: slot.point, plausible: plausible)
                    : ModbusCodec.Decoded(value: nil, quality: .badValue)
            }
            return Reading(
                asset: slot.signal.asset, sensor: slot.signal.sensor, value: decoded.value, timestamp: time,
                quality: decoded.quality)
        }
    }

    private func budgetSpent(index: Int) -> ModbusError {
        let request = requests[index].request
        return ModbusError(
            code: .timeout, device: device.id, unitID: request.unitID, function: request.function,
            address: request.start, count: request.count,
            message: "not sent: earlier requests used up the poll interval waiting for the device")
    }

    private func record(_ summary: PollSummary, errors: [ModbusError?], answered: [Bool], at time: Double) {
        lastPoll = summary
        statistics.record(summary)
        var current: [String: ModbusError] = [:]
        if !requests.isEmpty, !answered.contains(true), let error = errors.first(where: { $0 != nil }) ?? nil {
            current["device"] = error
        } else {
            for (index, error) in errors.enumerated() {
                guard let error else { continue }
                let request = requests[index].request
                current["request \(request.unitID)/\(request.function.rawValue)/\(request.start)"] = error
            }
        }
        faults.record(current, at: time, logger: logger)
    }
}
