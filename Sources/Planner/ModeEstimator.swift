import PrognosCore
import WorldModel

/// The one estimator of a failure mode's health: it follows the limit sensor's peaks on the way to
/// the failure limit (a `DegradationTracker` in daily bins, and one in quarter-hour bins for faults
/// that run their course within hours, used while the daily one has fewer than two days), beside the
/// world model's filtered, context-corrected deviation of that sensor; and it knows when the mode has
/// failed. Its `health` is what the planner plans from and what `Planner.outlook` turns into the
/// remaining life that the RUL alarm, the dashboard, the plan and the MQTT state all show.
///
/// A mode fails when the good readings of its limit sensor stay past the failure limit for
/// `failureOnDelay` seconds (a limit alarm's on-delay: one glitching reading is no failure, and sets
/// no peak), or when the machine trips (stops while it should run) with the mode's peak past its
/// alarm level (`tripped`). Failed stays until maintenance restores the mode (`reset`). Pure and deterministic.
public struct ModeEstimator: Sendable {
    public let mode: FailureMode
    /// +1 when the mode fails upward, −1 downward: every figure below is oriented toward the limit.
    private let sign: Double
    /// The way from the edge of the limit sensor's normal range to the limit (nil without a range).
    private let scale: LimitScale?
    /// Where the sensor's alarm stands on that way (see `alarmFraction`).
    public let alarmFraction: Double?
    private var daily = DegradationTracker()
    private var fast = DegradationTracker(binSeconds: 900, memory: 2 * 86_400, fitWindow: 12 * 3600)
    /// The largest peak fraction in the current quarter hour and the one before (what the mode
    /// stood at just before the machine stopped).
    private var recentPeaks: (quarter: Double, current: Double, previous: Double)?
    public private(set) var failure: ModeFailure?
    /// The mode's rate multiplier from the slowing actions done since it was last restored (see
    /// `MaintenanceAction.slowed`): its trend already shows it, and a slowing no stronger does nothing.
    public private(set) var slowFactor = 1.0
    /// When the mode's part was last renewed (the clock of `observe`), so its age is known; nil when
    /// it is not (a daemon started on a plant that was running before, with no renewal reported since).
    public private(set) var renewedAt: Double?
    /// How long the limit sensor must read past the failure limit, without a reading back inside,
    /// before the mode is failed (0: the first reading past it).
    public let failureOnDelay: Double
    /// Since when, and at what value, the limit sensor has read past the failure limit without a
    /// reading back inside (nil: its latest reading is inside).
    private var pastLimitSince: (time: Double, value: Double)?

    /// `renewedAt`: when the part was new, if known (a simulated plant starts with new parts).
    public init(mode: FailureMode, sensor: Sensor?, renewedAt: Double? = nil, failureOnDelay: Double = 0) {
        self.mode = mode
        self.renewedAt = renewedAt
        self.failureOnDelay = failureOnDelay
        sign = mode.limit.direction == .above ? 1 : -1
        scale = LimitScale(sensor: sensor, mode: mode)
        alarmFraction = Self.alarmFraction(sensor: sensor, mode: mode)
    }

    /// Takes one batch of readings: the good values of the limit sensor in it, stamped up to `time`,
    /// and the world model's filtered deviation of that sensor (healthy spreads, signed as the sensor)
    /// with the sensor's healthy spread, once a model exists. While the machine stands still
    /// (`machineStopped`) a limit below is not a failure (a stopped fan has no airflow by design) and
    /// nothing is tracked.
    ///
    /// A limit below waits for the machine's run indicator: a machine spinning down reads low
    /// (pressure, flow, airflow) before its drive, often polled from another device and less often,
    /// says it stopped. `runningKnownUntil` is the time of the oldest latest reading of the run
    /// indicators that says the machine runs (nil: it has none, and every batch counts at once);
    /// a batch counts once the machine is known to have run until its time, and is dropped when an
    /// indicator says it stopped.
    ///
    /// `referenceGain` is the world model's extrapolation gain of the limit sensor (see
    /// `StepResult.referenceGains`; nil or 1 inside the fitted range). Below
    /// `StepResult.trustedGain` the machine runs where the model cannot tell its healthy reading
    /// (a pump at a speed below any it was fitted on reads a low pressure by design): its readings
    /// set no peak, as a stopped machine's do not, so an operating point is not taken for wear.
    public mutating func observe(
        time: Double, values: [Double], deviation: Double?, spread: Double?, referenceGain: Double? = nil,
        machineStopped: Bool = false, runningKnownUntil: Double? = nil
    ) {
        let batch = Batch(time: time, values: values, deviation: deviation, spread: spread, gain: referenceGain)
        guard mode.limit.direction == .below, let known = runningKnownUntil else {
            take(batch, machineStopped: machineStopped)
            return
        }
        if machineStopped {
            heldBatches.removeAll()
            take(batch, machineStopped: true)
            return
        }
        heldBatches.append(batch)
        // An indicator silent for this long is not waited for (its silence is the communication alarm's).
        while let first = heldBatches.first, first.time <= known || heldBatches.count > Self.maxHeldBatches {
            heldBatches.removeFirst()
            take(first)
        }
    }

    /// One batch of `observe`.
    private struct Batch: Sendable {
        var time: Double
        var values: [Double]
        var deviation: Double?
        var spread: Double?
        var gain: Double?
    }

    /// Batches of a limit below waiting for the run indicator (see `observe`), oldest first.
    private var heldBatches: [Batch] = []
    static let maxHeldBatches = 30

    private mutating func take(_ batch: Batch, machineStopped: Bool = false) {
        let (time, values, deviation, spread) = (batch.time, batch.values, batch.deviation, batch.spread)
        let armed = !(machineStopped && mode.limit.direction == .below)
        if failure == nil, armed {
            for value in values {
                guard mode.limit.isCrossed(by: value) else {
                    pastLimitSince = nil
                    continue
                }
                let since = pastLimitSince ?? (time, value)
                pastLimitSince = since
                guard time - since.time >= failureOnDelay else { continue }
                failure = ModeFailure(
                    time: since.time,
                    reason:
                        "\(mode.limit.sensor) read \(number(since.value)), past its failure limit (\(mode.limit.direction.rawValue) \(number(mode.limit.value)))"
                )
                break
            }
        } else if !armed {
            pastLimitSince = nil
        }
        // A stopped machine's readings say nothing of the mode's health (a stopped fan moves no air):
        // they set no peak, so a scheduled stop is not taken for a trip, and feed no tracker.
        guard !machineStopped, let deviation, deviation.isFinite else { return }
        let oriented = sign * deviation
        var gap: Double?
        var fraction: Double?
        // A reading past the failure limit that has not yet held for the on-delay may be a glitch, or
        // a stop that fell between two polls of the run indicator: it sets no peak, or that one
        // reading would put the mode at its limit, with no remaining life, for a whole bin (a day).
        let counted = failure == nil ? values.filter { !mode.limit.isCrossed(by: $0) } : values
        let familiar = (batch.gain ?? 1) >= StepResult.trustedGain
        if familiar, let worst = counted.map({ sign * $0 }).max() {
            if let spread, spread > 0 { gap = oriented + (sign * mode.limit.value - worst) / spread }
            if let scale { fraction = scale.fraction(sign * worst) }
        }
        if let fraction { notePeak(fraction, at: time) }
        daily.observe(time: time, deviation: oriented, gap: gap, fraction: fraction)
        fast.observe(time: time, deviation: oriented, gap: gap, fraction: fraction)
    }

    /// The machine stopped while it should run: if this mode stood past its alarm level, the stop is
    /// its trip, and the mode has failed.
    public mutating func tripped(at time: Double) {
        guard failure == nil, let alarm = alarmFraction, let peak = recentPeak, peak >= alarm
        else { return }
        failure = ModeFailure(
            time: time,
            reason:
                "the machine stopped with \(mode.limit.sensor) \(Int((100 * peak).rounded())) % of the way from normal to its failure limit"
        )
    }

    /// The mode failed before this estimator started (an earlier run's failure alarm still stands).
    public mutating func restoreFailure(_ failure: ModeFailure) {
        if self.failure == nil { self.failure = failure }
    }

    /// Maintenance restored the mode at `time`: its history, its failure and its slowing are
    /// forgotten, and its part's age counts from then.
    public mutating func reset(at time: Double) {
        renewedAt = time
        heldBatches.removeAll()
        pastLimitSince = nil
        daily.reset()
        fast.reset()
        recentPeaks = nil
        failure = nil
        slowFactor = 1
    }

    /// A slowing action of `factor` was done on the mode (its history stays: the part is the same).
    public mutating func slowed(by factor: Double) { slowFactor = MaintenanceAction.slowed(slowFactor, by: factor) }

    private mutating func notePeak(_ fraction: Double, at time: Double) {
        let quarter = (time / 900).rounded(.down)
        switch recentPeaks {
        case let p? where p.quarter == quarter: recentPeaks = (quarter, max(p.current, fraction), p.previous)
        case let p? where p.quarter == quarter - 1: recentPeaks = (quarter, fraction, p.current)
        default: recentPeaks = (quarter, fraction, -.infinity)
        }
    }

    private var recentPeak: Double? { recentPeaks.map { max($0.current, $0.previous) } }

    /// The mode's health for the planner at `time` (which dates the part's age); nil while the
    /// trackers know too little (and it has not failed).
    public func health(at time: Double, evidence: [SensorEvidence] = []) -> ModeHealth? {
        if let failure {
            var failed = ModeHealth(failureMode: mode.id, level: 1, trend: 0, limit: 1, evidence: evidence)
            failed.failure = failure
            failed.ageSinceRenewal = age(at: time)
            return failed
        }
        guard let estimate = daily.estimate() ?? fast.estimate() else { return nil }
        var health = ModeHealth(
            failureMode: mode.id, level: estimate.level, levelSD: estimate.levelSD, trend: estimate.trend,
            trendSD: estimate.trendSD, limit: estimate.limit, deviation: estimate.deviation,
            deviationLimit: estimate.deviationLimit, peakFraction: estimate.peak, growthOffset: estimate.offset,
            evidence: evidence)
        health.slowFactor = slowFactor
        health.ageSinceRenewal = age(at: time)
        return health
    }

    private func age(at time: Double) -> Double? { renewedAt.map { max(0, time - $0) } }

    /// Where the limit sensor's alarm stands on the scale of `ModeHealth.peakFraction` (0 at the edge
    /// of the normal range, 1 at the limit, see `LimitScale`): halfway when the sensor has no alarm
    /// before the limit; nil without a normal range.
    public static func alarmFraction(sensor: Sensor?, mode: FailureMode) -> Double? {
        guard let sensor, let scale = LimitScale(sensor: sensor, mode: mode) else { return nil }
        let alarm = scale.sign > 0 ? sensor.limits.alarmHigh : sensor.limits.alarmLow
        if let alarm, scale.sign * alarm < scale.sign * scale.limit { return max(0, scale.fraction(alarm)) }
        return 0.5
    }
}

/// When and why a failure mode failed.
public struct ModeFailure: Sendable, Equatable {
    public var time: Double
    public var reason: String
    public init(time: Double, reason: String) {
        self.time = time
        self.reason = reason
    }
}
