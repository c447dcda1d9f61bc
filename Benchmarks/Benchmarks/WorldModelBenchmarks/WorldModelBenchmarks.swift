import Benchmark
import LinearAlgebra
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
    let freshRows = (0..<fresh.rows).map { fresh.row($0) }
    let fitted = try! AssetModel(sensorNames: names, contextNames: ["load"], history: history)

    // Scoring as the daemon does it per asset and step: update (deviation score, shares, health
    // filter, online calibration) then the 1-step forecast. One benchmark iteration = one step.
    Benchmark(
        "Score one step (update + 1-step forecast), 20 sensors",
        configuration: .init(metrics: [.wallClock, .throughput], scalingFactor: .kilo, maxDuration: .seconds(5))
    ) { benchmark in
        var model = fitted
        var i = 0
        for _ in benchmark.scaledIterations {
            let row = freshRows[i % freshRows.count]
            blackHole(model.update(y: Array(row[0..<m]), u: [row[m]]))
            blackHole(model.forecast(horizon: 1))
            i += 1
        }
    }

    // Fitting one asset on 10,000 steps: baseline, dynamics, covariances, out-of-fold calibration.
    Benchmark(
        "Fit one asset on 10,000 steps, 20 sensors",
        configuration: .init(metrics: [.wallClock], maxDuration: .seconds(10), maxIterations: 10)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! AssetModel(sensorNames: names, contextNames: ["load"], history: history))
        }
    }
}
