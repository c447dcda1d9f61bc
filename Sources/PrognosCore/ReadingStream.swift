import Synchronization

/// Where collectors hand their readings. Implementations must not block the caller for long:
/// collectors call it from their polling threads and MQTT callbacks.
public protocol ReadingSink: Sendable {
    func deliver(_ readings: [Reading])
}

/// The one stream of readings that all collectors feed and the daemon consumes.
///
/// A bounded buffer: when the consumer falls behind by more than `capacity` batches, new batches
/// are dropped and counted by asset and quality (`dropped`), so memory never grows without bound.
public final class ReadingStream: ReadingSink, AsyncSequence {
    public typealias Element = [Reading]

    private let stream: AsyncStream<[Reading]>
    private let continuation: AsyncStream<[Reading]>.Continuation
    /// Taken only when a batch is dropped: delivering one that fits costs no lock of this.
    private let droppedTally = Mutex(ReadingTally())

    public init(capacity: Int = 10_000) {
        (stream, continuation) = AsyncStream.makeStream(of: [Reading].self, bufferingPolicy: .bufferingOldest(capacity))
    }

    public func deliver(_ readings: [Reading]) {
        guard !readings.isEmpty else { return }
        switch continuation.yield(readings) {
        case .dropped(let batch): droppedTally.withLock { $0.count(mixed: batch) }
        case .enqueued, .terminated: break
        @unknown default: break
        }
    }

    /// Readings lost because the consumer was too slow, by asset and quality.
    public var dropped: ReadingTally { droppedTally.withLock { $0 } }

    /// Readings lost because the consumer was too slow.
    public var droppedReadings: Int { droppedTally.withLock { $0.total } }

    /// Ends the stream: the consumer's loop finishes after the buffered batches.
    public func finish() { continuation.finish() }

    public func makeAsyncIterator() -> AsyncStream<[Reading]>.Iterator { stream.makeAsyncIterator() }
}
