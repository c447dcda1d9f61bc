// swift-tools-version: 6.1
// Prognos: predictive maintenance for industrial plants. See README.md and docs/architecture.md (module map, allowed imports).
import PackageDescription

let package = Package(
    name: "Prognos",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "prognos", targets: ["prognos"]),
        .library(name: "PrognosCore", targets: ["PrognosCore"]),
        .library(name: "PlantFile", targets: ["PlantFile"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "WorldModel", targets: ["WorldModel"]),
        .library(name: "Modbus", targets: ["Modbus"]),
        .library(name: "MQTT", targets: ["MQTT"]),
        .library(name: "Sparkplug", targets: ["Sparkplug"]),
        .library(name: "Simulator", targets: ["Simulator"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "PlantRuntime", targets: ["PlantRuntime"]),
        .library(name: "Daemon", targets: ["Daemon"]),
        .library(name: "Telemetry", targets: ["Telemetry"]),
        .library(name: "Commissioning", targets: ["Commissioning"]),
        .library(name: "Planner", targets: ["Planner"]),
        .library(name: "PolicyEvaluation", targets: ["PolicyEvaluation"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Dashboard", targets: ["Dashboard"]),
        .library(name: "Fleet", targets: ["Fleet"]),
        // Starting real programs beside Prognos: the demo's children, and the benchmarks' peers.
        .library(name: "Orchestration", targets: ["Orchestration"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The Sparkplug B payload's generated code needs the runtime only; the protoc plugin is built
        // once by `make sparkplug-proto`, never by this package.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // System libraries: each is imported by exactly one Swift module.
        .systemLibrary(name: "CModbus", pkgConfig: "libmodbus"),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto"),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
        // glibc's allocator controls (<malloc.h>, not in the Glibc module): the daemon hands freed pages back.
        .systemLibrary(name: "CMalloc"),

        // The core: domain types, records and rules; no I/O.
        .target(name: "PrognosCore"),
        .target(name: "PlantFile", dependencies: ["PrognosCore", .product(name: "Yams", package: "Yams")]),
        .target(name: "LinearAlgebra", dependencies: ["CBLAS"]),
        // The data sets under Data/ are gzip files; this reads them (and plain files) for eval and tests.
        .target(name: "Gzip", dependencies: ["CZlib"]),
        // A simulator and a daemon taking turns on one clock (the demo's deterministic report).
        .target(name: "Lockstep"),

        // Pure computation: world models, the planner, the per-asset runtime.
        .target(name: "WorldModel", dependencies: ["PrognosCore", "LinearAlgebra"]),
        .target(name: "Planner", dependencies: ["PrognosCore", "WorldModel"]),
        .target(name: "PlantRuntime", dependencies: ["PrognosCore", "WorldModel", "Planner", "LinearAlgebra"]),

        // Adapters: each wraps one outside thing and imports no other adapter.
        .target(
            name: "Modbus", dependencies: ["CModbus", "PrognosCore", .product(name: "Logging", package: "swift-log")]),
        // Sparkplug B: topics, payloads (generated from Proto/sparkplug_b.proto) and the host's state
        // machine; pure, no I/O.
        .target(
            name: "Sparkplug", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Proto"]),
        .target(
            name: "MQTT",
            dependencies: [
                "CMosquitto", "PrognosCore", "Sparkplug", .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "Store", dependencies: ["PrognosCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // The daemon's Prometheus metrics and its health endpoint (`--metrics`, the plant file's `metrics:`).
        .target(
            name: "Telemetry",
            dependencies: ["PrognosCore", .product(name: "Prometheus", package: "swift-prometheus")]),

        // Composition: the daemon, its commissioning, the simulator, the evaluation, the views.
        .target(
            name: "Daemon",
            dependencies: [
                "PrognosCore", "PlantFile", "WorldModel", "PlantRuntime", "Modbus", "MQTT", "Store", "Planner",
                "Lockstep", "Telemetry", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Simulator",
            dependencies: [
                "PrognosCore", "Modbus", "MQTT", "Lockstep", .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "Commissioning",
            dependencies: ["PrognosCore", "PlantRuntime", "WorldModel", "Simulator", "Store", "Modbus"]),
        .target(name: "PolicyEvaluation", dependencies: ["PrognosCore", "WorldModel", "Planner", "Simulator"]),
        // The world model measured on public data (`prognos eval cmapss|anomalies|forecast`): readers and harnesses.
        .target(name: "Evaluation", dependencies: ["PrognosCore", "WorldModel", "LinearAlgebra", "Gzip"]),
        .target(name: "Dashboard", dependencies: ["PrognosCore", "Store", .product(name: "Yams", package: "Yams")]),
        // The fleet service: alarms, states and plans from a central MQTT broker into PostgreSQL.
        .target(
            name: "Fleet",
            dependencies: [
                "PrognosCore", "MQTT", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Real programs beside Prognos (mosquitto, PostgreSQL, child processes): the demo and the tests.
        .target(name: "Orchestration"),
        // `prognos demo`: broker, simulator, daemon and dashboard as children, or a report in turns.
        .target(
            name: "Demo",
            dependencies: [
                "PrognosCore", "PlantFile", "Commissioning", "Dashboard", "Lockstep", "MQTT", "Orchestration", "Store",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "prognos",
            dependencies: [
                "PrognosCore", "PlantFile", "WorldModel", "Modbus", "MQTT", "Simulator", "Store", "PlantRuntime",
                "Daemon",
                "Commissioning",
                "Planner", "PolicyEvaluation", "Evaluation", "Dashboard", "Fleet", "Demo", "Lockstep", "LinearAlgebra",
                "Telemetry",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A simulated month of a pump plant on disk, bounded by retention (`make retention-month`): a
        // measurement tool and the records of its test, never linked into the product.
        .target(
            name: "PlantMonth", dependencies: ["PrognosCore", "Store", .product(name: "GRDB", package: "GRDB.swift")]),
        .executableTarget(name: "RetentionMonth", dependencies: ["PlantMonth", "PrognosCore"]),
        // Real peers and the repository's files for tests: a test-only target, never linked into the product.
        .target(name: "TestSupport", dependencies: ["Orchestration"]),

        .testTarget(name: "PrognosCoreTests", dependencies: ["PrognosCore"]),
        .testTarget(
            name: "PlantFileTests", dependencies: ["PlantFile", "PrognosCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CModbus", "CMosquitto", "CBLAS"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "Store", "PrognosCore"], exclude: ["Peers"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "PrognosCore"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "WorldModel", "LinearAlgebra"]),
        .testTarget(name: "WorldModelTests", dependencies: ["WorldModel", "PrognosCore", "LinearAlgebra", "Gzip"]),
        .testTarget(name: "ModbusTests", dependencies: ["Modbus", "PrognosCore", "TestSupport"], exclude: ["Peers"]),
        .testTarget(name: "MQTTTests", dependencies: ["MQTT", "PrognosCore", "Sparkplug", "TestSupport"]),
        .testTarget(name: "SparkplugTests", dependencies: ["Sparkplug"]),
        .testTarget(
            name: "SimulatorTests",
            dependencies: ["Simulator", "PrognosCore", "PlantFile", "Modbus", "MQTT", "TestSupport"],
            exclude: ["Peers"]),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "Daemon", "PlantRuntime", "Commissioning", "Planner", "PrognosCore", "PlantFile", "WorldModel", "Store",
                "MQTT", "Simulator",
                "TestSupport",
            ]
        ),
        .testTarget(
            name: "PlannerTests",
            dependencies: ["Planner", "PolicyEvaluation", "PrognosCore", "WorldModel", "PlantFile", "Simulator"]),
        .testTarget(
            name: "DashboardTests", dependencies: ["Dashboard", "Store", "PrognosCore", "TestSupport"],
            resources: [.copy("Golden")]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "PrognosCore", "TestSupport", "PlantMonth"]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "PrognosCore", "TestSupport"]),
        // The fault-injection suite (issue 10): real daemon, simulator and broker in a network namespace.
        // `make faults` runs the long scenarios (PROGNOS_FAULTS=1); `make test` the short ones.
        .testTarget(
            name: "FaultTests",
            dependencies: [
                "Daemon", "PlantRuntime", "PrognosCore", "PlantFile", "Store", "MQTT", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Peers"]),
        .testTarget(
            name: "FleetTests",
            dependencies: [
                "Fleet", "Dashboard", "Daemon", "PlantRuntime", "Planner", "Store", "MQTT", "PrognosCore",
                "TestSupport", "WorldModel",
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Golden")]),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
