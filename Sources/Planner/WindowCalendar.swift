import Foundation
import PrognosCore

/// One occurrence of a weekly maintenance window: when it opens and closes (epoch seconds, UTC,
/// the plant's clock) and how many technicians it has.
public struct WindowSlot: Sendable, Equatable, Hashable, Codable {
    /// The window's id in the plant file.
    public var window: String
    public var start: Double
    public var end: Double
    public var crew: Int

    public init(window: String, start: Double, end: Double, crew: Int) {
        self.window = window
        self.start = start
        self.end = end
        self.crew = crew
    }

    public var duration: Double { end - start }
}

/// Calendar arithmetic on epoch seconds (UTC), as the simulator's: weeks start on Monday.
public enum WindowCalendar {
    /// Day of the week, Monday = 0 (1970-01-01 was a Thursday).
    public static func weekday(_ epoch: Double) -> Int {
        let day = Int((epoch / 86400).rounded(.down))
        return ((day + 3) % 7 + 7) % 7
    }

    /// Every occurrence of the plant's windows that is open at `now` or opens before `now + horizon`,
    /// in time order (ties by window id). A window open at `now` is included with its real start.
    public static func slots(_ economics: Economics, from now: Double, horizon: Double) -> [WindowSlot] {
        let weekStart = (now / 86400).rounded(.down) * 86400 - Double(weekday(now)) * 86400
        var result: [WindowSlot] = []
        for window in economics.windows {
            let day = Double(MaintenanceWindow.Weekday.allCases.firstIndex(of: window.weekday) ?? 0)
            let length = window.duration.inSeconds
            let crew = window.crew ?? economics.crewCapacity
            var start = weekStart + day * 86400 + Double(window.startMinute) * 60 - 7 * 86400
            while start < now + horizon {
                if start + length > now {
                    result.append(WindowSlot(window: window.id, start: start, end: start + length, crew: crew))
                }
                start += 7 * 86400
            }
        }
        return result.sorted { ($0.start, $0.window) < ($1.start, $1.window) }
    }

    /// The start of the first window that opens strictly after `epoch`, if the plant has windows.
    public static func nextWindowStart(after epoch: Double, economics: Economics) -> Double? {
        slots(economics, from: epoch, horizon: 8 * 86400).first { $0.start > epoch }?.start
    }

    /// The window open at `epoch`, if any.
    public static func openWindow(at epoch: Double, economics: Economics) -> WindowSlot? {
        slots(economics, from: epoch, horizon: 1).first { $0.start <= epoch && epoch < $0.end }
    }
}
