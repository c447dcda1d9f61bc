import Foundation
import PrognosCore
import Store
import TestSupport
import Testing

/// The daemon as a plant runs it: the real binary against the simulator serving the demo plant
/// over Modbus and MQTT, a real mosquitto, and `mosquitto_sub` listening as a subscriber would.
@Suite("prognos run end to end", .serialized)
struct DaemonEndToEndTests {
    /// One alarm message as `mosquitto_sub -v` prints it.
    struct AlarmMessage {
        var topic: String
        var json: [String: Any]
        var alarmID: String { json["alarm_id"] as? String ?? "" }
        var eventID: String { json["event_id"] as? String ?? "" }
        var state: String { json["state"] as? String ?? "" }
        var sensors: [String] { json["sensors"] as? [String] ?? [] }
    }

    static func alarms(in output: String) -> [AlarmMessage] {
        output.split(separator: "\n").compactMap { line in
            guard let space = line.firstIndex(of: " ") else { return nil }
            let payload = Data(line[line.index(after: space)...].utf8)
            guard let json = try? JSONSerialization.jsonObject(with: payload) as? [String: Any] else { return nil }
            return AlarmMessage(topic: String(line[..<space]), json: json)
        }
    }

    /// The wall time of the first truth event of `kind` on `asset`, from the simulator's truth CSV.
    static func truthTime(_ csv: String, event kind: String, asset: String) -> Date? {
        for line in csv.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 5, fields[3] == kind, fields[4] == asset else { continue }
            // sim_time: the daemon lives by the simulator's clock, so its alarms are stamped in it.
            return ISO8601DateFormatter.withFractions.date(from: fields[1])
        }
        return nil
    }

    static let scenario = """
        name: bearing-and-dark-device
        natural_degradation: false
        events:
          - {at: 10m, asset: pump-101, fault: bearing-wear, time_to_failure: 8h}
          - {at: 20m, device: energy-meters, down: 4h}
        """

    @Test(
        "A bearing fault alarms before failure naming its sensors; a dark device raises and clears its communication alarm",
        .timeLimit(.minutes(4)))
    func bearingFaultAndDarkDevice() async throws {
        let (broker, brokerPort) = try Mosquitto.start()
        defer { broker.stop() }
        let harness = try PlantHarness(brokerPort: brokerPort)
        let db = harness.path("prognos.sqlite")
        let scenario = try harness.write("scenario.yaml", Self.scenario)

        let learn = try PrognosBinary.run(
            ["learn", harness.plantPath, "--db", db, "--from-simulation", "--days", "2", "--speed", "600"], timeout: 180
        )
        #expect(learn.status == 0, "\(learn.output)")
        // The daemon lives by the simulator's clock (600×), as `prognos demo` runs it: its delays
        // and cadences are the machinery's and stretch with it (a 5 s on-delay spans five steps).
        let clockStart = Int(Date().timeIntervalSince1970) + 2
        let clock = ["--clock-speed", "600", "--clock-start", "\(clockStart)"]

        let subscriber = try ChildProcess(
            Executable.path(named: "mosquitto_sub"),
            ["-h", "127.0.0.1", "-p", "\(brokerPort)", "-t", "prognos/+/+/alarm", "-v", "-q", "1"],
            outputPath: harness.path("alarms.log"))
        defer { subscriber.stop() }
        let daemon = try ChildProcess(
            PrognosBinary.path, ["run", harness.plantPath, "--db", db, "--stale-after", "6"] + clock,
            outputPath: harness.path("run.log"))
        defer { daemon.stop() }
        let simulator = try ChildProcess(
            PrognosBinary.path,
            [
                "simulate", harness.plantPath, "--speed", "600", "--clock-start", "\(clockStart)", "--scenario",
                scenario, "--truth", harness.path("truth.csv"),
            ],
            outputPath: harness.path("simulate.log"))
        defer { simulator.stop() }

        // The fault: pump-101's deviation alarm, naming a bearing sensor, before the simulated failure.
        let detected = PlantHarness.wait(timeout: 90) {
            Self.alarms(in: harness.read("alarms.log")).contains {
                $0.alarmID == "pump-101/deviation" && $0.state == "unacknowledged"
            }
        }
        #expect(detected, "no deviation alarm for pump-101; daemon log:\n\(harness.read("run.log").suffix(3000))")
        let bearingSensors: Set = ["vibration_de", "vibration_nde", "bearing_temp_de", "bearing_temp_nde"]
        if let alarm = Self.alarms(in: harness.read("alarms.log")).first(where: { $0.alarmID == "pump-101/deviation" })
        {
            #expect(!bearingSensors.isDisjoint(with: alarm.sensors), "named \(alarm.sensors)")
            let raised = ISO8601DateFormatter.withFractions.date(from: alarm.json["time"] as? String ?? "")
            // The failure comes later (or not yet at all): the alarm came first.
            _ = PlantHarness.wait(timeout: 90) {
                Self.truthTime(harness.read("truth.csv"), event: "failure", asset: "pump-101") != nil
            }
            if let raised, let failure = Self.truthTime(harness.read("truth.csv"), event: "failure", asset: "pump-101")
            {
                #expect(raised < failure, "alarm at \(raised), failure at \(failure)")
            }
        }

        // The dark energy-meter gateway: a communication alarm on an asset it serves, cleared once it answers again.
        let communication = { (state: String) in
            Self.alarms(in: harness.read("alarms.log")).contains {
                $0.alarmID == "pump-102/communication" && $0.state == state
            }
        }
        #expect(
            PlantHarness.wait(timeout: 60) { communication("unacknowledged") },
            "no communication alarm while energy-meters was dark")
        #expect(
            PlantHarness.wait(timeout: 60) { communication("returned-unacknowledged") },
            "the communication alarm did not clear")

        // A healthy asset raises no deviation alarm in all this time.
        #expect(!Self.alarms(in: harness.read("alarms.log")).contains { $0.alarmID == "pump-103/deviation" })

        // SIGTERM drains, flushes and exits 0; every transition in the store reached the subscriber.
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 30) == 0, "\(harness.read("run.log").suffix(2000))")
        let store = try Store.openReadOnly(path: db)
        #expect(try await store.integrityCheck() == ["ok"])
        #expect(try await store.outboxCount().alerts == 0)
        let delivered = Set(Self.alarms(in: harness.read("alarms.log")).map(\.alarmID))
        for alarm in try await store.alarms() where alarm.raisedAt != nil {
            #expect(delivered.contains(alarm.id), "\(alarm.id) never reached the subscriber")
        }
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let withFractions: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}
