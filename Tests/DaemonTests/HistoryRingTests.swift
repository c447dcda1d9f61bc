import Foundation
import PrognosCore
import Testing
import WorldModel

@testable import PlantRuntime

/// The refit history: bounded whatever the uptime, oldest rows dropped first, rows kept in order and
/// in contiguous runs the fit can tell apart.
@Suite struct HistoryRingTests {
    static func row(_ t: Int) -> [Double] { [Double(t), Double(t) + 0.5, -Double(t)] }

    @Test func keepsTheNewestRowsInOrderAndDropsTheOldest() {
        var ring = HistoryRing(width: 3, capacity: 5)
        for t in 0..<12 { ring.append(Self.row(t)) }
        #expect(ring.count == 5)
        #expect((0..<5).map { ring.row($0) } == (7..<12).map(Self.row))
        #expect(ring.elements == (7..<12).flatMap(Self.row))
        #expect(ring.segments == [5])
    }

    @Test func storesFloatsAndIgnoresValuesBeyondItsWidth() {
        var ring = HistoryRing(width: 2, capacity: 3)
        ring.append([0.1, 1e6 + 0.01, 99])
        #expect(ring.row(0) == [Double(Float(0.1)), Double(Float(1e6 + 0.01))])
    }

    @Test func anInterruptionStartsASegment() {
        var ring = HistoryRing(width: 3, capacity: 10)
        for t in 0..<3 { ring.append(Self.row(t)) }
        ring.interrupt()
        for t in 4..<8 { ring.append(Self.row(t)) }
        #expect(ring.segments == [3, 4])
        // Once the first run is overwritten in part, its rest is still a run of its own.
        for t in 8..<12 { ring.append(Self.row(t)) }
        #expect(ring.count == 10 && ring.segments == [2, 8])
        #expect(ring.row(0) == Self.row(1))
    }

    @Test func decimationKeepsOneBlockInEveryStrideAsItsOwnSegment() {
        var ring = HistoryRing(width: 3, capacity: 6, block: 2, stride: 3)
        for t in 0..<18 { ring.append(Self.row(t)) }
        // Blocks of two rows: 0-1 kept, 2-5 skipped, 6-7 kept, 8-11 skipped, 12-13 kept, 14-17 skipped.
        #expect((0..<ring.count).map { ring.row($0)[0] } == [0, 1, 6, 7, 12, 13])
        #expect(ring.segments == [2, 2, 2])
        for t in 18..<20 { ring.append(Self.row(t)) }
        #expect((0..<ring.count).map { ring.row($0)[0] } == [6, 7, 12, 13, 18, 19])
    }

    @Test func removingEverythingStartsAgainAsANewRing() {
        var ring = HistoryRing(width: 3, capacity: 6, block: 2, stride: 3)
        for t in 0..<9 { ring.append(Self.row(t)) }
        ring.removeAll()
        #expect(ring.count == 0 && ring.segments.isEmpty)
        // The decimation counts from the next row again, as in a ring made now.
        var fresh = HistoryRing(width: 3, capacity: 6, block: 2, stride: 3)
        for t in 20..<30 {
            ring.append(Self.row(t))
            fresh.append(Self.row(t))
        }
        #expect(ring.elements == fresh.elements)
        #expect(ring.segments == fresh.segments)
    }

    @Test func aRefitGetsTheNewestHealthyRowsOldestFirst() throws {
        var runtime = RuntimeTests.trained(steps: 100) {
            $0.refitInterval = 150
            $0.historySpan = 120
            $0.historyCapacity = 120
        }
        var noise = SplitMix64(seed: 3)
        var request: RefitRequest?
        var rows: [[Double]] = []
        var t = 100
        while request == nil, t < 1_000 {
            let speed = 1200 + 300 * sin(Double(t) / 20)
            let temp = 30 + speed / 100 + noise.nextGaussian() * 0.3
            let vib = 2 + noise.nextGaussian() * 0.1
            var output = RuntimeOutput()
            runtime.ingest(
                RuntimeTests.readings(at: Double(t), temp: temp, vib: vib, speed: speed, hours: Double(t)),
                into: &output)
            if output.batch.deviations.last?.flagged == false { rows.append([temp, vib, speed]) }
            request = output.refits.first { $0.model != nil }
            t += 1
        }
        let history = try #require(request?.history)
        #expect(history.count == 120 && history.segments.reduce(0, +) == 120)
        let newest = rows.suffix(120).map { $0.map { Double(Float($0)) } }
        #expect((0..<history.count).map { history.row($0) } == Array(newest))
    }

    /// At one step a second, 600 training steps are ten minutes: the first fit waits for a span of
    /// the plant's running time, and keeps blocks of consecutive rows spread over all of it.
    @Test func aModelLearntLiveWaitsForItsTrainingSpanAndSeesAllOfIt() throws {
        var configuration = RuntimeConfiguration()
        configuration.trainingSpan = 3_600
        configuration.historyCapacity = 720
        configuration.historyBlock = 20
        var runtime = AssetRuntime(asset: RuntimeTests.asset, site: "test", configuration: configuration, now: 0)
        var fitAt: Int?
        var request: RefitRequest?
        for t in 0..<4_000 where fitAt == nil {
            var output = RuntimeOutput()
            let speed = 1200 + 300 * sin(Double(t) / 200)
            runtime.ingest(
                RuntimeTests.readings(
                    at: Double(t), temp: 30 + speed / 100, vib: 2 + Double(t) / 10_000, speed: speed, hours: Double(t)),
                into: &output)
            if let first = output.refits.first {
                (fitAt, request) = (t, first)
            }
        }
        #expect(configuration.trainingStepsInEffect == 3_600)
        #expect(fitAt == 3_599)
        let history = try #require(request?.history)
        // 3,600 rows in 720: a block of 20 consecutive rows out of every 100, from the first to the last.
        #expect(history.count == 720)
        #expect(history.segments == [Int](repeating: 20, count: 36))
        // The step a row was taken at, from its vibration (2 + t / 10,000).
        func step(_ k: Int) -> Int { Int(((history.row(k)[1] - 2) * 10_000).rounded()) }
        #expect(step(0) == 0)
        #expect(step(history.count - 1) == 3_519)
    }

    /// A refit learns the healthy steps that were flagged without an alarm (the tail its thresholds
    /// are calibrated on), not the steps of an active deviation alarm.
    @Test func aRefitKeepsAFlaggedStepButNotAnAlarmedStretch() throws {
        // A refit asked at every step once 400 healthy rows are kept (the trained runtime's
        // `trainingSteps`).
        var runtime = RuntimeTests.trained {
            $0.refitInterval = 1
            $0.historySpan = 500
            $0.historyCapacity = 500
        }
        var noise = SplitMix64(seed: 4)
        var request: RefitRequest?
        var temperatures: [Int: Double] = [:]
        for t in 400..<900 {
            // One step 1.5 K warm at 450 (five spreads: flagged for that step, shorter than the 5 s
            // on-delay), a stretch 10 K hot from 850 (raised 5 s in, active to the end).
            let speed = 1200 + 300 * sin(Double(t) / 20)
            let offset = t == 450 ? 1.5 : t >= 850 ? 10 : 0
            let temp = 30 + speed / 100 + offset + noise.nextGaussian() * 0.3
            var output = RuntimeOutput()
            runtime.ingest(
                RuntimeTests.readings(
                    at: Double(t), temp: temp, vib: 2 + noise.nextGaussian() * 0.1, speed: speed, hours: Double(t)),
                into: &output)
            if t == 450 { #expect(output.batch.deviations.last?.flagged == true) }
            temperatures[t] = temp
            request = output.refits.last { $0.model != nil } ?? request
        }
        let history = try #require(request?.history)
        let kept = Set((0..<history.count).map { Float(history.row($0)[0]) })
        #expect(kept.contains(Float(temperatures[450] ?? 0)), "the flagged step at 450")
        #expect(kept.contains(Float(temperatures[852] ?? 0)), "flagged, not yet alarmed")
        #expect(!kept.contains(Float(temperatures[860] ?? 0)), "alarmed")
        #expect(!kept.contains(Float(temperatures[899] ?? 0)), "alarmed")
    }
}
