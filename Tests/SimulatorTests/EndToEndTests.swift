import Foundation
import PrognosCore
import TestSupport
import Testing

@testable import Simulator

/// `prognos simulate` as a newcomer runs it, watched by clients nobody here wrote.
/// Waits until the simulator listens on `port`; fails at once (with its output) if it exited.
func waitUntilServing(_ process: ChildProcess, port: Int, log: String, timeout: Double = 20) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if Loopback.isListening(port: port) { return true }
        if !process.isRunning {
            Issue.record("prognos simulate exited: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            return false
        }
        usleep(20_000)
    }
    return false
}

@Suite("prognos simulate end to end", .serialized)
struct EndToEndTests {
    /// A copy of the demo plant whose devices and broker use free loopback ports (a text rewrite:
    /// the plant file loader has no writer), so the test runs next to a running demo.
    func plantCopy(in directory: TemporaryDirectory, brokerPort: Int) throws -> (path: String, ports: [String: Int]) {
        var text = try String(contentsOfFile: demoPlantPath, encoding: .utf8)
        var ports: [String: Int] = [:]
        for device in demoPlant.devices {
            guard case .tcp(_, let port) = device.transport else { continue }
            let free = Loopback.freePort()
            text = text.replacingOccurrences(of: "tcp: \"127.0.0.1:\(port)\"", with: "tcp: \"127.0.0.1:\(free)\"")
            ports[device.id] = free
        }
        text = text.replacingOccurrences(
            of: "host: 127.0.0.1, port: 1883,", with: "host: 127.0.0.1, port: \(brokerPort),")
        let path = directory.path("plant.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, ports)
    }

    @Test("Served plant read by pymodbus, mosquitto_sub and prognos poll", .timeLimit(.minutes(3)))
    func servedPlant() throws {
        let directory = try TemporaryDirectory()
        let (broker, brokerPort) = try Mosquitto.start()
        defer { broker.stop() }
        let (plantPath, ports) = try plantCopy(in: directory, brokerPort: brokerPort)
        let truthPath = directory.path("truth.csv")
        let log = directory.path("simulate.log")
        let simulator = try ChildProcess(
            PrognosBinary.path,
            [
                "simulate", plantPath, "--speed", "600", "--seed", "3", "--no-degradation", "--truth", truthPath,
                "--start", "2025-06-01T08:00:00Z",
            ],
            outputPath: log)
        defer { simulator.stop() }
        for (device, port) in ports.sorted(by: { $0.key < $1.key }) {
            try #require(waitUntilServing(simulator, port: port, log: log), "\(device) listens on \(port)")
        }

        // pymodbus: every Modbus point of the plant, several connections at once.
        let plant = demoPlant
        var spec: [[String: Any]] = []
        for asset in plant.assets {
            for signal in asset.signals {
                guard case .modbus(let point) = signal.source else { continue }
                spec.append([
                    "name": "\(asset.id).\(signal.id)", "port": ports[point.device]!, "unit": Int(point.unitID),
                    "function": point.function.rawValue, "address": Int(point.address), "type": point.dataType.rawValue,
                    "order": point.wordOrder.rawValue, "scale": point.scale, "offset": point.offset,
                ])
            }
        }
        let specPath = directory.path("spec.json")
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
        let script = Peers.repositoryRoot.appendingPathComponent("Tests/SimulatorTests/Peers/read_plant.py").path
        let pythonLog = directory.path("python.json")
        let python = try ChildProcess(Peers.python, [script, specPath], outputPath: pythonLog)
        #expect(
            python.wait(timeout: 30) == 0,
            "pymodbus reader: \((try? String(contentsOfFile: pythonLog, encoding: .utf8)) ?? "")")
        let output = try String(contentsOfFile: pythonLog, encoding: .utf8)
        let values = try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "pymodbus output: \(output)")
        #expect(values.count == 140)
        for asset in plant.assets {
            for sensor in asset.sensors {
                guard case .modbus = sensor.source, let normal = sensor.normal else { continue }
                let name = "\(asset.id).\(sensor.id)"
                guard let value = values[name] as? Double else {
                    Issue.record("\(name): \(values[name] ?? "missing")")
                    continue
                }
                // Healthy, so inside the normal range; fans may be on their scheduled night stop (0).
                let margin = 0.1 * (normal.upperBound - normal.lowerBound)
                let inside = value >= normal.lowerBound - margin && value <= normal.upperBound + margin
                #expect(
                    inside || (asset.type == "fan" && value <= normal.upperBound),
                    "\(name) = \(value) against \(normal)")
            }
        }

        // mosquitto_sub: the retained sensor topics.
        let subLog = directory.path("sub.txt")
        let sub = try ChildProcess(
            Executable.path(named: "mosquitto_sub"),
            ["-h", "127.0.0.1", "-p", String(brokerPort), "-t", "riverside/#", "-v", "-C", "9", "-W", "20"],
            outputPath: subLog)
        #expect(sub.wait(timeout: 30) == 0)
        let lines = try String(contentsOfFile: subLog, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 9)
        let topics = Set(lines.compactMap { $0.split(separator: " ", maxSplits: 1).first.map(String.init) })
        #expect(topics.contains("riverside/weather/station-1"))
        #expect(topics.contains("riverside/iiot/fan-201/vibration"))
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 1)
            let json = try #require(parts.count == 2 ? parts[1] : nil)
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            #expect(object != nil && (object?["ts"] != nil || object?["time"] != nil), "\(line)")
        }

        // prognos poll: every sensor of the plant with quality good.
        let poll = try PrognosBinary.run(["poll", plantPath, "--once", "--format", "json", "--wait", "5"], timeout: 30)
        #expect(poll.status == 0, "\(poll.output)")
        let readings = poll.output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(readings.count == 161, "\(poll.output.prefix(2000))")
        let bad = readings.filter { ($0["quality"] as? String) != "good" }
        #expect(bad.isEmpty, "\(bad.prefix(5))")

        simulator.stop()
        let truth = try String(contentsOfFile: truthPath, encoding: .utf8)
        #expect(truth.hasPrefix(TruthLog.header))
        let simulateLog = try String(contentsOfFile: log, encoding: .utf8)
        #expect(simulateLog.contains("prognos simulate: riverside, 15 assets, seed 3"))
    }

    @Test(
        "A scenario's fault onset and failure are logged and written to the truth file as they happen",
        .timeLimit(.minutes(3)))
    func scenarioTruth() throws {
        let directory = try TemporaryDirectory()
        let (plantPath, _) = try plantCopy(in: directory, brokerPort: Loopback.freePort())
        let scenario = directory.path("fast.yaml")
        try """
        name: fast
        natural_degradation: false
        events:
          - {at: 1m, asset: pump-301, fault: seal-leak, time_to_failure: 20m}
          - {at: 2m, device: plc-mixing, down: 1m}
        """.write(toFile: scenario, atomically: true, encoding: .utf8)
        let truthPath = directory.path("truth.csv")
        let log = directory.path("simulate.log")
        let simulator = try ChildProcess(
            PrognosBinary.path,
            [
                "simulate", plantPath, "--speed", "1200", "--seed", "4", "--duration", "40m", "--scenario", scenario,
                "--truth", truthPath,
                "--no-mqtt",
            ],
            outputPath: log)
        defer { simulator.stop() }
        // At 1200× the 40 simulated minutes last about 2 s: the run's exit and its files are the
        // evidence (watching for the listening port raced that short window on a loaded machine).
        #expect(simulator.wait(timeout: 60) == 0, "ends after 40 simulated minutes")
        let truth = try String(contentsOfFile: truthPath, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(truth.first == TruthLog.header)
        #expect(truth.contains { $0.hasPrefix("60,") && $0.contains(",fault-onset,pump-301,seal-leak,") })
        #expect(truth.contains { $0.contains(",failure,pump-301,seal-leak,") })
        #expect(truth.contains { $0.hasPrefix("120,") && $0.contains(",device-down,,plc-mixing,") })
        #expect(truth.contains { $0.hasPrefix("180,") && $0.contains(",device-up,,plc-mixing,") })
        let output = try String(contentsOfFile: log, encoding: .utf8)
        #expect(output.contains("failure: pump-301 seal-leak"))
        #expect(output.contains("fault-onset: pump-301 seal-leak"))
    }

    @Test("prognos simulate --export writes one C-MAPSS-like file per asset type", .timeLimit(.minutes(3)))
    func export() throws {
        let directory = try TemporaryDirectory()
        let result = try PrognosBinary.run(
            [
                "simulate", demoPlantPath, "--export", directory.path("fleet"), "--units", "1", "--seed", "2",
                "--cycle", "6h",
            ], timeout: 50)
        #expect(result.status == 0, "\(result.output)")
        for type in ["centrifugal_pump", "induction_motor", "air_compressor", "fan", "gearbox"] {
            let text = try String(contentsOfFile: directory.path("fleet/\(type).csv"), encoding: .utf8)
            let lines = text.split(separator: "\n")
            #expect(lines.first?.hasPrefix("unit,hour,") == true)
            #expect(lines.first?.hasSuffix(",failure_hour,failure_mode") == true)
            #expect(lines.count > 10, "\(type): \(lines.count) lines")
            #expect(
                lines.last?.split(separator: ",").last.map { !$0.isEmpty && Double($0) == nil } == true,
                "a failure mode ends \(type)")
        }
    }
}
