import Synchronization

/// A continuation that several parties may try to resume (acknowledgement, timeout, cancellation,
/// close): the first wins, the others do nothing.
final class OnceContinuation<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result<Value, MQTTError>, Never>?
        /// A result that came before the continuation was installed (cancelled before start).
        var early: Result<Value, MQTTError>?
        var done = false
        var timer: Task<Void, Never>?
    }
    private let state = Mutex(State())

    func install(_ continuation: CheckedContinuation<Result<Value, MQTTError>, Never>) {
        let early = state.withLock { s -> Result<Value, MQTTError>? in
            if let early = s.early { return early }
            s.continuation = continuation
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    func resume(_ result: Result<Value, MQTTError>) {
        let (continuation, timer) = state.withLock {
            s -> (CheckedContinuation<Result<Value, MQTTError>, Never>?, Task<Void, Never>?) in
            guard !s.done else { return (nil, nil) }
            s.done = true
            defer {
                s.continuation = nil
                s.timer = nil
            }
            if s.continuation == nil { s.early = result }
            return (s.continuation, s.timer)
        }
        timer?.cancel()
        continuation?.resume(returning: result)
    }

    func fail(after timeout: Duration, operation: String) {
        let timer = Task { [self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            resume(
                .failure(
                    MQTTError(code: .timeout, operation: operation, message: "no acknowledgement within \(timeout)")))
        }
        let alreadyDone = state.withLock { s in
            if !s.done { s.timer = timer }
            return s.done
        }
        if alreadyDone { timer.cancel() }
    }
}
