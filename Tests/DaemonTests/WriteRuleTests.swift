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
            var runtime = Pump.trained { $0.sharesStoredWhenHealthy = kept }
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
