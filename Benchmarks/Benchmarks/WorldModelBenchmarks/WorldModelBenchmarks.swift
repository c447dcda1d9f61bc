import Benchmark
import LinearAlgebra
import PrognosCore
import WorldModel

/// A synthetic asset of 20 sensors (a stable VAR(1) with correlated noise) and one context input.
func syntheticHistory(steps: Int, sensors m: Int = 20, seed: UInt64 = 1) -> Matrix {
    var rng = SplitMix64(seed: seed)
    var e = [Double](repeating: 0, count: m)
    var rows: [Double] = []
    rows.reserveCapacity(steps * (m + 1))
    for t in 0..<steps {
        let load = 0.5 + 0.4 * Double((t / 200) % 2)
        let common = rng.nextGaussian()
        for j in 0..<m { e[j] = 0.7 * e[j] + 0.5 * common + rng.nextGaussian() }
        for j in 0..<m { rows.append(50 + Double(j) + 20 * load + e[j]) }
        rows.append(load)
    }
    return Matrix(rows: steps, cols: m + 1, elements: rows)
}

let benchmarks: @Sendable () -> Void = {
    BLASThreads.useSingleThread()
    let m = 20
    let names = (0..<m).map { "s\($0)" }
    let history = syntheticHistory(steps: 10_000)
    let fresh = syntheticHistory(steps: 5_000, seed: 2)
    // Inputs split once: the daemon hands the model its sensor and context arrays as they come.
    let freshSensors = (0..<fresh.rows).map { Array(fresh.row($0)[0..<m]) }
    let freshContext = (0..<fresh.rows).map { [fresh.row($0)[m]] }
    let fitted = try! AssetModel(sensorNames: names, contextNames: ["load"], history: history)
    let scoring: [BenchmarkMetric] = [.wallClock, .cpuTotal, .throughput, .mallocCountTotal]

    // Scoring as the daemon does it per asset and step: update (deviation score, shares, health
    // filter, online calibration) then the 1-step forecast. One benchmark iteration = one step.
    // First through the API that returns fresh arrays every step…
    Benchmark(
        "Score one step (update + 1-step forecast), 20 sensors, new arrays per step",
        configuration: .init(metrics: scoring, scalingFactor: .kilo, maxDuration: .seconds(5))
    ) { benchmark in
        var model = fitted
        var i = 0
        for _ in benchmark.scaledIterations {
            let k = i % freshSensors.count
            blackHole(model.update(y: freshSensors[k], u: freshContext[k]))
            blackHole(model.forecast(horizon: 1))
            i += 1
        }
    }

    // …then through the one that reuses the caller's result and forecast (no allocation per step).
    Benchmark(
        "Score one step (update + 1-step forecast), 20 sensors, reused result",
        configuration: .init(metrics: scoring, scalingFactor: .kilo, maxDuration: .seconds(5))
    ) { benchmark in
        var model = fitted
        var result = StepResult()
        var step = ForecastStep()
        var i = 0
        for _ in benchmark.scaledIterations {
            let k = i % freshSensors.count
            model.update(y: freshSensors[k], u: freshContext[k], into: &result)
            model.forecast(horizon: 1, into: &step)
            blackHole(result.score)
            blackHole(step.median[0])
            i += 1
        }
    }

    // Fitting one asset on 10,000 steps: baseline, dynamics, covariances, out-of-fold calibration.
    Benchmark(
        "Fit one asset on 10,000 steps, 20 sensors",
        configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(10), maxIterations: 10)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! AssetModel(sensorNames: names, contextNames: ["load"], history: history))
        }
    }
}
