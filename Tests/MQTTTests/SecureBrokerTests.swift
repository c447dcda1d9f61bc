import Foundation
import MQTT
import PrognosCore
import Synchronization
import TestSupport
import Testing

extension SecureMosquitto {
    /// A broker with one user, `sensor-reader`, and no ACL.
    static func withSensorReader() throws -> SecureMosquitto {
        try SecureMosquitto(users: ["sensor-reader": "correct horse"])
    }

    func options(password: Secret) -> MQTTClientOptions {
        MQTTClientOptions(
            host: "127.0.0.1", port: port, username: "sensor-reader", password: password,
            tls: TLSSettings(caFile: file("ca.crt"), certFile: file("client.crt"), keyFile: file("client.key")),
            reconnect: ReconnectPolicy(initial: .milliseconds(100), maximum: .milliseconds(300)))
    }
}

@Suite(.serialized, .timeLimit(.minutes(3)))
struct SecureBrokerTests {
    @Test func tlsWithClientCertificateAndPasswordFromAFile() async throws {
        let broker = try SecureMosquitto.withSensorReader()
        let secret = broker.path("password")
        try "correct horse\n".write(to: secret, atomically: true, encoding: .utf8)
        let client = try MQTTClient(options: broker.options(password: .file(secret.path)), logger: quietLogger)
        defer { client.close() }
        let received = Mutex<[String]>([])
        client.onMessage { message in received.withLock { $0.append(String(decoding: message.payload, as: UTF8.self)) }
        }
        try client.subscribe("secure/#")
        client.start()
        #expect(await client.waitUntilReady(timeout: .seconds(15)))
        _ = try await client.publishAcknowledged(topic: "secure/x", payload: Array("42".utf8), timeout: .seconds(10))
        #expect(await eventually { received.withLock { $0 } == ["42"] })
    }

    @Test func wrongPasswordIsRefusedWithTheBrokersReasonAndRetried() async throws {
        let broker = try SecureMosquitto.withSensorReader()
        // A variable only this test reads.
        setenv("PROGNOS_TEST_MQTT_PASSWORD", "wrong", 1)
        let options = broker.options(password: .environment("PROGNOS_TEST_MQTT_PASSWORD"))
        let client = try MQTTClient(options: options, logger: quietLogger)
        defer { client.close() }
        let refusals = Mutex<[MQTTError]>([])
        client.onConnectionEvent { event in
            if case .connectFailed(let error) = event { refusals.withLock { $0.append(error) } }
        }
        client.start()
        #expect(await eventually { refusals.withLock { $0.count } >= 2 })  // refused, then retried
        let first = try #require(refusals.withLock { $0.first })
        #expect(first.code == .connectionRefused)
        #expect(first.message.lowercased().contains("not authori"))
        #expect(!client.isConnected)
    }
}
