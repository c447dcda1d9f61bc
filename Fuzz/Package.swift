// swift-tools-version: 6.1
// libFuzzer targets for Prognos. A separate package so the main `swift build` never needs libFuzzer.
// Build (from the repository root: `make fuzz`):
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
// Every Swift module (ours and the main package's) is then coverage-instrumented and ASan-checked.
import PackageDescription

let package = Package(
    name: "PrognosFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Prognos", path: "../")],
    targets: [
        // Only declares LLVMFuzzerRunDriver (libclang_rt.fuzzer provides it).
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "FuzzModbus",
            dependencies: [
                "CFuzzDriver", .product(name: "Modbus", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
            ]),
        .executableTarget(
            name: "FuzzPlantFile",
            dependencies: [
                "CFuzzDriver", .product(name: "PlantFile", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
            ]),
        .executableTarget(
            name: "FuzzMQTT",
            dependencies: [
                "CFuzzDriver", .product(name: "MQTT", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
            ]),
        .executableTarget(
            name: "FuzzSparkplug",
            dependencies: [
                "CFuzzDriver", .product(name: "Sparkplug", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
            ]),
        .executableTarget(
            name: "FuzzLayout",
            dependencies: [
                "CFuzzDriver", .product(name: "Dashboard", package: "Prognos"),
                .product(name: "PrognosCore", package: "Prognos"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
