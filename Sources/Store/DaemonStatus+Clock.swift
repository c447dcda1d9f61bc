import Foundation
import PrognosCore

extension DaemonStatus {
    /// The plant clock the daemon lives by (its details name one other than the wall's): the
    /// times of readings, alarms and plans are on it, the heartbeat is on the wall.
    public var clock: PlantClock {
        guard let details, let object = try? JSONSerialization.jsonObject(with: Data(details.utf8)) as? [String: Any],
            let speed = (object["clock_speed"] as? NSNumber)?.doubleValue, let start = (object["clock_start"] as? NSNumber)?.doubleValue,
            speed > 0, speed.isFinite, start.isFinite
        else { return .wall }
        return PlantClock(speed: speed, start: start)
    }
}

extension DaemonStatus {
    /// The plant's time at a wall instant, as this daemon counts it. A simulated clock stops with
    /// its daemon: once the heartbeat is `staleAfter` seconds old, the time is the last heartbeat's.
    public func plantTime(atWall wall: Double, staleAfter: Double = 30) -> Double {
        let clock = self.clock
        guard !clock.isWall else { return wall }
        return clock.plantTime(atWall: wall - heartbeatAt > staleAfter ? heartbeatAt : wall)
    }
}
