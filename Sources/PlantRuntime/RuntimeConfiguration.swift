import Planner
import PrognosCore

/// Tunables of the per-asset runtimes. Times are in seconds of the readings' clock.
public struct RuntimeConfiguration: Sendable, Equatable {
    /// Seconds between two model steps; readings in between update the latest values only.
    public var stepInterval: Double = 1
    /// Steps collected (and taken as healthy) before the first fit, when no snapshot exists; and at
    /// least `trainingSpan` of the plant's running time, a week: a normal learnt from less has not
    /// seen the plant's week (demand, weather systems) and flags it. At one step a second, 600 steps
    /// are ten minutes: a daemon learning live from them raised 19 deviation alarms per asset-week
    /// on the healthy drift scenario; learning from 24 hours, 202 alarms in its second to fourth
    /// weeks; from a week, 145 (`prognos eval alarms … --learn-days 0`, docs/world-model.md). The
    /// rows are decimated to `historyCapacity` (see `trainingStepsInEffect`, `history`).
    public var trainingSteps = 600
    public var trainingSpan: Double = 7 * 86_400
    /// After an operator's re-baseline, the model is fitted again on every running step of at least
    /// `relearnSpan` of the plant's time (and at least `trainingSteps` steps), decimated as the first
    /// fit's rows are: a day, the plant's daily cycle of demand and weather. Until then the moved
    /// baseline scores with the old thresholds. Refitting on `trainingSteps` steps alone was ten
    /// minutes at one step a second: a model that had seen one operating point. Every asset of the
    /// healthy drift scenario re-baselined a day after commissioning on a week, then a week at one
    /// step a second: 219 deviation alarms and 67 % of steps flagged refitted on ten minutes, 12 and
    /// 3.1 % on a day (docs/world-model.md).
    public var relearnSpan: Double = 86_400
    /// Plant seconds between refits on recent unflagged history (0: never refit), and the running
    /// time that history spans, decimated to `historyCapacity` rows (as `Float`, `historyCapacity ×
    /// signals × 4` bytes an asset) in blocks of `historyBlock` consecutive rows (the dynamics are
    /// fitted on pairs of consecutive rows; see `HistoryRing`). In time, not steps: a model
    /// commissioned on a simulated week and refitted every 20,000 steps on the last 20,000 was, at
    /// one step a second, replaced every 5.6 hours by one that knew 5.6 hours of the plant, and
    /// flagged 10 % of a healthy week (1 % without the refits). Blocks of 200 rows, not 20: the
    /// drift statistic (a moving average over about 10 steps) starts again in each block, and on
    /// blocks of 20 the refit's thresholds came out low (the drift scenario at one step a second for
    /// 14 days, refitted after 7: 21 alarms in the second week and 3.0 % of steps flagged with
    /// blocks of 20; none and 0.6 % with 200).
    public var refitInterval: Double = 7 * 86_400
    public var historySpan: Double = 7 * 86_400
    public var historyCapacity = 2_000
    public var historyBlock = 200
    /// Steps between forecasts made, and how far they look ahead (in steps). Of each forecast the
    /// store keeps the horizons that are multiples of `forecastStoredEvery` (and the last), at most
    /// four, the nearest (a slot each in `forecast_runs`): the dashboard draws the newest forecast as
    /// steps, nearest horizon per column.
    public var forecastEvery = 10
    public var forecastHorizon = 12
    public var forecastStoredEvery = 3
    /// Per-sensor deviation shares stored for an unflagged step: the largest this many (every
    /// sensor's share is stored for a flagged step, whose deviation someone will look into).
    public var sharesStoredWhenHealthy = 3
    /// Seconds of the readings' clock per stored row of unflagged steps: the window's largest score
    /// with its shares (`DeviationRows`; a flagged step is stored as it comes). 0 stores every step.
    public var unflaggedDeviationEvery: Double = 60
    /// A failure mode's health row is stored when its state changes, its health moves by at least
    /// `healthStoredChange` (of the 0…1 scale), its median RUL by at least `rulStoredChange` (as a
    /// fraction), or `healthStoredEvery` seconds of the readings' clock after the last row stored.
    public var healthStoredEvery: Double = 60
    public var healthStoredChange = 0.01
    public var rulStoredChange = 0.05
    /// Seconds of the readings' clock between two assessments of the failure modes (health rows, RUL
    /// and failure alarms); a model step at least this long after the last one assesses. Not
    /// stretched with a simulation's clock: a daemon that steps every ten simulated minutes assesses
    /// at every step, so its plan and its health rows are of the same moment.
    public var assessEvery: Double = 10
    /// Running steps after reported maintenance before the model takes what the restored modes'
    /// sensors now read as their new normal (new bearings run differently): by then the model's local
    /// mean (smoothing 0.2) has taken in 96 % of the new level.
    public var settleStepsAfterMaintenance = 15
    /// A failure mode whose median RUL falls below this raises an RUL alarm (seconds).
    public var rulAlarmHorizon: Double = 7 * 86_400
    /// Deviation alarms: consecutive seconds flagged before annunciating, and clear before returning.
    public var deviationOnDelay: Double = 5
    public var deviationOffDelay: Double = 60
    /// And flagged at least this long in the plant's time (not stretched with a simulation's clock)
    /// before a deviation alarm is raised: a maintenance alarm is for a deviation that persists,
    /// not for the plant's fast dynamics (a compressor's pressure ripple has a time constant of a
    /// minute, and at one step a second each of its excursions past the threshold held 5 s). On the
    /// healthy drift scenario at one step a second (`prognos eval alarms`, a week), 5 s / 5 min /
    /// 10 min raised 139 / 5 / 3 deviation alarms; at one row a minute (`eval anomalies`) 112 / 66 /
    /// 66; at 10-minute rows, where two flagged rows in a row already span 10 minutes, 88 either
    /// way. The demo's faults at one step a second are raised 10–16 minutes later (bearing wear 34
    /// minutes after its onset, 2.4 hours before the failure); docs/world-model.md.
    public var deviationOnDelayInPlantTime: Double = 600
    /// The deviation alarm's on-delay: the longer of the two.
    public var deviationOnDelayInEffect: Double { max(deviationOnDelay, deviationOnDelayInPlantTime) }
    /// And clear at least this long in the plant's time (not stretched with a simulation's clock)
    /// before a deviation alarm returns: a deviation back within the plant's thermal time constants
    /// (20–45 minutes) is the same excursion, not a new alarm. Without it a score wandering about
    /// its threshold is raised again and again: the drift scenario at one row a minute raised 594
    /// alarms with 60 s, 134 with 30 minutes, where at 10-minute rows (one clear row is already
    /// 10 minutes) it raised 132 and 120 (docs/world-model.md).
    public var deviationOffDelayInPlantTime: Double = 1800
    /// The deviation alarm's off-delay: the longer of the two.
    public var deviationOffDelayInEffect: Double { max(deviationOffDelay, deviationOffDelayInPlantTime) }
    /// Model steps after a machine starts (its speed, load or running signal leaves zero), or after
    /// its data comes back from a gap (steps skipped for stale signals), during which the deviation
    /// alarm is held: the transient is expected; it stays held after them for as long as the
    /// deviation keeps falling (warming up). While stopped it is held too.
    public var restartSettleSteps = 2
    /// The start-up transient in time (`StartTransient`): held for at least these seconds after a
    /// start, then for as long as the deviation score falls by 5 % from one such window to the
    /// next. A fault present at the start is alarmed after two windows. Five minutes hold a
    /// warm-up whose deviation decays with a time constant of up to three hours (the score is
    /// squared: it falls 5 % in 5 minutes at τ = 195 min); the demo plant's slowest is 45 minutes.
    public var startTransientWindow: Double = 300
    /// Limit alarms: delays, and deadband as a fraction of the sensor's normal span.
    public var limitOnDelay: Double = 2
    public var limitOffDelay: Double = 10
    public var limitDeadbandFraction = 0.02
    /// A signal with no good reading for this many seconds raises the communication alarm.
    public var staleAfter: Double = 10
    /// Seconds between polls of each Modbus device, by device id (`polling(_:on:)`). A signal of a
    /// device polled less often than every `staleAfter / 2` s is silent only once two of its polls
    /// brought no good reading: an energy meter read every 5 s with `staleAfter` 3 s would
    /// otherwise raise and clear the communication alarm between every two polls.
    public var pollIntervals: [String: Double] = [:]
    /// Seconds between model snapshots written to the store.
    public var snapshotEvery: Double = 300
    /// Seed of the runtime's own random choices (deterministic for a seed).
    public var seed: UInt64 = 1
    /// The planner's constants: the outlook of each failure mode is drawn as the plan draws it, so
    /// the runtime and the daemon's `Replanner` must share them.
    public var planning = PlannerConfiguration()

    public init() {}

    /// How long `source` may go without a good reading before it counts as silent.
    func silenceAllowed(for source: SignalSource) -> Double {
        guard case .modbus(let point) = source, let poll = pollIntervals[point.device] else { return staleAfter }
        return max(staleAfter, 2 * poll)
    }

    /// Steps the first fit waits for at this cadence: `trainingSteps`, or `trainingSpan` if longer.
    public var trainingStepsInEffect: Int { max(trainingSteps, steps(in: trainingSpan)) }

    /// Steps the refit after an operator's re-baseline waits for: `trainingSteps`, or `relearnSpan` if longer.
    public var relearnStepsInEffect: Int { max(trainingSteps, steps(in: relearnSpan)) }

    /// Steps between refits at this cadence (0: never).
    public var refitEverySteps: Int { refitInterval > 0 ? max(1, steps(in: refitInterval)) : 0 }

    /// Model steps in `seconds` of the plant's time at `stepInterval`.
    func steps(in seconds: Double) -> Int {
        guard stepInterval > 0, seconds > 0 else { return 0 }
        return Int(min((seconds / stepInterval).rounded(.up), Double(Int.max / 4)))
    }

    /// A history that keeps the newest of the last `steps` rows offered: all of them when they fit
    /// in `historyCapacity` (or `trainingSteps`, if more), else blocks of `historyBlock` rows
    /// spread evenly over them.
    func history(width: Int, spanning steps: Int) -> HistoryRing {
        let capacity = max(1, min(steps, max(historyCapacity, trainingSteps)))
        let blocks = (Double(steps) / Double(capacity)).rounded(.up)
        let stride = max(1, Int(min(blocks, Double(Int.max / 4))))
        return HistoryRing(
            width: width, capacity: capacity, block: stride == 1 ? 1 : max(1, historyBlock), stride: stride)
    }

    /// The same tunables with the poll intervals of `devices`, in the plant's seconds on `clock`.
    public func polling(_ devices: [ModbusDevice], on clock: PlantClock) -> RuntimeConfiguration {
        var configured = self
        configured.pollIntervals = Dictionary(
            devices.map { ($0.id, clock.plantSeconds($0.pollInterval.inSeconds)) }, uniquingKeysWith: max)
        return configured
    }

    /// The same tunables for a daemon on a simulation's clock: the cadences and delays are the
    /// machinery's (one model step per wall-clock poll), so they stretch with the clock's speed —
    /// a 5 s on-delay still spans five steps. The RUL horizon is the plant's and stays.
    public func onClock(_ clock: PlantClock) -> RuntimeConfiguration {
        var scaled = self
        scaled.stepInterval = clock.plantSeconds(stepInterval)
        scaled.staleAfter = clock.plantSeconds(staleAfter)
        scaled.snapshotEvery = clock.plantSeconds(snapshotEvery)
        scaled.deviationOnDelay = clock.plantSeconds(deviationOnDelay)
        scaled.deviationOffDelay = clock.plantSeconds(deviationOffDelay)
        scaled.limitOnDelay = clock.plantSeconds(limitOnDelay)
        scaled.limitOffDelay = clock.plantSeconds(limitOffDelay)
        return scaled
    }
}
