import Foundation
import TestSupport

/// The demo plant as the operations tests run it: a real mosquitto, a `mosquitto_sub` on the
/// alarm topics, the simulator serving the plant and `prognos run` on a database (no commissioning:
/// these tests need communication and limit alarms, which work before any model is learnt).
/// Everything started is stopped when the fixture goes away, whatever the test's outcome.
final class RunningPlant: @unchecked Sendable {
    let harness: PlantHarness
    let database: String
    private(set) var broker: ChildProcess?
    private(set) var subscriber: ChildProcess?
    private(set) var daemon: ChildProcess?
    private(set) var simulator: ChildProcess?

    /// `database` defaults to a file in the harness's folder.
    init(database: String? = nil) throws {
        let (broker, port) = try Mosquitto.start()
        self.broker = broker
        harness = try PlantHarness(brokerPort: port)
        self.database = database ?? harness.path("prognos.sqlite")
        subscriber = try ChildProcess(
            Executable.path(named: "mosquitto_sub"),
            ["-h", "127.0.0.1", "-p", "\(port)", "-t", "prognos/+/+/alarm", "-v", "-q", "1"],
            outputPath: harness.path("alarms.log"))
    }

    deinit {
        daemon?.stop()
        simulator?.stop()
        subscriber?.stop()
        broker?.stop()
    }

    /// `prognos run` with a short staleness limit, so a silent simulator alarms within seconds.
    func startDaemon(_ arguments: [String] = []) throws {
        daemon = try ChildProcess(
            PrognosBinary.path, ["run", harness.plantPath, "--db", database, "--stale-after", "3"] + arguments,
            outputPath: harness.path("run.log"))
    }

    func startSimulator() throws {
        simulator = try ChildProcess(
            PrognosBinary.path, ["simulate", harness.plantPath, "--speed", "60"],
            outputPath: harness.path("simulate.log"))
    }

    /// Silences every device and MQTT sensor of the plant (its communication alarms follow).
    func stopSimulator() {
        simulator?.stop()
        simulator = nil
    }

    func stopBroker() {
        broker?.stop()
        broker = nil
    }

    var log: String { harness.read("run.log") }

    /// The alarm messages the subscriber received so far.
    var alarms: [DaemonEndToEndTests.AlarmMessage] { DaemonEndToEndTests.alarms(in: harness.read("alarms.log")) }

    /// Whether the subscriber received a transition of `alarm` into `state`.
    func received(_ alarm: String, _ state: String) -> Bool {
        alarms.contains { $0.alarmID == alarm && $0.state == state }
    }

    /// The daemon's log after `mark` (a length of the log read earlier).
    func log(after mark: Int) -> String { String(log.dropFirst(mark)) }

    /// Runs a program to completion (mount, dd, rm); returns its exit status and output.
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], timeout: Double = 60
    ) throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cmd-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try ChildProcess(Executable.path(named: executable), arguments, outputPath: output)
        let status = child.wait(timeout: timeout) ?? child.stop()
        return (status, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }
}
