import PrognosCore
import Store

/// The assets whose model, restored from its snapshot at start-up, has not taken an operator's
/// re-baseline that was recorded for it: one recorded while the daemon was stopped, or after the
/// snapshot of a run that ended without saving another (a kill), or in the last seconds before a
/// stop (the relearning it started is not in the snapshot, so it starts again).
///
/// Snapshots are stamped on the wall clock, re-baselines on the plant's, both as the previous run
/// counted them (`previous`, its last heartbeat): a simulated clock stands still at that
/// heartbeat once the daemon is stopped, so a re-baseline from then on is stamped with it, and is
/// pending when it is no older than the earlier of that heartbeat and the snapshot.
func pendingRebaselines(
    snapshots: [ModelSnapshot], records: [RebaselineRecord], previous: DaemonStatus?
) -> Set<String> {
    let plantTime = { (wall: Double) in previous?.plantTime(atWall: wall) ?? wall }
    var restoredAt: [String: Double] = [:]
    for snapshot in snapshots {
        var wall = snapshot.createdAt
        if let heartbeat = previous?.heartbeatAt { wall = min(wall, heartbeat) }
        restoredAt[snapshot.asset] = plantTime(wall)
    }
    return Set(
        records.filter { record in restoredAt[record.asset].map { record.requestedAt >= $0 } ?? false }.map(\.asset))
}
