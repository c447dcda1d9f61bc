import Logging
import PrognosCore
import Store

/// Tells the log when the store starts refusing telemetry writes (disk full, locked, I/O errors)
/// and when it accepts them again: a repeating fault is logged once when it starts, counted while
/// it lasts, and logged when it ends (with how many failed flushes and how many records waited).
/// The batch writer itself keeps the records queued and retries; this only watches its statistics.
struct StoreFaultLog {
    private var failing: (since: Double, failuresBefore: Int)?

    /// Looks at the batch writer's statistics once (the daemon calls it every second).
    mutating func observe(_ statistics: BatchWriter.Statistics, now: Double, logger: Logger) {
        switch (failing, statistics.lastError) {
        case (nil, let error?):
            failing = (now, statistics.failures - 1)
            logger.error(
                "Cannot write telemetry to the store; readings and predictions wait in memory and are retried",
                metadata: ["error": "\(error)", "store.pending": "\(statistics.pending)"])
        case (let since?, nil):
            failing = nil
            logger.notice(
                "Telemetry writes succeed again",
                metadata: [
                    "failing.seconds": "\(Int(now - since.since))",
                    "store.failed_flushes": "\(statistics.failures - since.failuresBefore)",
                    "store.dropped": "\(statistics.dropped)",
                ])
        default:
            break
        }
    }
}

/// A fault of one kind that may repeat every second (the heartbeat cannot be written, say): logged
/// once when it starts and once when it ends, counted in between.
struct RepeatingFault {
    let what: String
    private var count = 0

    init(_ what: String) { self.what = what }

    mutating func failed(_ error: any Error, logger: Logger) {
        count += 1
        if count == 1 { logger.warning("\(what)", metadata: ["error": "\(error)"]) }
    }

    mutating func succeeded(logger: Logger) {
        if count > 0 { logger.notice("\(what): recovered", metadata: ["failures": "\(count)"]) }
        count = 0
    }
}
