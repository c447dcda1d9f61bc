/// One row of an alarm's history, as the alarm-load figures need it (the store's `alarm_history`).
public struct AlarmHistoryEntry: Sendable, Equatable {
    public var alarmID: String
    public var asset: String
    /// Seconds since 1970 (UTC).
    public var time: Double
    public var cause: AlarmCause
    public var to: AlarmState
    /// Whether the (debounced) condition held after this transition.
    public var active: Bool

    public init(alarmID: String, asset: String, time: Double, cause: AlarmCause, to: AlarmState, active: Bool) {
        self.alarmID = alarmID
        self.asset = asset
        self.time = time
        self.cause = cause
        self.to = to
        self.active = active
    }

    /// An annunciation: the condition became active and the alarm now asks for an operator.
    /// Re-activation before acknowledgement counts again; acknowledgements, shelving and
    /// returns to normal do not.
    public var isAnnunciation: Bool { cause == .conditionActivated && to == .unacknowledged }
}

/// The EEMUA 191 / ISA-18.2 alarm-load figures of a period, computed from alarm history.
///
/// Rates use fixed buckets aligned on the period's start (10 min, 1 h, 1 day); a bucket cut short
/// by the period's end counts as a whole one for the peak and by its length for the average. A
/// flood is a 10-minute bucket with more than `floodThreshold` annunciations; consecutive flooded
/// buckets form one flood period. An alarm chatters when `chatterCount` of its annunciations fall
/// within `chatterWindow` seconds. At the period's end an alarm is *standing* when its condition has
/// held for longer than `staleAfter`, and *stale* when it has waited for acknowledgement that long.
/// Percentiles are nearest-rank (p50 of 1, 2, 3, 4 is 2), so every figure can be checked by hand.
public struct AlarmLoadReport: Sendable, Equatable, Codable {
    public struct Rate: Sendable, Equatable, Codable {
        /// Annunciations per bucket, averaged over the period.
        public var average: Double
        /// The most annunciations in one bucket.
        public var peak: Int
        /// Start of the first bucket with the peak (nil when there was no annunciation).
        public var peakAt: Double?

        public init(average: Double, peak: Int, peakAt: Double?) {
            self.average = average
            self.peak = peak
            self.peakAt = peakAt
        }
    }

    public struct Flood: Sendable, Equatable, Codable {
        public var start: Double
        public var end: Double
        public var annunciations: Int

        public init(start: Double, end: Double, annunciations: Int) {
            self.start = start
            self.end = end
            self.annunciations = annunciations
        }
    }

    public struct AlarmCount: Sendable, Equatable, Codable {
        public var alarmID: String
        public var annunciations: Int
        /// Share of all annunciations of the period.
        public var share: Double

        public init(alarmID: String, annunciations: Int, share: Double) {
            self.alarmID = alarmID
            self.annunciations = annunciations
            self.share = share
        }
    }

    public struct Chattering: Sendable, Equatable, Codable {
        public var alarmID: String
        /// The most annunciations of this alarm within one chatter window.
        public var mostInWindow: Int
        public var annunciations: Int

        public init(alarmID: String, mostInWindow: Int, annunciations: Int) {
            self.alarmID = alarmID
            self.mostInWindow = mostInWindow
            self.annunciations = annunciations
        }
    }

    public struct Lasting: Sendable, Equatable, Codable {
        public var alarmID: String
        public var since: Double
        /// Seconds from `since` to the period's end.
        public var duration: Double

        public init(alarmID: String, since: Double, duration: Double) {
            self.alarmID = alarmID
            self.since = since
            self.duration = duration
        }
    }

    public struct Latency: Sendable, Equatable, Codable {
        /// Annunciations acknowledged within the period.
        public var acknowledged: Int
        /// Annunciations not acknowledged by the period's end.
        public var unacknowledged: Int
        public var median: Double?
        public var p90: Double?

        public init(acknowledged: Int, unacknowledged: Int, median: Double?, p90: Double?) {
            self.acknowledged = acknowledged
            self.unacknowledged = unacknowledged
            self.median = median
            self.p90 = p90
        }
    }

    public struct Settings: Sendable, Equatable, Codable {
        public var floodThreshold = 10
        public var chatterCount = 3
        public var chatterWindow: Double = 60
        public var staleAfter: Double = 86_400
        public var top = 10
        public init() {}
    }

    public var from: Double
    public var to: Double
    public var assets: Int?
    public var annunciations: Int
    public var perTenMinutes: Rate
    public var perHour: Rate
    public var perDay: Rate
    /// Annunciations per asset and 7 days (nil without an asset count).
    public var perAssetWeek: Double?
    public var floods: [Flood]
    /// Share of the period spent in flood, 0…1.
    public var floodShare: Double
    public var top: [AlarmCount]
    public var chattering: [Chattering]
    public var standing: [Lasting]
    public var stale: [Lasting]
    /// Shelve commands within the period, the distinct alarms they shelved, and alarms shelved at its end.
    public var shelveCommands: Int
    public var alarmsShelved: Int
    public var shelvedAtEnd: Int
    public var acknowledgement: Latency
    public var settings: Settings

    /// Figures for `from ..< to` (`to` included) from `history`, which may start earlier (the states
    /// at `from` are reconstructed from it) and must be in recording order. `assets` gives the
    /// per-asset-week rate. Throws when the period is empty or reversed.
    public init(
        history: [AlarmHistoryEntry], from: Double, to: Double, assets: Int? = nil, settings: Settings = Settings()
    ) throws(AlarmLoadError) {
        guard from.isFinite, to.isFinite, to > from else {
            throw AlarmLoadError(message: "the period must end after it starts")
        }
        self.from = from
        self.to = to
        self.assets = assets
        self.settings = settings
        let inPeriod = history.filter { $0.time >= from && $0.time <= to }
        let annunciated = inPeriod.filter(\.isAnnunciation)
        let count = annunciated.count
        annunciations = count
        let times = annunciated.map(\.time)
        perTenMinutes = Self.rate(times, from: from, to: to, bucket: 600)
        perHour = Self.rate(times, from: from, to: to, bucket: 3600)
        perDay = Self.rate(times, from: from, to: to, bucket: 86_400)
        perAssetWeek = assets.flatMap { $0 > 0 ? Double(count) / Double($0) / ((to - from) / 604_800) : nil }
        let floods = Self.floods(times, from: from, to: to, threshold: settings.floodThreshold)
        self.floods = floods
        floodShare = floods.reduce(0) { $0 + ($1.end - $1.start) } / (to - from)

        var byAlarm: [String: [Double]] = [:]
        for entry in annunciated { byAlarm[entry.alarmID, default: []].append(entry.time) }
        let total = Double(max(count, 1))
        top = byAlarm.map {
            AlarmCount(alarmID: $0.key, annunciations: $0.value.count, share: Double($0.value.count) / total)
        }
        .sorted { ($0.annunciations, $1.alarmID) > ($1.annunciations, $0.alarmID) }
        .prefix(settings.top).map { $0 }
        chattering = byAlarm.compactMap { id, times in
            let most = Self.mostWithin(settings.chatterWindow, times.sorted())
            return most >= settings.chatterCount
                ? Chattering(alarmID: id, mostInWindow: most, annunciations: times.count) : nil
        }.sorted { ($0.mostInWindow, $1.alarmID) > ($1.mostInWindow, $0.alarmID) }

        let states = Self.states(history.filter { $0.time <= to })
        func lasting(_ since: KeyPath<AlarmPointState, Double?>) -> [Lasting] {
            states.compactMap { id, state in
                guard let start = state[keyPath: since], to - start > settings.staleAfter else { return nil }
                return Lasting(alarmID: id, since: start, duration: to - start)
            }.sorted { ($0.since, $0.alarmID) < ($1.since, $1.alarmID) }
        }
        standing = lasting(\.activeSince)
        stale = lasting(\.waitingSince)
        let shelves = inPeriod.filter { $0.cause == .shelved }
        shelveCommands = shelves.count
        alarmsShelved = Set(shelves.map(\.alarmID)).count
        shelvedAtEnd = states.values.filter { $0.state == .shelved }.count
        acknowledgement = Self.latency(inPeriod)
    }

    // MARK: - Pieces

    static func rate(_ times: [Double], from: Double, to: Double, bucket: Double) -> Rate {
        var counts: [Int: Int] = [:]
        for time in times { counts[Int(((time - from) / bucket).rounded(.down)), default: 0] += 1 }
        let peak = counts.max { ($0.value, $1.key) < ($1.value, $0.key) }
        return Rate(
            average: Double(times.count) / ((to - from) / bucket), peak: peak?.value ?? 0,
            peakAt: peak.map { from + Double($0.key) * bucket })
    }

    static func floods(_ times: [Double], from: Double, to: Double, threshold: Int) -> [Flood] {
        var counts: [Int: Int] = [:]
        for time in times { counts[Int(((time - from) / 600).rounded(.down)), default: 0] += 1 }
        var floods: [Flood] = []
        for index in counts.keys.sorted() where counts[index]! > threshold {
            let start = from + Double(index) * 600
            let end = min(start + 600, to)
            if let last = floods.last, last.end == start {
                floods[floods.count - 1].end = end
                floods[floods.count - 1].annunciations += counts[index]!
            } else {
                floods.append(Flood(start: start, end: end, annunciations: counts[index]!))
            }
        }
        return floods
    }

    /// The most of the sorted `times` within any `window` seconds (both ends included).
    static func mostWithin(_ window: Double, _ times: [Double]) -> Int {
        var most = 0
        var first = 0
        for last in times.indices {
            while times[last] - times[first] > window { first += 1 }
            most = max(most, last - first + 1)
        }
        return most
    }

    struct AlarmPointState {
        var state: AlarmState = .normal
        /// Since when the condition has held (nil when it does not).
        var activeSince: Double?
        /// Since when the alarm has waited for acknowledgement (nil when it does not).
        var waitingSince: Double?
    }

    /// Each alarm's state after the last of its `history` rows.
    static func states(_ history: [AlarmHistoryEntry]) -> [String: AlarmPointState] {
        var states: [String: AlarmPointState] = [:]
        for entry in history {
            var point = states[entry.alarmID] ?? AlarmPointState()
            point.state = entry.to
            point.activeSince = entry.active ? (point.activeSince ?? entry.time) : nil
            point.waitingSince = entry.to.needsAttention ? (point.waitingSince ?? entry.time) : nil
            states[entry.alarmID] = point
        }
        return states
    }

    /// Seconds from each annunciation in `history` to the next acknowledgement of the same alarm.
    static func latency(_ history: [AlarmHistoryEntry]) -> Latency {
        // A re-activation before acknowledgement is answered by the same acknowledgement.
        var waiting: [String: [Double]] = [:]
        var delays: [Double] = []
        for entry in history {
            if entry.isAnnunciation {
                waiting[entry.alarmID, default: []].append(entry.time)
            } else if entry.cause == .acknowledged, let since = waiting.removeValue(forKey: entry.alarmID) {
                delays += since.map { entry.time - $0 }
            }
        }
        let unacknowledged = waiting.values.reduce(0) { $0 + $1.count }
        delays.sort()
        return Latency(
            acknowledged: delays.count, unacknowledged: unacknowledged,
            median: nearestRank(0.5, delays), p90: nearestRank(0.9, delays))
    }
}

/// The nearest-rank percentile of sorted `values`: the smallest value with at least `p` of them at or below it.
func nearestRank(_ p: Double, _ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let rank = Int((p * Double(values.count)).rounded(.up))
    return values[min(max(rank, 1), values.count) - 1]
}

public struct AlarmLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
