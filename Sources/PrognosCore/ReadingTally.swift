/// Readings counted by asset and quality: what the daemon took in (`prognos status` shows the
/// total, the metrics each part) and what its bounded queues dropped. Counted in a fixed row per
/// asset, so that on the hot path a reading costs an increment and no allocation.
public struct ReadingTally: Sendable, Equatable {
    /// One count per `Quality.allCases` entry, in that order.
    public struct Row: Sendable, Equatable {
        public var counts = [Int](repeating: 0, count: Quality.allCases.count)
        public var total: Int { counts.reduce(0, +) }
    }

    public private(set) var rows: [String: Row] = [:]
    public private(set) var total = 0

    public init() {}

    /// Counts `readings` of `asset`; returns how many of them were good.
    @discardableResult
    public mutating func count(_ readings: [Reading], asset: String) -> Int {
        var good = 0
        rows[asset, default: Row()].counts.withUnsafeMutableBufferPointer { counts in
            for reading in readings {
                counts[Self.index(of: reading.quality)] += 1
                if reading.quality == .good { good += 1 }
            }
        }
        total += readings.count
        return good
    }

    /// Counts readings of any assets (a dropped batch): a lookup per reading, for paths off the hot one.
    public mutating func count(mixed readings: some Sequence<Reading>) {
        for reading in readings {
            rows[reading.asset, default: Row()].counts[Self.index(of: reading.quality)] += 1
            total += 1
        }
    }

    /// `(asset, quality, count)` for every pair counted at least once, sorted.
    public var entries: [(asset: String, quality: Quality, count: Int)] {
        rows.keys.sorted().flatMap { asset in
            zip(Quality.allCases, rows[asset]!.counts).filter { $0.1 > 0 }.map { (asset, $0.0, $0.1) }
        }
    }

    private static func index(of quality: Quality) -> Int {
        switch quality {
        case .good: 0
        case .commFail: 1
        case .stale: 2
        case .badValue: 3
        case .outOfRange: 4
        }
    }
}
