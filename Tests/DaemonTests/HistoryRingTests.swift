import Testing

@testable import PlantRuntime

/// The refit history: bounded whatever the uptime, oldest rows dropped first, rows kept in order and
/// in contiguous runs the fit can tell apart.
@Suite struct HistoryRingTests {
    static func row(_ t: Int) -> [Double] { [Double(t), Double(t) + 0.5, -Double(t)] }

    @Test func keepsTheNewestRowsInOrderAndDropsTheOldest() {
        var ring = HistoryRing(width: 3, capacity: 5)
        for t in 0..<12 { ring.append(Self.row(t)) }
        #expect(ring.count == 5)
        #expect((0..<5).map { ring.row($0) } == (7..<12).map(Self.row))
        #expect(ring.elements == (7..<12).flatMap(Self.row))
        #expect(ring.segments == [5])
    }

    @Test func storesFloatsAndIgnoresValuesBeyondItsWidth() {
        var ring = HistoryRing(width: 2, capacity: 3)
        ring.append([0.1, 1e6 + 0.01, 99])
        #expect(ring.row(0) == [Double(Float(0.1)), Double(Float(1e6 + 0.01))])
    }

    @Test func anInterruptionStartsASegment() {
        var ring = HistoryRing(width: 3, capacity: 10)
        for t in 0..<3 { ring.append(Self.row(t)) }
        ring.interrupt()
        for t in 4..<8 { ring.append(Self.row(t)) }
        #expect(ring.segments == [3, 4])
        // Once the first run is overwritten in part, its rest is still a run of its own.
        for t in 8..<12 { ring.append(Self.row(t)) }
        #expect(ring.count == 10 && ring.segments == [2, 8])
        #expect(ring.row(0) == Self.row(1))
    }

    @Test func decimationKeepsOneBlockInEveryStrideAsItsOwnSegment() {
        var ring = HistoryRing(width: 3, capacity: 6, block: 2, stride: 3)
        for t in 0..<18 { ring.append(Self.row(t)) }
        // Blocks of two rows: 0-1 kept, 2-5 skipped, 6-7 kept, 8-11 skipped, 12-13 kept, 14-17 skipped.
        #expect((0..<ring.count).map { ring.row($0)[0] } == [0, 1, 6, 7, 12, 13])
        #expect(ring.segments == [2, 2, 2])
        for t in 18..<20 { ring.append(Self.row(t)) }
        #expect((0..<ring.count).map { ring.row($0)[0] } == [6, 7, 12, 13, 18, 19])
    }
}
