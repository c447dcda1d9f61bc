import Foundation
import MQTT

/// The hand-over between the MQTT network thread and the writer: messages wait here, as received,
/// until the writer takes them as a batch (decoding is the writer's work, so the network thread
/// only reads and acknowledges). When `capacity` messages wait, `offer` blocks the network thread,
/// so the client stops reading and the central broker keeps the rest in the service's persistent
/// session instead of this process's memory.
final class FleetIntake: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [MQTTMessage] = []
    private var closed = false
    private let capacity: Int
    private let wake: AsyncStream<Void>.Continuation
    let wakeups: AsyncStream<Void>

    init(capacity: Int) {
        self.capacity = capacity
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wakeups = stream
        wake = continuation
    }

    /// Adds a message (waits while the intake is full and open).
    func offer(_ message: MQTTMessage) {
        condition.lock()
        while pending.count >= capacity && !closed { condition.wait() }
        pending.append(message)
        condition.unlock()
        wake.yield()
    }

    /// Takes everything waiting (the writer's next batch).
    func take() -> [MQTTMessage] {
        condition.lock()
        defer { condition.unlock() }
        let batch = pending
        pending = []
        condition.broadcast()
        return batch
    }

    var waiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return pending.count
    }

    /// Stops waiting: `offer` no longer blocks and the writer's wait for wakeups ends.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
        wake.finish()
    }
}
