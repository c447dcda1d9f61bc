import Foundation

/// Follows one failure mode's filtered health level over days and estimates where it is heading:
/// its level, its rate, whether it accelerates, and how far the failure limit is.
///
/// Samples are binned (`binSeconds`, default 6 h: the mean level and the smallest limit gap of the
/// bin) and kept for `memory` seconds. The estimate fits `level(t) = (x₀ + c)·e^{g·t} − c` to the
/// bins of the last `fitWindow` seconds by least squares over a grid of offsets `c` (a small `c` is
/// exponential growth, as in a bearing's P–F curve; a large one is linear wear, as in erosion), so
/// the rate and its acceleration follow physical time whatever the world model's step is. Pure and
/// deterministic; a value type.
public struct DegradationTracker: Sendable, Equatable {
    public struct Estimate: Sendable, Equatable {
        /// Level toward the limit now (healthy-spread units; 0 healthy).
        public var level: Double
        /// Standard deviation of the level (scatter of the bins around the fit).
        public var levelSD: Double
        /// Rate toward the limit, per second, and its standard error.
        public var trend: Double
        public var trendSD: Double
        /// The offset `c` of the best fit; nil when too few bins to tell.
        public var offset: Double?
        /// The limit in the same units (the smallest gap of recent bins: the worst operating point).
        public var limit: Double?
        /// Days of history behind the estimate.
        public var days: Double
    }

    struct Bin: Sendable, Equatable {
        var start: Double
        var time = 0.0
        var level = 0.0
        var count = 0
        var gap = Double.infinity
        var trend = 0.0
    }

    public var binSeconds: Double
    public var memory: Double
    public var fitWindow: Double
    private var bins: [Bin] = []

    public init(binSeconds: Double = 6 * 3600, memory: Double = 28 * 86400, fitWindow: Double = 10 * 86400) {
        self.binSeconds = binSeconds
        self.memory = memory
        self.fitWindow = fitWindow
    }

    /// Takes one observation: the level toward the limit, the limit's distance in the same units at
    /// this moment's operating point (nil if unknown), and the world model's own trend (per second).
    public mutating func observe(time: Double, level: Double, gap: Double?, trend: Double = 0) {
        guard level.isFinite else { return }
        if bins.isEmpty || time >= bins[bins.count - 1].start + binSeconds {
            bins.append(Bin(start: time))
            if let first = bins.first, time - first.start > memory { bins.removeFirst() }
        }
        let i = bins.count - 1
        let n = Double(bins[i].count)
        bins[i].level = (bins[i].level * n + level) / (n + 1)
        bins[i].time = (bins[i].time * n + time) / (n + 1)
        bins[i].trend = (bins[i].trend * n + trend) / (n + 1)
        bins[i].count += 1
        if let gap, gap.isFinite { bins[i].gap = min(bins[i].gap, gap) }
    }

    /// Forgets the history (after maintenance restored the mode).
    public mutating func reset() { bins.removeAll() }

    public var isEmpty: Bool { bins.isEmpty }

    /// The current estimate; nil before the first observation.
    public func estimate() -> Estimate? {
        guard let last = bins.last else { return nil }
        let recentGap = bins.filter { $0.start >= last.start - 2 * 86400 }.map(\.gap).min()
        let limit = recentGap.flatMap { $0.isFinite ? $0 : nil }
        let window = bins.filter { $0.start >= last.start - fitWindow && $0.count > 0 }
        let days = (last.time - (bins.first?.time ?? last.time)) / 86400
        guard window.count >= 4 else {
            return Estimate(level: last.level, levelSD: 1, trend: last.trend, trendSD: abs(last.trend) + 1e-6, offset: nil, limit: limit, days: days)
        }
        let t0 = last.time
        let ts = window.map { $0.time - t0 }
        let xs = window.map(\.level)
        // Linear fit: the rate's standard error.
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
        let sigma = (linearSSE / max(n - 2, 1)).squareRoot()
        let slopeSE = stt > 0 ? sigma / stt.squareRoot() : abs(linearSlope)
        // Exponential-with-offset fits over a grid of offsets; the linear fit is the limit c → ∞.
        let scale = max(abs(xs.max() ?? 1), abs(limit ?? 0), 1)
        var best = (sse: linearSSE, level: xm + linearSlope * (0 - tm), trend: linearSlope, offset: Double?.none)
        for factor in [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5] {
            let c = factor * scale
            guard xs.allSatisfy({ $0 + c > 1e-9 }) else { continue }
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
        let levelSD = (best.sse / max(n - 2, 1)).squareRoot()
        return Estimate(
            level: best.level, levelSD: max(levelSD, 0.05), trend: best.trend, trendSD: max(slopeSE, 0.05 * abs(best.trend)),
            offset: best.offset, limit: limit, days: days)
    }
}
