/// The clock the daemon lives by: the wall clock, or a simulation's clock that runs `speed` times
/// faster from `start` (`prognos simulate --clock-start` and `prognos run --clock-speed
/// --clock-start`), so that a demo can live through days of a plant in minutes and every time it
/// stores — readings, alarms, plans — is the plant's own.
///
/// Only the plant's times follow it; cadences of the machinery itself (polling, heartbeats,
/// snapshots, re-planning budget) stay on the wall clock.
public struct PlantClock: Sendable, Equatable {
    /// Plant seconds per wall second (1: the wall clock).
    public var speed: Double
    /// The wall instant (epoch seconds) at which both clocks agree.
    public var start: Double

    public init(speed: Double, start: Double) {
        self.speed = speed
        self.start = start
    }

    /// The wall clock itself.
    public static let wall = PlantClock(speed: 1, start: 0)

    public var isWall: Bool { speed == 1 }

    /// The plant's time at a wall instant (epoch seconds).
    public func plantTime(atWall wall: Double) -> Double { isWall ? wall : start + (wall - start) * speed }

    /// A span of wall seconds in plant seconds.
    public func plantSeconds(_ wallSeconds: Double) -> Double { wallSeconds * speed }

    /// A span of plant seconds in wall seconds.
    public func wallSeconds(_ plantSeconds: Double) -> Double { plantSeconds / speed }
}
