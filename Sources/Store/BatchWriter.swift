import PrognosCore
import Synchronization

/// Takes telemetry and predictions off the hot path and writes them to the store in batches,
/// one transaction per batch.
///
/// `append` never blocks on the database: it adds to an in-memory queue under a lock. `run()`
/// (one long-running task of the daemon) flushes the queue every `flushInterval`, in batches of at
/// most `maxBatch` records, each signal's readings together (see `flush()`). When a write fails (`.busy`, `.diskFull`, `.io`) the records stay queued,
/// in order, and are retried at the next flush; the queue is bounded by `maxPending`, past which the
/// oldest readings are dropped (counted in `statistics.dropped`) and then the oldest other records.
/// Alarms and the outbox do not go through here: they are written at once by `Store`.
public final class BatchWriter: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Records per transaction. An alarm's commit waits for the store's one writer: in chunks
        /// of 500 it waits for at most one of them, not for a whole flush (1,000 pumps: alarm ->
        /// subscriber p99 65 ms in chunks of 500, 91 ms of 2,000, 293 ms of 10,000; the same CPU).
        public var maxBatch: Int
        /// Every 2 s: readings append to the staging table's last pages, and the `series` row of
        /// every signal is updated once a flush (docs/performance.md); a reader sees readings at
        /// most 2 s old.
        public var flushInterval: Duration
        public var maxPending: Int
        /// Seconds of the readings' clock after a minute ends before its staged readings are packed
        /// (`Store.pack`, after a flush): a reading later than that is merged into its packed
        /// minute, which costs a read and a rewrite of the row.
        public var packDelay: Double
        public init(
            maxBatch: Int = 500, flushInterval: Duration = .seconds(2), maxPending: Int = 1_000_000,
            packDelay: Double = 10
        ) {
            precondition(maxBatch > 0 && maxPending >= maxBatch && packDelay >= 0)
            self.maxBatch = maxBatch
            self.flushInterval = flushInterval
            self.maxPending = maxPending
            self.packDelay = packDelay
        }
    }

    public struct Statistics: Sendable {
        /// Records committed, records dropped because the queue was full, records queued now.
        public var written = 0
        public var dropped = 0
        /// The readings among the dropped records, by asset and quality.
        public var droppedReadings = ReadingTally()
        public var pending = 0
        /// Batches committed, the seconds their commits took together, and writes that failed.
        public var batches = 0
        public var commitSeconds = 0.0
        public var failures = 0
        /// The error of the last failed write, nil once a write succeeds again.
        public var lastError: StoreError?
        /// Packs run (`Store.pack`) and the ones that failed (retried after the next flush).
        public var packs = 0
        public var packFailures = 0
    }

    private struct State {
        var pending = StoreBatch()
        var statistics = Statistics()
        /// The newest reading time written, and the minute before which everything is packed.
        var newestTime = -Double.infinity
        var packedBefore = -Double.infinity
    }

    public let store: Store
    public let configuration: Configuration
    private let state = Mutex(State())
    /// One flush at a time, so batches commit in the order they were appended.
    private let flushing = AsyncLock()

    public init(store: Store, configuration: Configuration = Configuration()) {
        self.store = store
        self.configuration = configuration
    }

    /// Queues readings for the next flush.
    public func append(_ readings: [Reading]) {
        append(StoreBatch(readings: readings))
    }

    /// Queues any records (forecasts, deviations, health, events, readings) for the next flush.
    public func append(_ batch: StoreBatch) {
        state.withLock { state in
            state.pending.append(contentsOf: batch)
            Self.bound(&state, max: configuration.maxPending)
        }
    }

    public var statistics: Statistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.pending = state.pending.count
            return statistics
        }
    }

    /// Flushes every `flushInterval` until the task is cancelled, then flushes once more (what is
    /// appended after that stays queued: call `flush()` again before exit if appends may still come).
    /// Write errors are kept in `statistics` (and the records retried); `run` itself does not throw.
    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.flushInterval)
            if Task.isCancelled { break }
            _ = try? await flush()
        }
        // GRDB refuses database access from a cancelled task: the last flush runs in a task of its own.
        await Task { _ = try? await self.flush() }.value
    }

    /// Writes everything queued now, in batches of at most `maxBatch` records; returns the records
    /// written. On a failure the unwritten records go back to the front of the queue and the error
    /// is thrown (and kept in `statistics.lastError`).
    ///
    /// The readings are written grouped by signal (in arrival order within a signal), so that a
    /// signal's readings land in one batch and its `series` row is updated once, not once per
    /// batch (the staged readings themselves append by time whatever the order). Then the minutes
    /// that ended `packDelay` before the newest reading are packed (`Store.pack`). Not
    /// after a failed write: while the store refuses writes the queue grows, and it stays in
    /// arrival order (a full queue drops the oldest readings first) without being sorted again at
    /// every attempt.
    @discardableResult
    public func flush() async throws -> Int {
        await flushing.lock()
        defer { flushing.unlock() }
        let (queued, failing) = state.withLock { state in
            defer { state.pending = StoreBatch() }
            return (state.pending, state.statistics.lastError != nil)
        }
        var all = queued
        if !failing { all.readings = Self.groupedBySignal(all.readings) }
        var batches = all.split(maxBatch: configuration.maxBatch)[...]
        var written = 0
        while let batch = batches.first {
            let started = ContinuousClock.now
            do {
                try await store.write(batch)
            } catch {
                let error = StoreError.from(error, "cannot write a batch")
                var restored = StoreBatch()
                if written == 0 {
                    restored = queued
                } else {
                    for unwritten in batches { restored.append(contentsOf: unwritten) }
                }
                state.withLock { state in
                    restored.append(contentsOf: state.pending)
                    state.pending = restored
                    state.statistics.failures += 1
                    state.statistics.lastError = error
                    Self.bound(&state, max: configuration.maxPending)
                }
                throw error
            }
            batches = batches.dropFirst()
            written += batch.count
            let took = ContinuousClock.now - started
            let newest = batch.readings.lazy.map(\.timestamp).max() ?? -.infinity
            state.withLock { state in
                state.newestTime = Swift.max(state.newestTime, newest)
                state.statistics.written += batch.count
                state.statistics.batches += 1
                state.statistics.commitSeconds +=
                    took.inSeconds
                state.statistics.lastError = nil
            }
        }
        await packIfDue()
        return written
    }

    /// Packs the minutes that ended `packDelay` or more before the newest reading written. A
    /// failure is counted and the pack tried again after the next flush.
    private func packIfDue() async {
        let cutoff = state.withLock { state -> Double? in
            let cutoff = PackedMinute.minute(of: state.newestTime - configuration.packDelay)
            return cutoff.isFinite && cutoff > state.packedBefore ? cutoff : nil
        }
        guard let cutoff else { return }
        do {
            try await store.pack(before: cutoff)
            state.withLock { state in
                state.packedBefore = cutoff
                state.statistics.packs += 1
            }
        } catch {
            state.withLock { state in state.statistics.packFailures += 1 }
        }
    }

    /// `readings` ordered by asset and sensor; a signal's readings keep their order (the first of
    /// two at the same time is the one stored).
    ///
    /// Each reading is numbered by its signal (a hash per reading), the signals are sorted, each
    /// once, and the readings are placed by their signal's rank: sorting the readings themselves
    /// compared two strings n log n times.
    static func groupedBySignal(_ readings: [Reading]) -> [Reading] {
        var signalOfReading: [Int] = []
        signalOfReading.reserveCapacity(readings.count)
        var signalNumbers: [Store.SeriesKey: Int] = [:]
        var signals: [Store.SeriesKey] = []
        var counts: [Int] = []
        for reading in readings {
            let key = Store.SeriesKey(asset: reading.asset, sensor: reading.sensor)
            if let number = signalNumbers[key] {
                signalOfReading.append(number)
                counts[number] += 1
            } else {
                signalNumbers[key] = signals.count
                signalOfReading.append(signals.count)
                signals.append(key)
                counts.append(1)
            }
        }
        let ranked = signals.indices.sorted {
            (signals[$0].asset, signals[$0].sensor) < (signals[$1].asset, signals[$1].sensor)
        }
        // Where each signal's next reading goes.
        var next = [Int](repeating: 0, count: signals.count)
        var position = 0
        for number in ranked {
            next[number] = position
            position += counts[number]
        }
        var order = [Int](repeating: 0, count: readings.count)
        for (index, number) in signalOfReading.enumerated() {
            order[next[number]] = index
            next[number] += 1
        }
        return order.map { readings[$0] }
    }

    /// Drops the oldest readings, then the oldest other records, past `max` queued records
    /// (a tenth of `max` at once, so that a full queue does not shift its array on every append).
    private static func bound(_ state: inout State, max: Int) {
        let over = state.pending.count - max
        guard over > 0 else { return }
        var excess = Swift.min(Swift.max(over, max / 10), state.pending.count)
        state.statistics.dropped += excess
        state.statistics.droppedReadings.count(
            mixed: state.pending.readings.prefix(Swift.min(excess, state.pending.readings.count)))
        func drop<T>(_ items: inout [T]) {
            let n = Swift.min(excess, items.count)
            items.removeFirst(n)
            excess -= n
        }
        drop(&state.pending.readings)
        drop(&state.pending.forecasts)
        drop(&state.pending.deviations)
        drop(&state.pending.health)
        drop(&state.pending.events)
    }
}

extension StoreBatch {
    /// Consecutive batches of at most `maxBatch` records, predictions before readings.
    func split(maxBatch: Int) -> [StoreBatch] {
        if count <= maxBatch { return isEmpty ? [] : [self] }
        var batches: [StoreBatch] = []
        var current = StoreBatch()
        func add<T>(_ items: [T], _ keyPath: WritableKeyPath<StoreBatch, [T]>) {
            var start = 0
            while start < items.count {
                let room = maxBatch - current.count
                let end = Swift.min(items.count, start + room)
                current[keyPath: keyPath] += items[start..<end]
                start = end
                if current.count == maxBatch {
                    batches.append(current)
                    current = StoreBatch()
                }
            }
        }
        add(events, \.events)
        add(health, \.health)
        add(deviations, \.deviations)
        add(forecasts, \.forecasts)
        add(readings, \.readings)
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
