import Foundation

/// The transients during which a machine's deviation alarm is held. The daemon's runtime and
/// `prognos eval anomalies` hold their alarms by this one rule.
///
/// - After the machine **starts** (`machineStarted`): for at least `settleSteps` running steps and
///   `window` seconds, then for as long as the deviation keeps receding (a machine warming up to
///   its normal). Receding is judged in time, not in steps, so that a daemon scoring every second
///   holds a 30-minute warm-up as an evaluation of 10-minute rows does: the score, smoothed over a
///   fifth of the window (one noisy step at 1 Hz proves nothing), is checked every `window`
///   seconds, or at every step where steps are further apart, and must have fallen by 5 % since
///   the last check that fell (the first check: since the transient's peak). One failed check is
///   noise; two in a row end the transient, as does a smoothed score that jumps by a tenth in one
///   step. A fault present at the start does not recede: it is alarmed after two windows.
/// - After its data **resumes** from a gap, and when the runtime starts (`dataResumed`): by the
///   same rule with a window of zero, so counted in steps: `settleSteps`, then as long as the score
///   falls by 5 % a step. The machine ran on; only the model's state is old, and its statistics
///   catch up in steps, not minutes.
public struct StartTransient: Sendable {
    public let settleSteps: Int
    /// Seconds between checks that a start's deviation recedes, and the shortest hold after a start.
    public let window: Double
    /// Whether the last step observed was part of the transient.
    public private(set) var settling = true
    /// `window` after a start, zero after a gap.
    private var hold = 0.0
    private var steps = 0
    private var start = 0.0
    private var lastTime = 0.0
    private var smoothed = 0.0
    /// The last check's time, the smoothed score at the last check that fell (the peak before
    /// the first check), and the failed checks since that one.
    private var checked = 0.0
    private var reference = 0.0
    private var failedChecks = 0

    /// The transient of a runtime starting: as after a gap in its data.
    public init(settleSteps: Int, window: Double) {
        self.settleSteps = settleSteps
        self.window = window
    }

    /// The next running steps are a machine's start (it stood still).
    public mutating func machineStarted() {
        self = StartTransient(settleSteps: settleSteps, window: window)
        hold = window
    }

    /// The next running steps follow a gap in the data while the machine ran on.
    public mutating func dataResumed() { self = StartTransient(settleSteps: settleSteps, window: window) }

    /// Takes a running step's score at `time` (seconds); whether the step is part of the transient.
    public mutating func observe(score: Double, at time: Double) -> Bool {
        steps += 1
        let previous = smoothed
        if steps == 1 {
            (start, smoothed) = (time, score)
        } else {
            let elapsed = max(0, time - lastTime)
            smoothed += (hold > 0 ? 1 - exp(-elapsed / (hold / 5)) : 1) * (score - smoothed)
        }
        lastTime = time
        if steps <= settleSteps || time - start < hold {
            // The statistics are still catching up with the deviation (the drift statistic's
            // smoothing): the first check, at the next step, compares with the transient's peak.
            reference = max(reference, smoothed)
            checked = time - hold
            settling = true
            return true
        }
        if time - checked >= hold {
            checked = time
            if smoothed < 0.95 * reference {
                reference = smoothed
                failedChecks = 0
            } else {
                failedChecks += 1
            }
        }
        // Not ended by a step below the threshold: a warm-up's tail hovers about it, flagged and
        // not, until the deviation has receded into the noise, where the checks fail.
        settling = settling && smoothed <= 1.1 * previous && failedChecks < 2
        return settling
    }
}
