import Foundation
import PrognosCore
import Store
import TestSupport
import Testing

/// What a plant trusts the daemon with: alerts survive a broker outage and a `kill -9`, the model
/// resumes from its snapshot, and operators' acknowledgements reach subscribers.
@Suite("prognos run recovery", .serialized)
struct DaemonRecoveryTests {
    typealias Alarm = DaemonEndToEndTests.AlarmMessage

    /// A mosquitto with persistence, so a subscriber's session outlives a broker restart.
    static func broker(port: Int, folder: String, log: String) throws -> ChildProcess {
        let config = folder + "/mosquitto.conf"
        try "listener \(port) 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location \(folder)/\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let broker = try ChildProcess(Executable.path(named: "mosquitto"), ["-c", config], outputPath: log)
        guard Loopback.waitUntilListening(port: port) else {
            throw PeerError(message: "mosquitto did not listen on \(port)")
        }
        return broker
    }

    static let scenario = """
        name: recovery
        natural_degradation: false
        events:
          - {at: 10m, asset: pump-101, fault: bearing-wear, time_to_failure: 8h}
          - {at: 20m, asset: compressor-201, fault: filter-clogging, time_to_failure: 10h}
        """

    @Test(
        "Broker outage and kill -9: every alarm transition arrives, in order; the model resumes; acks are published",
        .timeLimit(.minutes(5)))
    func brokerOutageAndKill() async throws {
        let port = Loopback.freePort()
        let harness = try PlantHarness(brokerPort: port)
        var broker = try Self.broker(port: port, folder: harness.directory, log: harness.path("mosquitto.log"))
        defer { broker.stop() }
        let db = harness.path("prognos.sqlite")
        let learn = try PrognosBinary.run(
            ["learn", harness.plantPath, "--db", db, "--from-simulation", "--days", "2", "--speed", "600"], timeout: 180
        )
        #expect(learn.status == 0, "\(learn.output)")
        // The daemon lives by the simulator's clock (600×), as `prognos demo` runs it: its delays
        // and cadences are the machinery's and stretch with it (a 5 s on-delay spans five steps).
        let clockStart = Int(Date().timeIntervalSince1970) + 2
        let clock = ["--clock-speed", "600", "--clock-start", "\(clockStart)"]

        // A persistent-session QoS 1 subscriber, as an alarm management system would run.
        let subscriber = try ChildProcess(
            Executable.path(named: "mosquitto_sub"),
            [
                "-h", "127.0.0.1", "-p", "\(port)", "-t", "prognos/+/+/alarm", "-v", "-q", "1", "-c", "-i",
                "recovery-test",
            ],
            outputPath: harness.path("alarms.log"))
        defer { subscriber.stop() }
        var daemon = try ChildProcess(
            PrognosBinary.path, ["run", harness.plantPath, "--db", db] + clock, outputPath: harness.path("run.log"))
        defer { daemon.stop() }
        let simulator = try ChildProcess(
            PrognosBinary.path,
            [
                "simulate", harness.plantPath, "--speed", "600", "--clock-start", "\(clockStart)", "--scenario",
                try harness.write("scenario.yaml", Self.scenario),
            ],
            outputPath: harness.path("simulate.log"))
        defer { simulator.stop() }
        let received = { Self.alarmsReceived(harness) }
        #expect(
            PlantHarness.wait(timeout: 90) { received().contains { $0.alarmID == "pump-101/deviation" } },
            "first alarm never came")

        // An operator acknowledges through the CLI: the change is published with who did it.
        let ack = try PrognosBinary.run(["alarms", "--db", db, "ack", "pump-101/deviation", "--by", "tester"])
        #expect(ack.status == 0, "\(ack.output)")
        #expect(
            PlantHarness.wait(timeout: 20) {
                received().contains {
                    $0.alarmID == "pump-101/deviation" && $0.state == "acknowledged"
                        && $0.json["actor"] as? String == "tester"
                }
            })

        // The broker goes away while the faults develop; the outbox keeps what is raised meanwhile.
        broker.stop()
        try await Task.sleep(for: .seconds(12))
        broker = try Self.broker(port: port, folder: harness.directory, log: harness.path("mosquitto.log"))

        // kill -9 in the middle of ingesting, then a restart on the same database.
        try await Task.sleep(for: .seconds(3))
        daemon.signal(SIGKILL)
        _ = daemon.wait(timeout: 10)
        let afterKill = try Store.openReadOnly(path: db)
        #expect(try await afterKill.integrityCheck() == ["ok"])
        daemon = try ChildProcess(
            PrognosBinary.path, ["run", harness.plantPath, "--db", db] + clock, outputPath: harness.path("run2.log"))
        #expect(PlantHarness.wait(timeout: 30) { harness.read("run2.log").contains("Restored the world model") })
        #expect(!harness.read("run2.log").contains("learning again"))
        try await Task.sleep(for: .seconds(10))
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 30) == 0)

        // Every transition the store holds reached the subscriber, in the store's order.
        let store = try Store.openReadOnly(path: db)
        #expect(try await store.outboxCount().alerts == 0)
        let history = try await store.alarmHistory(after: 0, limit: 100_000)
        let expected = history.map { Self.eventID(alarm: $0.alarmID, time: $0.time, cause: $0.cause.rawValue) }
        #expect(expected.count >= 3)
        _ = PlantHarness.wait(timeout: 20) { Set(received().map(\.eventID)).isSuperset(of: expected) }
        let arrived = received().map(\.eventID)
        let missing = Set(expected).subtracting(arrived)
        #expect(missing.isEmpty, "never arrived: \(missing.sorted())")
        var firstArrival: [String: Int] = [:]
        for (index, id) in arrived.enumerated() where firstArrival[id] == nil { firstArrival[id] = index }
        let order = expected.compactMap { firstArrival[$0] }
        #expect(order == order.sorted(), "alarm transitions arrived out of order")
        let duplicates = arrived.count - Set(arrived).count
        #expect(duplicates <= 200, "\(duplicates) duplicates: more than the in-flight window")
    }

    static func alarmsReceived(_ harness: PlantHarness) -> [Alarm] {
        DaemonEndToEndTests.alarms(in: harness.read("alarms.log"))
    }

    /// The `event_id` the daemon gives a transition (see docs/mqtt.md).
    static func eventID(alarm: String, time: Double, cause: String) -> String {
        "\(alarm)@\(Int64((time * 1000).rounded()))/\(cause)"
    }
}
