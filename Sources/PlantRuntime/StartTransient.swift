/// A machine's start-up transient, during which its deviation alarm is held: the first
/// `settleSteps` running steps after a start (or after its data comes back from a gap), and as long
/// after them as the deviation score keeps falling (a machine warming up to its normal; one step
/// that neither falls nor rises by a tenth is noise, two end it). A fault present at the start
/// rises or stops falling, and is alarmed. The daemon's runtime and `prognos eval anomalies` hold
/// their alarms by this one rule.
public struct StartTransient: Sendable {
    public let settleSteps: Int
    /// Whether the last step observed was part of the transient.
    public private(set) var settling = true
    private var stepsSinceRestart = 0
    /// The lowest score since the start, the last score, and the steps since the score last fell
    /// below 95 % of that lowest.
    private var low = Double.infinity
    private var last = Double.infinity
    private var stepsWithoutFall = 0

    public init(settleSteps: Int) { self.settleSteps = settleSteps }

    /// The next running steps are a transient again (a start, or data back from a gap).
    public mutating func restart() { self = StartTransient(settleSteps: settleSteps) }

    /// Takes a running step's score and flag; whether the step is part of the transient.
    public mutating func observe(score: Double, flagged: Bool) -> Bool {
        stepsSinceRestart += 1
        let rose = score > 1.1 * last
        if score < 0.95 * low {
            low = score
            stepsWithoutFall = 0
        } else {
            stepsWithoutFall += 1
        }
        last = score
        settling = stepsSinceRestart <= settleSteps || (settling && flagged && !rose && stepsWithoutFall < 2)
        return settling
    }
}
