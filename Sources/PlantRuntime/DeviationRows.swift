import PrognosCore

/// The write rule of the deviation rows (docs/schema.md): a flagged step, the record of an anomaly,
/// is stored as it comes with every sensor's share; unflagged steps, nearly all of them, are stored
/// as one row per `every` seconds of the readings' clock — the window's largest score with its
/// largest shares and the count of steps it stands for (`steps`), which is what the readers use:
/// the dashboard's worst score per sparkline bucket, newest score and its drivers, and the share of
/// steps flagged (`Plants/tools/healthy-alarm-rate.sh`).
///
/// A window's row is handed over when the next window starts or before a flagged step, so rows stay
/// in time order (the dashboard reads them incrementally by time); the first unflagged step after a
/// flagged one is handed over at once, so the newest row shows the return to normal. The window
/// open when the daemon stops is not stored (at most `every` seconds of unflagged scores).
struct DeviationRows: Sendable {
    /// Seconds of the readings' clock per unflagged row; 0 stores every step.
    let every: Double
    private var pending: DeviationRecord?
    private var window = -Double.infinity
    private var afterFlagged = false

    init(every: Double) { self.every = every }

    /// Takes a step (its time, score and flag); appends the rows due to `rows`. `record` builds the
    /// step's row only when it is stored or may be (an unflagged step below its minute's largest
    /// score is only counted).
    mutating func add(
        time: Double, score: Double, flagged: Bool, record: () -> DeviationRecord,
        into rows: inout [DeviationRecord]
    ) {
        if flagged {
            handOver(into: &rows)
            rows.append(record())
            afterFlagged = true
            return
        }
        guard every > 0, !afterFlagged else {
            rows.append(record())
            afterFlagged = false
            return
        }
        let stepWindow = (time / every).rounded(.down)
        if stepWindow != window { handOver(into: &rows) }
        window = stepWindow
        guard let kept = pending else {
            pending = record()
            return
        }
        if score > (kept.score ?? -.infinity) { pending = record() }
        pending?.steps = kept.steps + 1
    }

    private mutating func handOver(into rows: inout [DeviationRecord]) {
        if let pending { rows.append(pending) }
        pending = nil
    }
}
