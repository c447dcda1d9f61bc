import Synchronization

/// Where collectors hand their readings. Implementations must not block the caller for long:
/// collectors call it from their polling threads and MQTT callbacks.
public protocol ReadingSink: Sendable {
    func deliver(_ readings: [Reading])
}

/// The one stream of readings that all collectors feed and the daemon consumes.
///
/// A bounded buffer: when the consumer falls behind by more than `capacity` batches, new batches
/// are dropped and counted (`droppedReadings`), so memory never grows without bound.
public final class ReadingStream: ReadingSink, AsyncSequence {
    public typealias Element = [Reading]

    private let stream: AsyncStream<[Reading]>
    private let continuation: AsyncStream<[Reading]>.Continuation
    private let dropped = Atomic<Int>(0)

    public init(capacity: Int = 10_000) {
        (stream, continuation) = AsyncStream.makeStream(of: [Reading].self, bufferingPolicy: .bufferingOldest(capacity))
    }

    public func deliver(_ readings: [Reading]) {
        guard !readings.isEmpty else { return }
        switch continuation.yield(readings) {
        case .dropped(let batch): dropped.add(batch.count, ordering: .relaxed)
        case .enqueued, .terminated: break
        @unknown default: break
        }
    }

    /// Readings lost because the consumer was too slow.
    public var droppedReadings: Int { dropped.load(ordering: .relaxed) }

    /// Ends the stream: the consumer's loop finishes after the buffered batches.
    public func finish() { continuation.finish() }

    public func makeAsyncIterator() -> AsyncStream<[Reading]>.Iterator { stream.makeAsyncIterator() }
}
