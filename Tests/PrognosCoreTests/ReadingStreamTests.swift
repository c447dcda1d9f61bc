import PrognosCore
import Testing

/// The bounded stream drops whole batches past its capacity and counts their readings by asset
/// and quality.
@Suite struct ReadingStreamTests {
    static func reading(_ asset: String, _ quality: Quality) -> Reading {
        Reading(asset: asset, sensor: "s", value: quality == .good ? 1 : nil, timestamp: 0, quality: quality)
    }

    @Test func droppedBatchesAreCountedByAssetAndQuality() {
        let stream = ReadingStream(capacity: 1)
        stream.deliver([Self.reading("a", .good)])
        stream.deliver([Self.reading("a", .good), Self.reading("b", .commFail)])
        stream.deliver([Self.reading("b", .commFail)])
        #expect(stream.droppedReadings == 3)
        #expect(
            stream.dropped.entries.map { "\($0.asset) \($0.quality.rawValue) \($0.count)" } == [
                "a good 1", "b comm-fail 2",
            ])
    }
}
