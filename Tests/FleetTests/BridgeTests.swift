import Fleet
import Foundation
import TestSupport
import Testing

@Suite("prognos deploy bridge: the plant broker's bridge to the central broker", .serialized)
struct BridgeTests {
    @Test("The configuration forwards prognos/# at QoS 1 with a persistent session and a disk queue")
    func text() throws {
        let text = try BridgeConfiguration(
            site: "riverside", centralHost: "central.example", centralPort: 8883, caFile: "/etc/ca.crt",
            certFile: "/etc/c.crt",
            keyFile: "/etc/c.key", username: "riverside", password: "s3cret"
        ).text()
        let lines = Set(text.split(separator: "\n").map(String.init))
        for line in [
            "connection prognos-riverside", "address central.example:8883", "topic prognos/# out 1",
            "cleansession false",
            "persistence true", "max_queued_messages 1000000", "bridge_cafile /etc/ca.crt",
            "bridge_certfile /etc/c.crt",
            "bridge_keyfile /etc/c.key", "remote_username riverside", "remote_password s3cret",
        ] {
            #expect(lines.contains(line), "missing: \(line)")
        }
    }

    @Test(
        "Settings mosquitto would refuse or misread are refused with a reason",
        arguments: [
            (BridgeConfiguration(site: "a b", centralHost: "h", centralPort: 1883), "not usable"),
            (BridgeConfiguration(site: "a", centralHost: "h", centralPort: 0), "not 1-65535"),
            (
                BridgeConfiguration(site: "a", centralHost: "h", centralPort: 1883, caFile: "/ca", certFile: "/c"),
                "needs its key"
            ),
            (
                BridgeConfiguration(site: "a", centralHost: "h", centralPort: 1883, certFile: "/c", keyFile: "/k"),
                "needs TLS"
            ),
            (BridgeConfiguration(site: "a", centralHost: "h", centralPort: 1883, password: "p"), "needs a user name"),
            (BridgeConfiguration(site: "a", centralHost: "h\nlistener 1", centralPort: 1883), "line break"),
        ])
    func refused(configuration: BridgeConfiguration, reason: String) {
        let error = #expect(throws: BridgeConfiguration.Invalid.self) {
            try configuration.text()
        }
        #expect(error?.description.contains(reason) == true, "\(String(describing: error))")
    }

    @Test(
        "The CLI writes the file 0600 with the password from its file, and a real mosquitto runs it",
        .timeLimit(.minutes(3)))
    func acceptedByMosquitto() throws {
        let folder = try TemporaryFolder()
        let password = try folder.write("password", "bridge-secret\n")
        let out = folder.path("bridge.conf")
        let result = try PrognosBinary.run([
            "deploy", "bridge", "--plant", Peers.repositoryRoot.appendingPathComponent("Plants/demo.yaml").path,
            "--central",
            "127.0.0.1:\(Loopback.freePort())", "--username", "riverside", "--password-file", password, "--out", out,
            "--persistence-location", folder.path("") + "/",
        ])
        #expect(result.status == 0, "\(result.output)")
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("remote_password bridge-secret\n") && text.contains("connection prognos-riverside"))

        let broker = try MosquittoBroker(folder: folder.path("plant"), bridge: text)
        defer { broker.stop() }
        #expect(broker.process.isRunning, "mosquitto refused the configuration:\n\(broker.log)")
        #expect(PlantHarness.wait(timeout: 10) { broker.log.contains("Connecting bridge") }, "\(broker.log)")
    }

    @Test("Bad arguments stop the CLI with a reason")
    func badArguments() throws {
        let result = try PrognosBinary.run([
            "deploy", "bridge", "--plant", Peers.repositoryRoot.appendingPathComponent("Plants/demo.yaml").path,
            "--central", "nohost",
        ])
        #expect(result.status != 0)
        #expect(result.output.contains("HOST:PORT"), "\(result.output)")
    }
}
