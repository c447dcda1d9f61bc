import Foundation
import LinearAlgebra

/// What `eval anomalies --explain` says about each false alarm (a run of flagged label-0 rows):
/// which sensor drove it, and whether the operating context was outside the range the model was
/// fitted on — the evidence for telling an unexplained plant signal from an extrapolated context.
struct FalseAlarmRun {
    var firstRow: Int
    var rows = 0
    /// Each sensor's share of the score, summed over the run's rows.
    var shares: [Double]
    /// Per context column, the farthest the run went outside the column's training range, in
    /// units of that range's width (0: inside all along; a column constant in training counts
    /// any change as one width).
    var contextExcess: [Double]

    /// The sensor with the largest summed share, and that share of the run's total.
    var dominant: (sensor: Int, share: Double) {
        let total = shares.reduce(0, +)
        let best = shares.indices.max { shares[$0] < shares[$1] } ?? 0
        return (best, total > 0 ? shares[best] / total : 0)
    }

    func json(sensorNames: [String], contextNames: [String]) -> [String: Any] {
        let (sensor, share) = dominant
        var outside: [String: Double] = [:]
        for (k, excess) in contextExcess.enumerated() where excess > 0 { outside[contextNames[k]] = excess }
        return [
            "first_row": firstRow, "rows": rows, "dominant_sensor": sensorNames[sensor], "dominant_share": share,
            "context_outside_training": outside,
        ]
    }
}

/// The training range of each context column, to measure how far a scored row lies outside it.
struct ContextRange {
    var low: [Double]
    var high: [Double]

    init(series: EvalSeries, trainRows: Int) {
        let count = series.contextNames.count
        low = [Double](repeating: .infinity, count: count)
        high = [Double](repeating: -.infinity, count: count)
        for r in 0..<min(trainRows, series.rows.rows) {
            for (k, value) in series.context(r).enumerated() {
                low[k] = min(low[k], value)
                high[k] = max(high[k], value)
            }
        }
    }

    /// How far `u[k]` lies outside the training range, in widths of that range (0 inside).
    func excess(_ u: [Double], _ k: Int) -> Double {
        let width = high[k] - low[k]
        let beyond = max(low[k] - u[k], u[k] - high[k], 0)
        guard beyond > 0 else { return 0 }
        return width > 0 ? beyond / width : 1
    }
}
