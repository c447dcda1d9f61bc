import Foundation
import PrognosCore
import Testing
import WorldModel

@testable import PlantRuntime

/// What the runtime hands the store per step (docs/schema.md, the write rule per table): every
/// sensor's deviation share only for a flagged step, the stored forecast horizons, and a health row
/// when the mode's estimate moves or a minute of the readings' clock after the last one.
@Suite struct WriteRuleTests {
    typealias Pump = RuntimeTests

    static func healthy(_ runtime: inout AssetRuntime, from start: Int, steps: Int, into output: inout RuntimeOutput) {
        var noise = SplitMix64(seed: UInt64(start))
        for t in start..<(start + steps) {
            let speed = 1200 + 300 * sin(Double(t) / 20)
            runtime.ingest(
                Pump.readings(
                    at: Double(t), temp: 30 + speed / 100 + noise.nextGaussian() * 0.3,
                    vib: 2 + noise.nextGaussian() * 0.1, speed: speed, hours: Double(t)), into: &output)
        }
    }

    @Test func aHealthyStepStoresOnlyItsLargestSharesAFlaggedOneEverySensors() throws {
        for kept in [0, 1] {
            var runtime = Pump.trained { $0.sharesStoredWhenHealthy = kept }  // every step stored
            var output = RuntimeOutput()
            Self.healthy(&runtime, from: 400, steps: 50, into: &output)
            let healthy = output.batch.deviations.filter { !$0.flagged }
            #expect(healthy.count >= 45)
            #expect(healthy.allSatisfy { $0.shares.count == kept })
            if kept == 1, let step = healthy.last, let latest = runtime.latest {
                #expect(step.shares.first?.share == latest.sensorShares.max())
            }
            output = RuntimeOutput()
            runtime.ingest(Pump.readings(at: 450, temp: 45, vib: 9, speed: 1200, hours: 450), into: &output)
            let flagged = try #require(output.batch.deviations.last)
            #expect(flagged.flagged)
            #expect(flagged.shares.map(\.sensor).sorted() == ["temp", "vib"])
        }
    }

    @Test func unflaggedStepsAreStoredAsTheLargestScoreOfEachMinuteFlaggedOnesAsTheyCome() throws {
        let every = RuntimeConfiguration().unflaggedDeviationEvery
        #expect(every == 60)
        var runtime = Pump.trained { $0.unflaggedDeviationEvery = every }
        var output = RuntimeOutput()
        var scores: [Double: Double] = [:]
        // 400…599 s of the readings' clock: minutes 6 to 9, the first and the last in part.
        for t in 400..<600 {
            Self.healthy(&runtime, from: t, steps: 1, into: &output)
            let latest = try #require(runtime.latest)
            try #require(!latest.flagged, "a healthy step at \(t)")
            scores[Double(t)] = latest.score
        }
        // One row per minute that has ended (minute 9 is still open): its largest score, at its time,
        // with the largest shares (both modelled sensors: fewer than `sharesStoredWhenHealthy`).
        let rows = output.batch.deviations
        let minutes = Dictionary(grouping: scores.filter { $0.key < 540 }) { ($0.key / every).rounded(.down) }
        #expect(rows.map { ($0.time / every).rounded(.down) } == minutes.keys.sorted())
        for row in rows {
            let largest = try #require(minutes[(row.time / every).rounded(.down)]?.max { $0.value < $1.value })
            #expect(!row.flagged && row.time == largest.key && row.score == largest.value)
            #expect(row.steps == minutes[(row.time / every).rounded(.down)]?.count)
            #expect(row.shares.count == 2)
        }

        // A flagged step hands over the open minute first (rows stay in time order) and is stored at
        // once; so is the first unflagged step after it: the newest row shows the return to normal.
        output = RuntimeOutput()
        runtime.ingest(Pump.readings(at: 600, temp: 45, vib: 9, speed: 1200, hours: 600), into: &output)
        #expect(output.batch.deviations.map(\.flagged) == [false, true])
        #expect(
            output.batch.deviations.map(\.time) == [
                scores.filter { $0.key >= 540 }.max { $0.value < $1.value }!.key, 600,
            ])
        var firstUnflagged: Double?
        output = RuntimeOutput()
        for t in 601..<660 {
            Self.healthy(&runtime, from: t, steps: 1, into: &output)
            if firstUnflagged == nil, runtime.latest?.flagged == false { firstUnflagged = Double(t) }
        }
        let first = try #require(firstUnflagged)
        #expect(output.batch.deviations.first { !$0.flagged }?.time == first)
        let times = output.batch.deviations.map(\.time)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func forecastsAreStoredAtEveryThirdHorizonAndTheLast() {
        var runtime = Pump.trained()
        var output = RuntimeOutput()
        Self.healthy(&runtime, from: 400, steps: 40, into: &output)
        let runs = Dictionary(grouping: output.batch.forecasts, by: \.madeAt)
        #expect(runs.count >= 3)
        for run in runs.values {
            let steps = Set(run.map { (($0.targetTime - $0.madeAt) / runtime.stepSpacing).rounded() })
            #expect(steps == [3, 6, 9, 12])
            #expect(run.count == 4 * 2)
        }
    }

    @Test func healthIsStoredOnceAMinuteOfTheReadingsClockWhileItHoldsStill() throws {
        var runtime = Pump.trained {
            $0.healthStoredChange = .infinity
            $0.rulStoredChange = .infinity
        }
        var output = RuntimeOutput()
        Self.healthy(&runtime, from: 400, steps: 300, into: &output)
        let times = output.batch.health.map(\.time)
        #expect(times.count >= 4 && times.count <= 6, "\(times)")
        for (a, b) in zip(times, times.dropFirst()) {
            #expect(b - a >= 60 && b - a <= 60 + runtime.configuration.assessEvery, "\(times)")
        }

        // Never by the clock: only the first estimate, the mode held still.
        var still = Pump.trained {
            $0.healthStoredEvery = .infinity
            $0.healthStoredChange = .infinity
            $0.rulStoredChange = .infinity
        }
        output = RuntimeOutput()
        Self.healthy(&still, from: 400, steps: 300, into: &output)
        #expect(output.batch.health.count == 1)
    }

    @Test func aHealthRowIsStoredWhenTheEstimateMovesMaterially() {
        let runtime = Pump.trained()
        let last = HealthRecord(
            asset: "pump-1", failureMode: "bearing-wear", time: 1_000, health: 0.9, rulMedian: 1e6, state: .degrading)
        func after(_ seconds: Double, _ change: (inout HealthRecord) -> Void = { _ in }) -> HealthRecord {
            var next = last
            next.time += seconds
            change(&next)
            return next
        }
        #expect(runtime.shouldStore(last, after: nil))
        #expect(!runtime.shouldStore(after(30), after: last))
        #expect(runtime.shouldStore(after(60), after: last))
        #expect(!runtime.shouldStore(after(10) { $0.health = 0.895 }, after: last))
        #expect(runtime.shouldStore(after(10) { $0.health = 0.88 }, after: last))
        #expect(!runtime.shouldStore(after(10) { $0.rulMedian = 0.98e6 }, after: last))
        #expect(runtime.shouldStore(after(10) { $0.rulMedian = 0.9e6 }, after: last))
        #expect(runtime.shouldStore(after(10) { $0.rulMedian = nil }, after: last))
        #expect(runtime.shouldStore(after(10) { $0.state = .failed }, after: last))
    }
}
