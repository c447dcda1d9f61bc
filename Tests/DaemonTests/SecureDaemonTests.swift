import Foundation
import PlantFile
import PrognosCore
import Store
import TestSupport
import Testing

/// The daemon behind a locked-down broker: TLS with server and client certificates, no anonymous
/// clients, a password file and an ACL that confines each account to its topics. The real
/// `prognos run` reads its password from a file named in the plant file; no Modbus device answers,
/// so every asset raises its communication alarm after `--stale-after` seconds, which is the alert
/// the subscribers wait for.
@Suite("prognos run over TLS with credentials and an ACL", .serialized)
struct SecureDaemonTests {
    static let password = "pr0gnos-\(UUID().uuidString.prefix(8))"
    static let passwords = [
        "prognos": password, "gateway": "gateway-pw", "operator": "operator-pw", "intruder": "intruder-pw",
    ]

    /// The ACL: Prognos writes under prognos/ and reads exactly the plant's telemetry topics; the
    /// gateway writes telemetry; the operator reads alerts; the intruder has a valid account and no topic.
    static func acl(telemetry: [String]) -> String {
        """
        user prognos
        topic write prognos/#
        \(telemetry.map { "topic read \($0)" }.joined(separator: "\n"))

        user gateway
        topic write riverside/#

        user operator
        topic read prognos/#

        user intruder

        """
    }

    /// A copy of the demo plant on the secure broker's port, with the broker's credentials and TLS files.
    static func securePlant(_ harness: PlantHarness, _ broker: SecureMosquitto, password: String) throws {
        var text = harness.read("plant.yaml")
        let credentials = """
            client_id: prognos-riverside, username: prognos, \(password), \
            tls: {ca_file: \(broker.file("ca.crt")), cert_file: \(broker.file("prognos.crt")), key_file: \(broker.file("prognos.key"))}}
            """
        text = text.replacingOccurrences(of: "client_id: prognos-riverside}", with: credentials)
        try harness.write("plant.yaml", text)
    }

    @Test(
        "Anonymous and certificate-less clients are refused; an account outside the ACL neither reads alerts nor injects telemetry; Prognos works over TLS",
        .timeLimit(.minutes(3)))
    func lockedDownBroker() async throws {
        let plant = try PlantFileLoader.load(path: Peers.repositoryRoot.appendingPathComponent("Plants/demo.yaml").path)
        let telemetry = Array(Set(plant.assets.flatMap { $0.signals }.compactMap(\.mqttTopic))).sorted()
        #expect(!telemetry.isEmpty)
        let broker = try SecureMosquitto(
            users: Self.passwords, acl: Self.acl(telemetry: telemetry), clients: ["prognos", "client"])
        let harness = try PlantHarness(brokerPort: broker.port)
        let passwordFile = try harness.write("mqtt-password", Self.password + "\n")
        try Self.securePlant(harness, broker, password: "password_file: \(passwordFile)")
        let sub = Executable.path(named: "mosquitto_sub")
        let pub = Executable.path(named: "mosquitto_pub")

        // Refused: no user name, a wrong password, no client certificate.
        for (name, arguments) in [
            ("anonymous", broker.clientArguments(user: nil, password: nil)),
            ("wrong password", broker.clientArguments(user: "operator", password: "guess")),
            ("no client certificate", broker.clientArguments(user: "operator", password: "operator-pw", client: nil)),
        ] {
            let client = try ChildProcess(
                sub, arguments + ["-t", "prognos/#", "-C", "1", "-W", "5"], outputPath: harness.path("\(name).log"))
            let status = client.wait(timeout: 20) ?? client.stop()
            #expect(status != 0, "\(name) was let in: \(harness.read("\(name).log"))")
        }
        #expect(harness.read("anonymous.log").contains("not authorised"), "\(harness.read("anonymous.log"))")

        let operatorSub = try ChildProcess(
            sub,
            broker.clientArguments(user: "operator", password: "operator-pw") + ["-t", "prognos/#", "-v", "-q", "1"],
            outputPath: harness.path("operator.log"))
        defer { operatorSub.stop() }
        let intruderSub = try ChildProcess(
            sub,
            broker.clientArguments(user: "intruder", password: "intruder-pw") + [
                "-t", "prognos/#", "-t", "#", "-v", "-q", "1",
            ],
            outputPath: harness.path("intruder.log"))
        defer { intruderSub.stop() }

        let db = harness.path("prognos.sqlite")
        let daemon = try ChildProcess(
            PrognosBinary.path, ["run", harness.plantPath, "--db", db, "--stale-after", "2", "--log-level", "debug"],
            outputPath: harness.path("run.log"))
        defer { daemon.stop() }

        // An alert reaches the authorised subscriber over TLS.
        let alerted = PlantHarness.wait(timeout: 60) {
            harness.read("operator.log").split(separator: "\n").contains {
                $0.hasPrefix("prognos/riverside/") && $0.contains("/alarm {")
            }
        }
        #expect(
            alerted,
            "no alarm reached the operator; daemon log:\n\(harness.read("run.log").suffix(3000))\nbroker:\n\(broker.log.suffix(2000))"
        )

        // Telemetry: the intruder's value is dropped by the broker, the gateway's arrives.
        let (asset, sensor) = try #require(
            plant.assets.lazy.compactMap { asset in
                asset.signals.first { $0.mqttTopic == "riverside/weather/station-1" }.map { (asset.id, $0.id) }
            }.first)
        func publish(_ user: String, _ password: String, value: Double) throws {
            let now = ISO8601DateFormatter().string(from: Date())
            let client = try ChildProcess(
                pub,
                broker.clientArguments(user: user, password: password)
                    + [
                        "-t", "riverside/weather/station-1", "-q", "1", "-m",
                        #"{"air_temp": \#(value), "time": "\#(now)"}"#,
                    ])
            #expect(client.wait(timeout: 20) == 0)
        }
        try publish("intruder", "intruder-pw", value: 99.5)
        try publish("gateway", "gateway-pw", value: 12.25)
        let store = try Store.openReadOnly(path: db)
        var arrived = false
        for _ in 0..<100 where !arrived {
            arrived = try await store.latestValues(asset: asset).contains { $0.sensor == sensor && $0.value == 12.25 }
            if !arrived { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(arrived, "the gateway's telemetry did not reach Prognos")
        let history = try await store.history(
            asset: asset, sensor: sensor, from: 0, to: Date().timeIntervalSince1970 + 60)
        #expect(!history.raw.isEmpty)
        #expect(!history.raw.contains { $0.value == 99.5 }, "the intruder's telemetry reached Prognos")
        #expect(broker.log.contains("Denied PUBLISH from"), "the broker did not report the intruder's publish")

        // By now alerts and retained states have flowed for seconds: the intruder received none of them.
        #expect(harness.read("operator.log").contains("/state {"))
        // (mosquitto refuses its subscriptions outright; mosquitto_sub may say so, but prints no message.)
        let received = harness.read("intruder.log").split(separator: "\n").filter {
            $0.hasPrefix("prognos/") || $0.hasPrefix("riverside/")
        }
        #expect(received.isEmpty, "the intruder received: \(received.prefix(5))")

        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 30) == 0, "\(harness.read("run.log").suffix(2000))")
        #expect(!harness.read("run.log").contains(Self.password), "the password is in the daemon's log")
        #expect(harness.read("run.log").contains("debug"), "the daemon did not log at debug level")
    }

    @Test(
        "The MQTT password never appears in the output of check, poll or the daemon at debug level, from a file or the environment",
        .timeLimit(.minutes(2)), arguments: ["file", "environment"])
    func secretsStayOutOfOutput(source: String) async throws {
        let plant = try PlantFileLoader.load(path: Peers.repositoryRoot.appendingPathComponent("Plants/demo.yaml").path)
        let telemetry = Array(Set(plant.assets.flatMap { $0.signals }.compactMap(\.mqttTopic))).sorted()
        let broker = try SecureMosquitto(
            users: Self.passwords, acl: Self.acl(telemetry: telemetry), clients: ["prognos", "client"])
        let harness = try PlantHarness(brokerPort: broker.port)
        var environment = ProcessInfo.processInfo.environment
        if source == "file" {
            let passwordFile = try harness.write("mqtt-password", Self.password + "\n")
            try Self.securePlant(harness, broker, password: "password_file: \(passwordFile)")
        } else {
            environment["PROGNOS_TEST_MQTT_PASSWORD"] = Self.password
            try Self.securePlant(harness, broker, password: "password_env: PROGNOS_TEST_MQTT_PASSWORD")
        }
        func run(_ arguments: [String], seconds: Double) throws -> (Int32, String) {
            let log = harness.path("out-\(UUID().uuidString).log")
            let child = try ChildProcess(PrognosBinary.path, arguments, environment: environment, outputPath: log)
            let status = child.wait(timeout: seconds) ?? child.stop()
            return (status, harness.read(URL(fileURLWithPath: log).lastPathComponent))
        }
        let (checkStatus, check) = try run(["check", harness.plantPath], seconds: 30)
        #expect(checkStatus == 0, "\(check)")
        let (_, poll) = try run(
            ["poll", harness.plantPath, "--once", "--wait", "2", "--log-level", "trace", "--format", "json"],
            seconds: 60)
        #expect(poll.contains("\"asset\""), "poll printed no reading: \(poll.prefix(1000))")
        // The daemon runs until it is connected and its first alert is out of the outbox, then stops.
        let db = harness.path("prognos.sqlite")
        let daemon = try ChildProcess(
            PrognosBinary.path, ["run", harness.plantPath, "--db", db, "--stale-after", "2", "--log-level", "trace"],
            environment: environment, outputPath: harness.path("run.log"))
        defer { daemon.stop() }
        #expect(
            PlantHarness.wait(timeout: 60) { harness.read("run.log").contains("MQTT connected") },
            "the daemon never connected: \(broker.log.suffix(1000))")
        var published = false
        for _ in 0..<300 where !published {
            if FileManager.default.fileExists(atPath: db), let store = try? Store.openReadOnly(path: db),
                let alarms = try? await store.alarms(), !alarms.isEmpty, (try? await store.outboxCount().alerts) == 0
            {
                published = true
            } else {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        #expect(published, "no alert was published: \(harness.read("run.log").suffix(2000))")
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 30) == 0)
        for (name, output) in [("check", check), ("poll", poll), ("run", harness.read("run.log"))] {
            #expect(!output.isEmpty, "\(name) printed nothing")
            #expect(!output.contains(Self.password), "the password appears in the output of \(name)")
        }
    }
}

extension Sensor {
    fileprivate var mqttTopic: String? {
        if case .mqtt(let point) = source { return point.topic }
        return nil
    }
}
