// swift-tools-version: 6.1
// Benchmarks of Prognos, kept out of the main package so that its build and CI never compile them.
// Run with `make bench` (or `swift package benchmark` in this folder).
import PackageDescription

let package = Package(
    name: "PrognosBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Prognos", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "PlantFileBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PlantFile", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
            ],
            path: "Benchmarks/PlantFileBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SimulatorBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Simulator", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
                .product(name: "PlantFile", package: "Prognos"),
                .product(name: "Modbus", package: "Prognos"),
            ],
            path: "Benchmarks/SimulatorBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Store", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
            ],
            path: "Benchmarks/StoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "MQTTBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MQTT", package: "Prognos"),
                .product(name: "Sparkplug", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
                .product(name: "Orchestration", package: "Prognos"),
            ],
            path: "Benchmarks/MQTTBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ModbusBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Modbus", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
                .product(name: "Orchestration", package: "Prognos"),
            ],
            path: "Benchmarks/ModbusBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "WorldModelBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WorldModel", package: "Prognos"),
                .product(name: "LinearAlgebra", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
            ],
            path: "Benchmarks/WorldModelBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DashboardBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Dashboard", package: "Prognos"),
                .product(name: "Store", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
            ],
            path: "Benchmarks/DashboardBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DaemonBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Daemon", package: "Prognos"),
                .product(name: "Telemetry", package: "Prognos"),
                .product(name: "PlantRuntime", package: "Prognos"),
                .product(name: "Store", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
                .product(name: "MQTT", package: "Prognos"),
                .product(name: "Orchestration", package: "Prognos"),
            ],
            path: "Benchmarks/DaemonBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "PlannerBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Planner", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
                .product(name: "WorldModel", package: "Prognos"),
            ],
            path: "Benchmarks/PlannerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "FleetBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Fleet", package: "Prognos"),
                .product(name: "Daemon", package: "Prognos"),
                .product(name: "PlantRuntime", package: "Prognos"),
                .product(name: "Store", package: "Prognos"),
                .product(name: "MQTT", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
                .product(name: "Orchestration", package: "Prognos"),
            ],
            path: "Benchmarks/FleetBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
