import PrognosCore
import Testing

/// Hand-made histories whose alarm-load figures are worked out in the comments.
@Suite struct AlarmLoadTests {
    /// Builds history rows: `activate`, `clear`, `ack`, `shelve`, `unshelve` and `expire` at a time.
    struct History {
        var entries: [AlarmHistoryEntry] = []
        private var states: [String: (state: AlarmState, active: Bool)] = [:]

        mutating func activate(_ id: String, _ time: Double) {
            add(id, time, .conditionActivated, .unacknowledged, active: true)
        }
        mutating func clear(_ id: String, _ time: Double) {
            let state = states[id]?.state ?? .normal
            add(
                id, time, .conditionCleared,
                state == .unacknowledged ? .returnedUnacknowledged : state == .shelved ? .shelved : .normal,
                active: false)
        }
        mutating func ack(_ id: String, _ time: Double) {
            let active = states[id]?.active ?? false
            add(id, time, .acknowledged, active ? .acknowledged : .normal, active: active)
        }
        mutating func shelve(_ id: String, _ time: Double) {
            add(id, time, .shelved, .shelved, active: states[id]?.active ?? false)
        }
        mutating func expire(_ id: String, _ time: Double) {
            add(id, time, .shelveExpired, .normal, active: states[id]?.active ?? false)
        }
        mutating func unshelve(_ id: String, _ time: Double) {
            add(id, time, .unshelved, .normal, active: states[id]?.active ?? false)
        }

        private mutating func add(_ id: String, _ time: Double, _ cause: AlarmCause, _ to: AlarmState, active: Bool) {
            entries.append(
                AlarmHistoryEntry(
                    alarmID: id, asset: String(id.split(separator: "/")[0]), time: time, cause: cause, to: to,
                    active: active))
            states[id] = (to, active)
        }
    }

    /// One hour: a chattering alarm A (100, 130, 150, acknowledged at 160), B (700, acknowledged at 1000),
    /// C (1300, never acknowledged).
    static var quietHour: History {
        var h = History()
        h.activate("a/deviation", 100)
        h.clear("a/deviation", 110)
        h.activate("a/deviation", 130)
        h.clear("a/deviation", 140)
        h.activate("a/deviation", 150)
        h.ack("a/deviation", 160)
        h.activate("b/limit/flow/low", 700)
        h.ack("b/limit/flow/low", 1000)
        h.activate("c/communication", 1300)
        return h
    }

    @Test func ratesTopAndChatteringOfAnHour() throws {
        let report = try AlarmLoadReport(history: Self.quietHour.entries, from: 0, to: 3600, assets: 2)
        #expect(report.annunciations == 5)
        // 5 annunciations in six 10-minute buckets; the first bucket (0–600 s) holds A's three.
        #expect(report.perTenMinutes.average.isApproximatelyEqual(to: 5.0 / 6))
        #expect(report.perTenMinutes.peak == 3)
        #expect(report.perTenMinutes.peakAt == 0)
        #expect(report.perHour == .init(average: 5, peak: 5, peakAt: 0))
        // One hour is 1/24 of a day: 5 × 24 = 120 a day on average.
        #expect(report.perDay.average.isApproximatelyEqual(to: 120))
        // 5 / 2 assets / (3600 s / 604,800 s a week) = 420.
        #expect(try #require(report.perAssetWeek).isApproximatelyEqual(to: 420))
        #expect(report.floods.isEmpty && report.floodShare == 0)
        #expect(report.top.map(\.alarmID) == ["a/deviation", "b/limit/flow/low", "c/communication"])
        #expect(report.top.map(\.annunciations) == [3, 1, 1])
        #expect(report.top[0].share.isApproximatelyEqual(to: 0.6))
        // A: 100, 130, 150 lie within 50 s.
        #expect(report.chattering == [.init(alarmID: "a/deviation", mostInWindow: 3, annunciations: 3)])
    }

    @Test func acknowledgementLatencyIsNearestRank() throws {
        let report = try AlarmLoadReport(history: Self.quietHour.entries, from: 0, to: 3600)
        // A's three annunciations are acknowledged at 160 (60, 30, 10 s), B after 300 s: 10, 30, 60, 300.
        // Median: rank ⌈0.5 × 4⌉ = 2 → 30 s; p90: rank ⌈0.9 × 4⌉ = 4 → 300 s. C is still waiting.
        #expect(report.acknowledgement == .init(acknowledged: 4, unacknowledged: 1, median: 30, p90: 300))
        #expect(report.perAssetWeek == nil)
    }

    @Test func threeAnnunciationsSpreadOverMoreThanAMinuteDoNotChatter() throws {
        var h = History()
        for time in [0.0, 40, 100.5] {
            h.activate("a/deviation", time)
            h.clear("a/deviation", time + 5)
        }
        let report = try AlarmLoadReport(history: h.entries, from: 0, to: 3600)
        // 0 and 40 fall within 60 s, 100.5 does not join either: at most 2 in any minute.
        #expect(report.chattering.isEmpty)
        h.activate("a/deviation", 150)  // 100.5 and 150 within a minute; 40 is 110 s before 150: still 2
        #expect(try AlarmLoadReport(history: h.entries, from: 0, to: 3600).chattering.isEmpty)
        h.clear("a/deviation", 151)
        h.activate("a/deviation", 160.5)  // 100.5, 150, 160.5: exactly 60 s, both ends included
        #expect(try AlarmLoadReport(history: h.entries, from: 0, to: 3600).chattering.map(\.mostInWindow) == [3])
    }

    @Test func floodsAreBucketsWithMoreThanTenAndMergeWhenConsecutive() throws {
        var h = History()
        // Buckets (10 min each, from 0): #1 holds 12, #2 holds 11, #3 exactly 10 (not a flood), #5 holds 11.
        for (bucket, count) in [(1, 12), (2, 11), (3, 10), (5, 11)] {
            for i in 0..<count { h.activate("asset-\(bucket)-\(i)/deviation", Double(bucket) * 600 + Double(i) * 10) }
        }
        let report = try AlarmLoadReport(history: h.entries, from: 0, to: 3600)
        #expect(report.annunciations == 44)
        #expect(
            report.floods == [
                .init(start: 600, end: 1800, annunciations: 23), .init(start: 3000, end: 3600, annunciations: 11),
            ])
        // 1,200 s + 600 s of the hour.
        #expect(report.floodShare.isApproximatelyEqual(to: 0.5))
        #expect(report.perTenMinutes.peak == 12 && report.perTenMinutes.peakAt == 600)
        #expect(report.top.count == 10)
        // Every alarm annunciated once: ties are ordered by id.
        #expect(report.top.first?.alarmID == "asset-1-0/deviation")
    }

    @Test func standingStaleAndShelvedAtThePeriodsEnd() throws {
        var h = History()
        h.activate("s/deviation", 1000)  // standing: active from 1,000 to the end (199,000 s > 24 h)
        h.ack("s/deviation", 2000)
        h.activate("t/deviation", 50_000)  // stale: waiting for acknowledgement since 50,000 (150,000 s)
        h.clear("t/deviation", 60_000)
        h.activate("u/deviation", 150_000)  // 50,000 s: neither
        h.shelve("v/limit/flow/low", 3000)
        h.shelve("w/communication", 4000)
        h.unshelve("w/communication", 5000)
        h.shelve("w/communication", 6000)
        h.expire("w/communication", 7000)
        let report = try AlarmLoadReport(history: h.entries, from: 0, to: 200_000)
        #expect(report.standing == [.init(alarmID: "s/deviation", since: 1000, duration: 199_000)])
        #expect(report.stale == [.init(alarmID: "t/deviation", since: 50_000, duration: 150_000)])
        #expect(report.shelveCommands == 3)
        #expect(report.alarmsShelved == 2)
        #expect(report.shelvedAtEnd == 1)
    }

    @Test func statesAtThePeriodsStartComeFromEarlierHistory() throws {
        var h = History()
        h.activate("x/deviation", 0)
        h.activate("y/deviation", 10)
        h.clear("y/deviation", 20)
        h.ack("y/deviation", 30)
        let report = try AlarmLoadReport(history: h.entries, from: 100_000, to: 200_000)
        // Nothing was annunciated within the period, but x has been active since 0.
        #expect(report.annunciations == 0)
        #expect(report.perTenMinutes == .init(average: 0, peak: 0, peakAt: nil))
        #expect(report.standing.map(\.alarmID) == ["x/deviation"])
        #expect(report.standing.first?.duration == 200_000)
        #expect(report.stale.map(\.alarmID) == ["x/deviation"])
        #expect(report.acknowledgement == .init(acknowledged: 0, unacknowledged: 0, median: nil, p90: nil))
    }

    @Test(arguments: [(0.0, 0.0), (10, 5), (0, .nan), (.infinity, 1)])
    func anEmptyOrReversedPeriodIsRefused(from: Double, to: Double) {
        #expect(throws: AlarmLoadError.self) { try AlarmLoadReport(history: [], from: from, to: to) }
    }
}

extension Double {
    fileprivate func isApproximatelyEqual(to other: Double) -> Bool { abs(self - other) <= 1e-9 * max(1, abs(other)) }
}
