import Benchmark
import Foundation
import PlantFile
import PrognosCore

/// Loading and validating the demo plant (YAML parse, every check, register merge), as `prognos check` does.
let benchmarks: @Sendable () -> Void = {
    let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Plants/demo.yaml").path
    let text = try! String(contentsOfFile: demo, encoding: .utf8)

    Benchmark(
        "Load and validate Plants/demo.yaml",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(5))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! PlantFileLoader.load(yaml: text, file: demo))
        }
    }

    let plant = try! PlantFileLoader.load(yaml: text, file: demo)
    Benchmark(
        "Merge the demo plant's Modbus requests", configuration: .init(metrics: [.wallClock], maxDuration: .seconds(3))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ModbusPollPlan.requests(for: plant))
        }
    }
}
