import Foundation
import GRDB
import PrognosCore
import Testing

@testable import Store

@Suite("Maintenance log")
struct MaintenanceLogTests {
    @Test("Reported maintenance is read back after an id, oldest first, and newest first for people")
    func recordAndReadBack() async throws {
        let store = try Store(writer: try DatabaseQueue())
        let first = try await store.recordMaintenance(
            MaintenanceRecord(
                asset: "pump-101", action: "replace-bearings", doneAt: 1_000, recordedBy: "alice", recordedAt: 1_100,
                note: "DE and NDE"))
        let second = try await store.recordMaintenance(
            MaintenanceRecord(
                asset: "compressor-201", action: "replace-air-filter", doneAt: 2_000, recordedBy: "bob",
                recordedAt: 2_000))
        #expect(second > first)
        let all = try await store.maintenance(after: 0)
        #expect(all.map(\.action) == ["replace-bearings", "replace-air-filter"])
        #expect(all.first?.note == "DE and NDE" && all.first?.doneAt == 1_000 && all.first?.recordedBy == "alice")
        #expect(try await store.maintenance(after: first).map(\.asset) == ["compressor-201"])
        #expect(try await store.maintenance(after: second).isEmpty)
        #expect(try await store.recentMaintenance(limit: 1).map(\.asset) == ["compressor-201"])
    }
}
