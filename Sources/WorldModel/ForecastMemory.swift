/// The forecast head's memory: what the machine will actually read in k steps, as opposed to the
/// reference (what a healthy machine would read, which deviations are scored against).
///
/// The forecast of the deviation `e` (in units of each sensor's healthy spread, about the reference
/// of the planned context) combines four candidates, each from the filtered state now:
/// persistence of the deviation, the model (health level + trend + learned dynamics of the fast
/// part), a damped trend, and a local mean. Each horizon weighs them by a power of the inverse of
/// their recent absolute k-step errors (after Bates & Granger 1969), so the combination falls back to whichever
/// has been best lately: it is never much worse than persistence, which is among them.
/// Intervals: each tracked horizon's |error| quantiles follow that horizon's own errors online.
struct ForecastMemory: Sendable, Equatable {
    /// Persistence, model, damped trend, local mean (the order of `recentErrors`).
    static let candidateCount = 4
    /// Quantities kept per step for the horizons' error checks: deviation, health level, health
    /// slope, local mean, trend.
    static let snapshotWidth = 5

    /// Horizons whose errors are tracked (the others interpolate between them).
    let horizons: [Int]
    /// Snapshots of the last `horizons.last` steps, `[step % slots][quantity][sensor]` flattened.
    var snapshots: [Double]
    /// Exponentially weighted mean of the deviation (the local-mean candidate) and of its
    /// step-to-step change (the trend candidate's slope).
    var localMean: [Double]
    var trend: [Double]
    /// Recent absolute k-step error of each candidate, `[horizon index][candidate][sensor]`.
    var recentErrors: [Double]
    /// Tracked |error| quantiles of the combined forecast, `[horizon index][level][sensor]`.
    var quantiles: [Double]

    var slots: Int { horizons.last ?? 1 }

    /// A fresh memory: equal weights, interval widths from the fit's out-of-fold quantiles of the
    /// model's own forecast errors (`fitted[h − 1][level][sensor]`).
    init(sensorCount m: Int, configuration: ModelConfiguration, fitted: [[[Double]]]) {
        horizons = Self.trackedHorizons(upTo: configuration.maxHorizon)
        snapshots = [Double](repeating: 0, count: horizons.last! * Self.snapshotWidth * m)
        localMean = [Double](repeating: 0, count: m)
        trend = localMean
        recentErrors = [Double](repeating: 1, count: horizons.count * Self.candidateCount * m)
        quantiles = []
        for h in horizons {
            let perLevel = fitted[min(h, fitted.count) - 1]
            for l in ForecastStep.levels.indices { quantiles += perLevel[l].map { max($0, 1e-6) } }
        }
    }

    /// Memberwise, for restoring a snapshot.
    init(
        horizons: [Int], snapshots: [Double], localMean: [Double], trend: [Double], recentErrors: [Double],
        quantiles: [Double]
    ) {
        self.horizons = horizons
        self.snapshots = snapshots
        self.localMean = localMean
        self.trend = trend
        self.recentErrors = recentErrors
        self.quantiles = quantiles
    }

    /// Every remembered step set to this state (for a model restored from before the head).
    mutating func fill(deviation e: [Double], levels: [Double], slopes: [Double]) {
        let m = e.count
        guard levels.count == m, slopes.count == m, localMean.count == m else { return }
        localMean = e
        trend = [Double](repeating: 0, count: m)
        let quantities = [e, levels, slopes, e, trend]
        for slot in 0..<slots {
            for (k, values) in quantities.enumerated() {
                for j in 0..<m { snapshots[(slot * Self.snapshotWidth + k) * m + j] = values[j] }
            }
        }
    }

    /// 1, 2, 5, 10, 20, … below `maxHorizon`, then `maxHorizon` itself: dense where errors change
    /// fastest, a handful in all, so that tracking costs a few sensor loops per step.
    static func trackedHorizons(upTo maxHorizon: Int) -> [Int] {
        let top = max(maxHorizon, 1)
        var out: [Int] = []
        var decade = 1
        outer: while true {
            for f in [1, 2, 5] {
                let h = f * decade
                if h >= top { break outer }
                out.append(h)
            }
            decade *= 10
        }
        out.append(top)
        return out
    }

    /// The tracked horizons around `h` and the linear weight of the upper one.
    func bracket(_ h: Int) -> (lower: Int, upper: Int, t: Double) {
        guard h > horizons[0] else { return (0, 0, 0) }
        for i in 1..<horizons.count where h <= horizons[i] {
            let t = Double(h - horizons[i - 1]) / Double(horizons[i] - horizons[i - 1])
            return (i - 1, i, t)
        }
        return (horizons.count - 1, horizons.count - 1, 0)
    }

    /// Whether the dimensions agree with `m` sensors (a restored snapshot is checked with this).
    func isConsistent(sensorCount m: Int) -> Bool {
        let n = horizons.count
        return n > 0 && horizons.first == 1 && zip(horizons, horizons.dropFirst()).allSatisfy { $0 < $1 }
            && snapshots.count == slots * Self.snapshotWidth * m && localMean.count == m && trend.count == m
            && recentErrors.count == n * Self.candidateCount * m
            && quantiles.count == n * ForecastStep.levels.count * m
    }
}

/// The four candidates' k-step forecasts of one sensor's deviation, and their combination.
enum ForecastCombination {
    /// `φ + φ² + … + φʰ`: how far a damped trend carries in `h` steps.
    @inline(__always)
    static func trendGain(_ damping: Double, _ h: Int) -> Double {
        var gain = 0.0
        var p = 1.0
        for _ in 0..<h {
            p *= damping
            gain += p
        }
        return gain
    }

    /// Inverse-error weights raised to `power`, and the weighted mean of the candidates `c`
    /// given their recent absolute errors `r`. Per sensor and horizon on every step, so: no
    /// division for the inverses (each is the product of the other three, the common factor
    /// cancels), scaled by a power of two so that no power overflows, and the power by repeated
    /// squaring.
    @inline(__always)
    static func combine(
        _ c0: Double, _ c1: Double, _ c2: Double, _ c3: Double,
        _ r0: Double, _ r1: Double, _ r2: Double, _ r3: Double, power: Int
    ) -> Double {
        let e0 = max(r0, 1e-12)
        let e1 = max(r1, 1e-12)
        let e2 = max(r2, 1e-12)
        let e3 = max(r3, 1e-12)
        let p01 = e0 * e1
        let p23 = e2 * e3
        var b0 = e1 * p23
        var b1 = e0 * p23
        var b2 = e3 * p01
        var b3 = e2 * p01
        // The largest becomes [1, 2): the others, smaller, cannot overflow when raised.
        let scale = Double(sign: .plus, exponent: -max(max(b0, b1), max(b2, b3)).exponent, significand: 1)
        b0 *= scale
        b1 *= scale
        b2 *= scale
        b3 *= scale
        var (w0, w1, w2, w3) = (1.0, 1.0, 1.0, 1.0)
        var k = power
        while k > 0 {
            if k & 1 == 1 {
                w0 *= b0
                w1 *= b1
                w2 *= b2
                w3 *= b3
            }
            k >>= 1
            if k > 0 {
                b0 *= b0
                b1 *= b1
                b2 *= b2
                b3 *= b3
            }
        }
        return (w0 * c0 + w1 * c1 + w2 * c2 + w3 * c3) / (w0 + w1 + w2 + w3)
    }
}
