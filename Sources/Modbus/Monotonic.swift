#if canImport(Glibc)
import Glibc
#endif

/// Nanoseconds of `CLOCK_MONOTONIC`: schedules and timeouts that wall-clock jumps cannot move.
enum Monotonic {
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}

/// Wall-clock time for reading timestamps: seconds since 1970-01-01T00:00:00Z.
public enum WallClock {
    @Sendable public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}

/// A flag that a thread sleeps on: `wait(until:)` returns early when `signal()` is called.
/// Deadlines are `Monotonic` nanoseconds (the condition variable waits on `CLOCK_MONOTONIC`).
final class StopSignal: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var signalled = false

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    var isSignalled: Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return signalled
    }

    func signal() {
        pthread_mutex_lock(mutex)
        signalled = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Sleeps until `deadline` (monotonic nanoseconds) or until signalled; true if signalled.
    @discardableResult
    func wait(until deadline: UInt64) -> Bool {
        var time = timespec(
            tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !signalled {
            if pthread_cond_timedwait(condition, mutex, &time) == ETIMEDOUT { break }
        }
        return signalled
    }

    /// Sleeps until signalled.
    func wait() {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !signalled { pthread_cond_wait(condition, mutex) }
    }
}

/// Runs `body` on a new thread of its own (off Swift's cooperative pool, which has two threads
/// here); `join()` waits until it has returned.
final class DedicatedThread: Sendable {
    private let done = StopSignal()

    init(_ body: sending @escaping () -> Void) {
        let done = self.done
        let box = Unmanaged.passRetained(
            Box {
                body()
                done.signal()
            })
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.body()
                return nil
            }, box.toOpaque())
        precondition(result == 0, "pthread_create failed: \(result)")
        pthread_detach(thread)
    }

    func join() { done.wait() }

    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
}
