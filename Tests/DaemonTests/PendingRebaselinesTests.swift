import Foundation
import PrognosCore
import Store
import Testing

@testable import Daemon

/// Which restored models still owe an operator's re-baseline at start-up (`pendingRebaselines`).
@Suite struct PendingRebaselinesTests {
    static func snapshot(_ asset: String, at wall: Double) -> ModelSnapshot {
        ModelSnapshot(asset: asset, createdAt: wall, format: "test", bytes: Data())
    }

    static func rebaseline(_ asset: String, at plantTime: Double) -> RebaselineRecord {
        RebaselineRecord(asset: asset, requestedAt: plantTime, recordedBy: "alice")
    }

    static func status(heartbeatAt: Double, clock: PlantClock = .wall) -> DaemonStatus {
        DaemonStatus(
            pid: 1, version: "test", plant: "plant.yaml", startedAt: 0, heartbeatAt: heartbeatAt,
            details: DaemonDetails(clock: clock))
    }

    @Test func onTheWallClockOnlyWhatFollowsTheSnapshotIsPending() {
        let pending = pendingRebaselines(
            snapshots: [Self.snapshot("pump-1", at: 1_000), Self.snapshot("pump-2", at: 1_000)],
            records: [
                Self.rebaseline("pump-1", at: 900),  // adopted by the run that saved the snapshot
                Self.rebaseline("pump-2", at: 1_200),  // recorded while stopped
                Self.rebaseline("pump-3", at: 1_200),  // no snapshot: it learns from scratch anyway
            ],
            previous: Self.status(heartbeatAt: 1_002))
        #expect(pending == ["pump-2"])
    }

    @Test func aKilledRunsAdoptedRebaselineIsTakenAgainFromItsOlderSnapshot() {
        // The snapshot is from a refit at 1,000; the run adopted a re-baseline at 5,000 and was killed.
        let pending = pendingRebaselines(
            snapshots: [Self.snapshot("pump-1", at: 1_000)], records: [Self.rebaseline("pump-1", at: 5_000)],
            previous: Self.status(heartbeatAt: 6_000))
        #expect(pending == ["pump-1"])
    }

    @Test func onASimulatedClockARebaselineWhileStoppedCarriesTheLastHeartbeatsTime() {
        // 60× from wall 0: the last heartbeat at wall 100 is plant time 6,000, the snapshot at shutdown
        // (wall 103) plant time 6,180; `prognos model rebaseline` afterwards stamps 6,000.
        let previous = Self.status(heartbeatAt: 100, clock: PlantClock(speed: 60, start: 0))
        let stoppedAt = previous.plantTime(atWall: 500)
        #expect(stoppedAt == 6_000)
        let pending = pendingRebaselines(
            snapshots: [Self.snapshot("pump-1", at: 103), Self.snapshot("pump-2", at: 103)],
            records: [Self.rebaseline("pump-1", at: stoppedAt), Self.rebaseline("pump-2", at: 3_000)],
            previous: previous)
        #expect(pending == ["pump-1"])
    }

    @Test func withoutAnEarlierRunTheSnapshotsWallTimeIsThePlantsTime() {
        // A commissioned store: its snapshots, then a re-baseline before the daemon's first start.
        let pending = pendingRebaselines(
            snapshots: [Self.snapshot("pump-1", at: 1_000)], records: [Self.rebaseline("pump-1", at: 1_500)],
            previous: nil)
        #expect(pending == ["pump-1"])
    }
}
