import Foundation
import Logging
import Modbus
import PrognosCore
import Synchronization
import TestSupport

/// Builds small plants for the collector tests: one asset per device, one sensor per point.
enum Fixtures {
    struct Signal {
        var id: String
        var point: ModbusPoint
        var normal: ClosedRange<Double>? = nil
    }

    static func plant(_ devices: [(ModbusDevice, [Signal])]) -> Plant {
        let assets = devices.map { device, signals in
            Asset(
                id: "asset-\(device.id)", name: device.id, type: "test", areaID: "area", lineID: "line",
                sensors: signals.map { Sensor(id: $0.id, unit: "1", normal: $0.normal, source: .modbus($0.point)) })
        }
        return Plant(
            site: Site(id: "site", name: "Test site"),
            areas: [Area(id: "area", name: "Area", lines: [Line(id: "line", name: "Line", assets: assets)])],
            devices: devices.map(\.0), brokers: [], actions: [],
            economics: Economics(downtimeCostPerHour: 0, failureCost: 0, crewCapacity: 1, windows: []))
    }

    static func tcp(
        _ id: String, port: Int, interval: Duration = .milliseconds(100), timeout: Duration = .milliseconds(200)
    )
        -> ModbusDevice
    {
        ModbusDevice(id: id, transport: .tcp(host: "127.0.0.1", port: port), pollInterval: interval, timeout: timeout)
    }

    /// A logger that keeps what it is told, so tests can count fault messages.
    static func capturingLogger(_ label: String = "test") -> (Logger, LogCapture) {
        let capture = LogCapture()
        var logger = Logger(label: label) { _ in CapturingHandler(capture: capture) }
        logger.logLevel = .debug
        return (logger, capture)
    }

    /// Waits (without blocking a pool thread) until `condition` holds; false after `timeout`.
    static func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    /// Runs a blocking call on a thread of its own, so tests never block Swift's two pool threads.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}

/// A sink that keeps every batch it is given.
final class CollectingSink: ReadingSink {
    private let batches = Mutex<[[Reading]]>([])

    func deliver(_ readings: [Reading]) { batches.withLock { $0.append(readings) } }

    var all: [[Reading]] { batches.withLock { $0 } }
    var readings: [Reading] { all.flatMap { $0 } }
    func readings(asset: String) -> [Reading] { readings.filter { $0.asset == asset } }
    func clear() { batches.withLock { $0.removeAll() } }
}

final class LogCapture: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }
    private let entries = Mutex<[Entry]>([])
    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    var all: [Entry] { entries.withLock { $0 } }
    func count(_ level: Logger.Level, containing text: String) -> Int {
        all.filter { $0.level == level && $0.message.contains(text) }.count
    }
}

struct CapturingHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        capture.append(
            .init(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}

/// The pymodbus peer (Tests/ModbusTests/Peers/pymodbus_server.py) on a free loopback port.
final class PymodbusPeer {
    struct Manifest: Decodable {
        struct Point: Decodable {
            var table: String
            var address: Int
            var type: String
            var order: String
            var raw: Double
        }
        var unit: UInt8
        var points: [Point]
    }

    let process: ChildProcess
    let port: Int
    let manifest: Manifest

    static let script = Peers.repositoryRoot.appendingPathComponent("Tests/ModbusTests/Peers/pymodbus_server.py").path
    static let clientScript = Peers.repositoryRoot.appendingPathComponent("Tests/ModbusTests/Peers/pymodbus_client.py")
        .path

    /// Fails clearly when the test venv is missing.
    static func requireVenv() throws {
        guard FileManager.default.isExecutableFile(atPath: Peers.python) else {
            throw PeerError(
                message:
                    "no test venv Python at \(Peers.python): run `make test` (it creates .venv with pymodbus 3.16.1)")
        }
    }

    init() throws {
        try Self.requireVenv()
        let port = Loopback.freePort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "prognos-modbus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let manifestPath = directory.appendingPathComponent("manifest.json").path
        let process = try ChildProcess(
            Peers.python, [Self.script, "--port", String(port), "--manifest", manifestPath],
            outputPath: directory.appendingPathComponent("peer.log").path)
        guard Loopback.waitUntilListening(port: port, timeout: 15) else {
            process.stop()
            let log =
                (try? String(contentsOfFile: directory.appendingPathComponent("peer.log").path, encoding: .utf8)) ?? ""
            throw PeerError(message: "pymodbus peer did not listen on port \(port): \(log)")
        }
        self.process = process
        self.port = port
        self.manifest = try JSONDecoder().decode(
            Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
    }

    deinit { process.stop() }
}
