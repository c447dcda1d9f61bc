import Foundation

/// Follows one failure mode over days and estimates where it is heading: how close its worst
/// moments come to the failure limit, how fast that grows, whether it accelerates, and how far
/// the world model's (context-corrected) deviation has moved.
///
/// Each observation gives the world model's filtered deviation of the limit sensor (healthy-spread
/// units, toward the limit), the limit's distance in the same units at that moment's operating
/// point, and where the raw reading stands on the way to the limit (`fraction`: 0 at the healthy
/// reference, 1 at the limit). Observations are binned (`binSeconds`, default a day, which spans
/// the daily cycle of the duty), keeping the mean deviation, the smallest limit gap and the largest
/// fraction — a machine trips at its worst operating point, so the daily peak is what must stay
/// below the limit. The estimate fits `peak(t) = (x₀ + c)·e^{g·t} − c` to the bins of the last
/// `fitWindow` seconds by least squares over a grid of offsets `c` (small: accelerating wear, as a
/// bearing's P–F curve; large: linear wear, as erosion), so the rate and its acceleration follow
/// physical time whatever the world model's step. Levels are reported from the lowest peak seen
/// since the last reset (the healthy state), so the limit is `1 − that`. Pure and deterministic.
public struct DegradationTracker: Sendable, Equatable {
    public struct Estimate: Sendable, Equatable {
        /// Peak level on the way to the limit now (0 at the healthiest peak seen), its scatter.
        public var level: Double
        public var levelSD: Double
        /// Rate toward the limit, per second, and its standard error.
        public var trend: Double
        public var trendSD: Double
        /// The offset `c` of the best fit; nil when the linear fit is as good or too few bins.
        public var offset: Double?
        /// The failure limit in the same units.
        public var limit: Double
        /// The world model's deviation (healthy spreads) in the latest bin, and the limit's distance
        /// in the same units at the worst operating point of the last week.
        public var deviation: Double
        public var deviationLimit: Double?
        /// The latest complete bin's peak on the raw scale of `fraction` (0 healthy reference, 1 limit).
        public var peak: Double
        /// Days of history behind the estimate.
        public var days: Double
    }

    struct Bin: Sendable, Equatable {
        var start: Double
        var time = 0.0
        var deviation = 0.0
        var count = 0
        var gap = Double.infinity
        var peak = -Double.infinity
    }

    public var binSeconds: Double
    public var memory: Double
    public var fitWindow: Double
    private var bins: [Bin] = []
    private var lowestPeak = Double.infinity

    public init(binSeconds: Double = 86400, memory: Double = 28 * 86400, fitWindow: Double = 14 * 86400) {
        self.binSeconds = binSeconds
        self.memory = memory
        self.fitWindow = fitWindow
    }

    /// Takes one observation (see the type's description); `gap` and `fraction` may be unknown.
    public mutating func observe(time: Double, deviation: Double, gap: Double?, fraction: Double?) {
        guard deviation.isFinite else { return }
        if bins.isEmpty || time >= bins[bins.count - 1].start + binSeconds {
            if let closed = bins.last, closed.peak.isFinite { lowestPeak = min(lowestPeak, closed.peak) }
            bins.append(Bin(start: time))
            if let first = bins.first, time - first.start > memory { bins.removeFirst() }
        }
        let i = bins.count - 1
        let n = Double(bins[i].count)
        bins[i].deviation = (bins[i].deviation * n + deviation) / (n + 1)
        bins[i].time = (bins[i].time * n + time) / (n + 1)
        bins[i].count += 1
        if let gap, gap.isFinite { bins[i].gap = min(bins[i].gap, gap) }
        if let fraction, fraction.isFinite { bins[i].peak = max(bins[i].peak, fraction) }
    }

    /// Forgets the history (after maintenance restored the mode).
    public mutating func reset() {
        bins.removeAll()
        lowestPeak = .infinity
    }

    public var isEmpty: Bool { bins.isEmpty }

    /// The current estimate; nil until two days of peaks are known.
    public func estimate() -> Estimate? {
        guard let last = bins.last else { return nil }
        let recentGap = bins.filter { $0.start >= last.start - 7 * 86400 }.map(\.gap).min()
        let deviationLimit = recentGap.flatMap { $0.isFinite ? $0 : nil }
        let complete = bins.dropLast().filter { $0.peak.isFinite }
        let window = complete.filter { $0.start >= last.start - fitWindow }
        let days = (last.time - (bins.first?.time ?? last.time)) / 86400
        let floor = lowestPeak.isFinite ? lowestPeak : (complete.map(\.peak).min() ?? 0)
        guard window.count >= 2 else { return nil }
        let t0 = last.time
        let ts = window.map { $0.time - t0 }
        let xs = window.map { $0.peak - floor }
        let limit = 1 - floor
        let n = Double(ts.count)
        let tm = ts.reduce(0, +) / n
        let xm = xs.reduce(0, +) / n
        var stt = 0.0, stx = 0.0
        for k in ts.indices {
            stt += (ts[k] - tm) * (ts[k] - tm)
            stx += (ts[k] - tm) * (xs[k] - xm)
        }
        let linearSlope = stt > 0 ? stx / stt : 0
        var linearSSE = 0.0
        for k in ts.indices {
            let r = xs[k] - (xm + linearSlope * (ts[k] - tm))
            linearSSE += r * r
        }
        let dof = max(n - 2, 1)
        let sigma = (linearSSE / dof).squareRoot()
        let slopeSE = stt > 0 ? sigma / stt.squareRoot() : abs(linearSlope)
        var best = (sse: linearSSE, level: xm + linearSlope * (0 - tm), trend: linearSlope, offset: Double?.none)
        if window.count >= 4 {
            let scale = max(abs(limit), 1e-9)
            for factor in [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5] {
                let c = factor * scale
                guard xs.allSatisfy({ $0 + c > 1e-12 }) else { continue }
                let ys = xs.map { Foundation.log($0 + c) }
                let ym = ys.reduce(0, +) / n
                var sty = 0.0
                for k in ts.indices { sty += (ts[k] - tm) * (ys[k] - ym) }
                let g = stt > 0 ? sty / stt : 0
                let a = ym - g * tm
                var sse = 0.0
                for k in ts.indices {
                    let r = xs[k] - (Foundation.exp(a + g * ts[k]) - c)
                    sse += r * r
                }
                if sse < best.sse * 0.98 {
                    let levelNow = Foundation.exp(a) - c
                    best = (sse, levelNow, g * (levelNow + c), c)
                }
            }
        }
        let levelSD = (best.sse / dof).squareRoot()
        // The level now: the fit, but never below the latest complete peak.
        let level = max(best.level, xs.last ?? best.level)
        return Estimate(
            level: level, levelSD: max(levelSD, 0.01 * abs(limit)), trend: best.trend,
            trendSD: max(slopeSE, 0.05 * abs(best.trend)), offset: best.offset, limit: limit,
            deviation: last.deviation, deviationLimit: deviationLimit, peak: window.last?.peak ?? 0, days: days)
    }
}
