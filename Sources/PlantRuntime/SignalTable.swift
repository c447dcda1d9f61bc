import PrognosCore

/// The latest good value of each of an asset's signals, with when it last was good.
struct SignalTable: Sendable {
    let ids: [String]
    private let index: [String: Int]
    private(set) var values: [Double]
    private(set) var lastGood: [Double?]
    /// When the last good value arrived, on the daemon's steady clock (or its timestamp when no
    /// arrival time is given): silence is measured on this, so a step of the wall clock is not one.
    private(set) var lastReceived: [Double?]
    private(set) var lastQuality: [Quality?]
    /// How long each signal may go without a good reading before it is silent (its device's polls).
    var silenceAllowed: [Double] {
        didSet { precondition(silenceAllowed.count == ids.count) }
    }

    init(ids: [String], silenceAllowed: [Double]) {
        precondition(ids.count == silenceAllowed.count)
        self.ids = ids
        self.silenceAllowed = silenceAllowed
        index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        values = [Double](repeating: .nan, count: ids.count)
        lastGood = [Double?](repeating: nil, count: ids.count)
        lastReceived = [Double?](repeating: nil, count: ids.count)
        lastQuality = [Quality?](repeating: nil, count: ids.count)
    }

    func position(of id: String) -> Int? { index[id] }

    /// Records a reading that arrived at `receivedAt` (steady clock; nil: its own timestamp); only
    /// good, finite values replace the latest value.
    mutating func record(_ reading: Reading, receivedAt: Double? = nil) -> Int? {
        guard let i = index[reading.sensor] else { return nil }
        lastQuality[i] = reading.quality
        if reading.quality == .good, let value = reading.value, value.isFinite {
            values[i] = value
            lastGood[i] = max(lastGood[i] ?? reading.timestamp, reading.timestamp)
            let arrival = receivedAt ?? reading.timestamp
            lastReceived[i] = max(lastReceived[i] ?? arrival, arrival)
        }
        return i
    }

    /// Signals whose last good value arrived longer than their `silenceAllowed` before `now` (same
    /// clock as the arrival times); a signal that never had one counts from `since` (when the table
    /// started listening), so a start-up is not a silence.
    func stale(at now: Double, since: Double = -.infinity) -> [Int] {
        ids.indices.filter { i in now - (lastReceived[i] ?? since) > silenceAllowed[i] }
    }

    /// Whether every signal's last good value arrived at most `maxAge` before `now`: the model steps
    /// only on values that fresh, whatever a slow device's polls allow the communication alarm.
    func allFresh(at now: Double, maxAge: Double) -> Bool {
        ids.indices.allSatisfy { i in now - (lastReceived[i] ?? -.infinity) <= maxAge }
    }
}
