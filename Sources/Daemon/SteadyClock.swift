import Foundation
import PrognosCore

/// Seconds since 1970 that advance with the monotonic clock: the wall time when the daemon started
/// plus the monotonic time since. Equal to the wall clock until the wall clock is stepped (NTP, an
/// operator, a virtual machine resumed), after which it keeps counting real seconds. The daemon
/// measures silence (the communication alarm), model step cadence and snapshot spacing on it, and
/// stamps what people read (alarm times, readings) with the wall clock.
struct SteadyClock: Sendable {
    private let wallAtStart: Double
    private let start: ContinuousClock.Instant

    init() {
        wallAtStart = Date().timeIntervalSince1970
        start = ContinuousClock.now
    }

    func now() -> Double {
        wallAtStart + start.duration(to: ContinuousClock.now).inSeconds
    }
}
