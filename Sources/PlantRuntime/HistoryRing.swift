/// A bounded history of model rows (sensors then context) in one flat `Float` buffer, for fits and
/// refits: its memory is `capacity × width × 4` bytes plus a byte a row, whatever the uptime.
///
/// It keeps blocks of `block` consecutive rows out of every `stride × block` rows offered, so that
/// `capacity` rows span `stride` times as many steps (a refit sees the operating conditions of the
/// whole span, not only of the last minutes) while the dynamics, fitted on pairs of consecutive rows,
/// still see consecutive rows. Where rows are not consecutive (a block skipped, or steps not offered:
/// flagged, stopped, stale) a new segment starts; `segments` tells the fit, which never pairs the
/// last row of one segment with the first of the next. When full, the oldest row is overwritten.
public struct HistoryRing: Sendable {
    public let width: Int
    public let capacity: Int
    public let block: Int
    public let stride: Int
    private var values: [Float]
    /// Per stored row (by slot): whether it starts a segment.
    private var starts: [Bool]
    private var oldest = 0
    public private(set) var count = 0
    /// Rows offered since the ring was made or emptied (decides which block a row falls in).
    public private(set) var offered = 0
    /// The next stored row starts a segment (nothing stored yet, or a gap since the last one).
    private var gap = true

    /// `stride` 1 keeps every row offered.
    public init(width: Int, capacity: Int, block: Int = 1, stride: Int = 1) {
        precondition(width > 0 && capacity > 0 && block > 0 && stride > 0)
        self.width = width
        self.capacity = capacity
        self.block = block
        self.stride = stride
        values = [Float](repeating: 0, count: width * capacity)
        starts = [Bool](repeating: false, count: capacity)
    }

    /// Offers the next row (`width` values, or more: the rest is ignored); kept or skipped by the
    /// decimation.
    public mutating func append(_ row: [Double]) {
        precondition(row.count >= width, "HistoryRing.append: a row of \(row.count) values, \(width) expected")
        defer { offered += 1 }
        guard stride == 1 || (offered / block) % stride == 0 else {
            gap = true
            return
        }
        let slot: Int
        if count < capacity {
            slot = (oldest + count) % capacity
            count += 1
        } else {
            slot = oldest
            oldest = (oldest + 1) % capacity
        }
        values.withUnsafeMutableBufferPointer { buffer in
            for j in 0..<width { buffer[slot * width + j] = Float(row[j]) }
        }
        starts[slot] = gap
        gap = false
    }

    /// The step after the last row offered was not offered: the next row starts a segment.
    public mutating func interrupt() { gap = true }

    /// Forgets every row (the buffer stays allocated); the decimation starts again from the next row.
    public mutating func removeAll() {
        oldest = 0
        count = 0
        offered = 0
        gap = true
    }

    /// The rows, oldest first, as doubles (row-major, `count × width`).
    public var elements: [Double] {
        var out = [Double]()
        out.reserveCapacity(count * width)
        for k in 0..<count {
            let slot = (oldest + k) % capacity
            for j in 0..<width { out.append(Double(values[slot * width + j])) }
        }
        return out
    }

    /// Row `k` (0: oldest) as doubles.
    public func row(_ k: Int) -> [Double] {
        precondition(k >= 0 && k < count)
        let slot = (oldest + k) % capacity
        return (0..<width).map { Double(values[slot * width + $0]) }
    }

    /// Lengths of the contiguous runs, oldest first; they add up to `count`. The oldest row starts
    /// a run even if it continued one whose start has been overwritten.
    public var segments: [Int] {
        var out: [Int] = []
        for k in 0..<count {
            if k == 0 || starts[(oldest + k) % capacity] { out.append(0) }
            out[out.count - 1] += 1
        }
        return out
    }
}
