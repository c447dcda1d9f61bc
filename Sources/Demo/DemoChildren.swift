import Dispatch
import Foundation
import Orchestration

/// The processes `prognos demo` started, stopped together when the demo is told to stop (SIGTERM,
/// SIGHUP, or Ctrl-C while it runs without a terminal): the simulator, the daemon and the broker
/// lead process groups of their own, so nothing else would reach them.
final class DemoChildren: @unchecked Sendable {
    private let lock = NSLock()
    private var children: [ChildProcess] = []
    private var sources: [any DispatchSourceSignal] = []

    /// Starts tracking `child`; returns it.
    @discardableResult
    func add(_ child: ChildProcess) -> ChildProcess {
        lock.withLock { children.append(child) }
        return child
    }

    /// On any of `signals`: stop every child, newest first, and exit with 128 + the signal.
    func stopAll(on signals: [Int32]) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                let started = lock.withLock { children }
                for child in started.reversed() { _ = child.stop() }
                FileHandle.standardError.write(
                    Data("prognos demo: stopped everything it started (signal \(number))\n".utf8))
                exit(128 + number)
            }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }
}
