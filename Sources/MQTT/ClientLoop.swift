internal import CMosquitto
import Foundation
import Logging
import PrognosCore
import Synchronization

/// The client's network thread: connects, runs `mosquitto_loop`, and reconnects with capped
/// exponential backoff for as long as the client is open. It never runs on Swift's cooperative
/// pool, so libmosquitto's blocking calls (name resolution, select) cost the pool nothing.
///
/// Our own loop rather than `mosquitto_loop_start`: libmosquitto's thread gives up for good on
/// some errors (TLS, refused authentication, name resolution), and a daemon must keep trying.
extension ClientCore {
    func startNetworkThread() {
        let thread = Thread { [self] in
            runNetworkLoop()
            loopExited.signal()
        }
        thread.name = "mqtt \(options.endpoint)"
        thread.stackSize = ThreadStack.smallestBytes
        thread.start()
    }

    private var success: Int32 { Int32(MOSQ_ERR_SUCCESS.rawValue) }

    private func runNetworkLoop() {
        let m = handle.unguarded
        let keepalive = Int32(clamping: max(options.keepalive.components.seconds, 5))
        var firstAttempt = true
        var needsConnect = true
        var stopDeadline: ContinuousClock.Instant?
        while true {
            let stopping = stopRequested.load(ordering: .acquiring)
            if stopping {
                // Give a DISCONNECT in the queue up to 2 s to leave, then go regardless.
                let deadline = stopDeadline ?? .now + .seconds(2)
                stopDeadline = deadline
                if !isConnected || ContinuousClock.now >= deadline { return }
            }
            if needsConnect {
                if stopping { return }
                state.withLock { $0.attemptReported = false }
                let rc =
                    firstAttempt
                    ? mosquitto_connect_async(m, options.host, Int32(options.port), keepalive)
                    : mosquitto_reconnect_async(m)
                firstAttempt = false
                if rc != success {
                    reportFailedAttempt(rc)
                    sleepBackoff()
                    continue
                }
                needsConnect = false
            }
            let rc = mosquitto_loop(m, stopping ? 100 : 1000, 1)
            if rc != success {
                if stopRequested.load(ordering: .acquiring) { return }
                reportFailedAttempt(rc)
                needsConnect = true
                sleepBackoff()
            }
        }
    }

    /// Reports a failed attempt unless a callback already did.
    private func reportFailedAttempt(_ rc: Int32) {
        let report = state.withLock { s in
            defer { s.attemptReported = true }
            return !s.attemptReported && !s.connected
        }
        if report { emit(.connectFailed(.library(rc, "connect to \(options.endpoint)"))) }
    }

    /// Sleeps for the current backoff (or until `close()`), then doubles it up to the cap.
    private func sleepBackoff() {
        let delay = state.withLock { s in
            defer { s.backoff = options.reconnect.next(after: s.backoff) }
            return s.backoff
        }
        let seconds = delay.inSeconds
        let deadline = Date().addingTimeInterval(seconds)
        wake.lock()
        defer { wake.unlock() }
        while !stopRequested.load(ordering: .acquiring), wake.wait(until: deadline) {}
    }

    /// Ends the network thread: sends DISCONNECT first when `graceful`, otherwise shuts the socket
    /// down so the broker sees the client vanish (and publishes its last will). Waits for the thread.
    func stopNetworkThread(graceful: Bool) {
        stopRequested.store(true, ordering: .releasing)
        _ = try? handle.withHandle("disconnect") { m throws(MQTTError) in
            if graceful {
                _ = mosquitto_disconnect(m)
            } else {
                let socket = mosquitto_socket(m)
                if socket >= 0 { _ = shutdown(socket, Int32(SHUT_RDWR)) }
            }
        }
        wake.lock()
        wake.broadcast()
        wake.unlock()
        if loopExited.wait(timeout: .now() + 5) == .timedOut {
            // Destroying the handle under a running thread would crash; keep waiting (a name lookup can hang).
            logger.warning("MQTT network thread has not ended within 5 s; still waiting")
            loopExited.wait()
        }
    }
}
