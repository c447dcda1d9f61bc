import Foundation
import GRDB
import PrognosCore
import Testing

@testable import Store

@Suite("Re-baseline log")
struct RebaselineLogTests {
    @Test("A re-baseline is recorded with who, when and why, read back after an id and newest first")
    func recordAndReadBack() async throws {
        let store = try Store(writer: try DatabaseQueue())
        let first = try await store.recordRebaseline(
            RebaselineRecord(asset: "pump-101", requestedAt: 1_000, recordedBy: "alice", note: "new impeller trim"))
        let second = try await store.recordRebaseline(
            RebaselineRecord(asset: "fan-201", requestedAt: 2_000, recordedBy: "bob"))
        #expect(second > first)
        let all = try await store.rebaselines(after: 0)
        #expect(all.map(\.asset) == ["pump-101", "fan-201"])
        #expect(all.first?.recordedBy == "alice" && all.first?.requestedAt == 1_000)
        #expect(all.first?.note == "new impeller trim" && all.last?.note == nil)
        #expect(try await store.rebaselines(after: first).map(\.asset) == ["fan-201"])
        #expect(try await store.rebaselines(after: second).isEmpty)
        #expect(try await store.recentRebaselines(limit: 1).map(\.recordedBy) == ["bob"])
    }
}
