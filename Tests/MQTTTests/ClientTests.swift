import Foundation
import MQTT
import PrognosCore
import Synchronization
import TestSupport
import Testing

@Suite(.serialized, .timeLimit(.minutes(3)))
struct ClientTests {
    @Test func subscribeReceivesWhatMosquittoPubSends() async throws {
        let broker = try BrokerFixture()
        let client = try MQTTClient(options: broker.options(), logger: quietLogger)
        defer { client.close() }
        let received = Mutex<[MQTTMessage]>([])
        client.onMessage { message in received.withLock { $0.append(message) } }
        try client.subscribe("plant/+/temp", qos: .atLeastOnce)
        client.start()
        #expect(await client.waitUntilReady(timeout: .seconds(10)))
        try broker.mosquittoPub(topic: "plant/pump-1/temp", message: "21.5")
        #expect(await eventually { received.withLock { $0.count } == 1 })
        let message = try #require(received.withLock { $0.first })
        #expect(message.topic == "plant/pump-1/temp")
        #expect(message.payload == Array("21.5".utf8))
        #expect(message.qos == .atLeastOnce)
    }
}

extension ClientTests {
    @Test func retainedQoS1PublishReachesMosquittoSub() async throws {
        let broker = try BrokerFixture()
        let client = try MQTTClient(options: broker.options(), logger: quietLogger)
        defer { client.close() }
        client.start()
        #expect(await client.waitUntilReady(timeout: .seconds(10)))
        let id = try await client.publishAcknowledged(
            topic: "prognos/site/pump-1/state", payload: Array(#"{"health":0.93}"#.utf8), qos: .atLeastOnce,
            retain: true, timeout: .seconds(10))
        #expect(id.rawValue > 0)
        // Subscribing after the publish: only a retained message can arrive.
        let (sub, output) = try broker.mosquittoSub(topic: "prognos/site/+/state", count: 1)
        #expect(sub.wait(timeout: 10) == 0)
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(text == "prognos/site/pump-1/state {\"health\":0.93}\n")
    }

    @Test func pubackNotificationsFireForQoS1() async throws {
        let broker = try BrokerFixture()
        let client = try MQTTClient(options: broker.options(), logger: quietLogger)
        defer { client.close() }
        let acknowledged = Mutex<Set<Int32>>([])
        client.onPublishAcknowledged { id in acknowledged.withLock { _ = $0.insert(id.rawValue) } }
        client.start()
        #expect(await client.waitUntilReady(timeout: .seconds(10)))

        // Callback form: exactly one completion per publish, with the id publish returned.
        let completions = Mutex<[Int32: Int]>([:])
        var ids: [Int32] = []
        for i in 0..<200 {
            let id = try client.publish(
                topic: "prognos/test/alarm", payload: Array("alarm \(i)".utf8), qos: .atLeastOnce
            ) {
                result in
                if case .success(let id) = result { completions.withLock { $0[id.rawValue, default: 0] += 1 } }
            }
            ids.append(id.rawValue)
        }
        #expect(await eventually { completions.withLock { $0.count } == 200 })
        #expect(completions.withLock { $0 } == Dictionary(uniqueKeysWithValues: ids.map { ($0, 1) }))
        #expect(await eventually { acknowledged.withLock { $0.isSuperset(of: ids) } })

        // Async form.
        let id = try await client.publishAcknowledged(
            topic: "prognos/test/alarm", payload: [1, 2, 3], timeout: .seconds(10))
        #expect(await eventually { acknowledged.withLock { $0.contains(id.rawValue) } })
    }

    @Test func publishAcknowledgedFailsWithClosedWhenTheClientCloses() async throws {
        let broker = try BrokerFixture()
        let client = try MQTTClient(options: broker.options(), logger: quietLogger)
        client.start()
        #expect(await client.waitUntilReady(timeout: .seconds(10)))
        broker.process.signal(SIGSTOP)  // the broker hangs: no PUBACK can come
        defer { broker.process.signal(SIGCONT) }
        async let outcome: MQTTMessageID = client.publishAcknowledged(topic: "prognos/test/alarm", payload: [1])
        try await Task.sleep(for: .milliseconds(200))
        client.close(graceful: false)
        do {
            _ = try await outcome
            Issue.record("expected .closed")
        } catch {
            #expect((error as? MQTTError)?.code == .closed)
        }
    }

    @Test func publishAcknowledgedTimesOut() async throws {
        let broker = try BrokerFixture()
        let client = try MQTTClient(options: broker.options(), logger: quietLogger)
        defer { client.close(graceful: false) }
        client.start()
        #expect(await client.waitUntilReady(timeout: .seconds(10)))
        broker.process.signal(SIGSTOP)
        defer { broker.process.signal(SIGCONT) }
        do {
            _ = try await client.publishAcknowledged(
                topic: "prognos/test/alarm", payload: [1], timeout: .milliseconds(300))
            Issue.record("expected .timeout")
        } catch {
            #expect(error.code == .timeout)
        }
    }

    @Test func lastWillIsPublishedWhenTheClientVanishes() async throws {
        let broker = try BrokerFixture()
        let will = LastWill(
            topic: "prognos/site/daemon/status", payload: Array("offline".utf8), qos: .atLeastOnce, retain: true)
        let client = try MQTTClient(options: broker.options(clientID: "will-test", will: will), logger: quietLogger)
        client.start()
        #expect(await client.waitUntilReady(timeout: .seconds(10)))
        client.close(graceful: false)  // no DISCONNECT: the broker must publish the will
        let (sub, output) = try broker.mosquittoSub(topic: "prognos/site/daemon/status", count: 1)
        #expect(sub.wait(timeout: 10) == 0)
        #expect(try String(contentsOf: output, encoding: .utf8) == "prognos/site/daemon/status offline\n")
    }

    @Test func gracefulCloseSendsNoWill() async throws {
        let broker = try BrokerFixture()
        let will = LastWill(topic: "prognos/site/daemon/status", payload: Array("offline".utf8), retain: true)
        let client = try MQTTClient(options: broker.options(clientID: "no-will-test", will: will), logger: quietLogger)
        client.start()
        #expect(await client.waitUntilReady(timeout: .seconds(10)))
        client.close()
        let (sub, output) = try broker.mosquittoSub(topic: "prognos/site/daemon/status", count: 1, extra: ["-W", "1"])
        _ = sub.wait(timeout: 5)
        // mosquitto_sub prints "Timed out" after -W; the will must not be there.
        #expect(try !String(contentsOf: output, encoding: .utf8).contains("offline"))
    }

    @Test func resubscribesAndReportsEventsAcrossABrokerRestart() async throws {
        let broker = try BrokerFixture()
        let client = try MQTTClient(options: broker.options(), logger: quietLogger)
        defer { client.close() }
        let events = Mutex<[MQTTConnectionEvent]>([])
        let received = Mutex<[String]>([])
        client.onConnectionEvent { event in events.withLock { $0.append(event) } }
        client.onMessage { message in received.withLock { $0.append(String(decoding: message.payload, as: UTF8.self)) }
        }
        try client.subscribe("plant/line-1/#")
        client.start()
        #expect(await client.waitUntilReady(timeout: .seconds(10)))
        try broker.mosquittoPub(topic: "plant/line-1/a", message: "before")
        #expect(await eventually { received.withLock { $0 } == ["before"] })

        broker.stop()
        #expect(await eventually { !client.isConnected })
        try await Task.sleep(for: .milliseconds(300))  // at least one failed reconnect attempt
        try broker.restart()
        #expect(await client.waitUntilReady(timeout: .seconds(10)))
        try broker.mosquittoPub(topic: "plant/line-1/b", message: "after")
        #expect(await eventually { received.withLock { $0 } == ["before", "after"] })

        let seen = events.withLock { $0 }
        #expect(seen.first == .connected(sessionPresent: false))
        #expect(seen.contains { if case .disconnected(let error?) = $0 { error.code == .library } else { false } })
        #expect(seen.contains { if case .connectFailed = $0 { true } else { false } })
        #expect(seen.last == .connected(sessionPresent: false))
    }

    @Test func connectsOnceTheBrokerAppears() async throws {
        let port = Loopback.freePort()
        let options = MQTTClientOptions(
            host: "127.0.0.1", port: port,
            reconnect: ReconnectPolicy(initial: .milliseconds(50), maximum: .milliseconds(200)))
        let client = try MQTTClient(options: options, logger: quietLogger)
        defer { client.close() }
        let failures = Mutex(0)
        client.onConnectionEvent { event in
            if case .connectFailed = event { failures.withLock { $0 += 1 } }
        }
        client.start()
        #expect(await eventually { failures.withLock { $0 } >= 2 })
        let (broker, _) = try Mosquitto.start(port: port)
        defer { broker.stop() }
        #expect(await client.waitUntilReady(timeout: .seconds(10)))
    }

    @Test func invalidTopicsAndMissingSecretsAreConfigurationErrors() throws {
        let client = try MQTTClient(options: MQTTClientOptions(host: "127.0.0.1", port: 1), logger: quietLogger)
        defer { client.close() }
        #expect(throws: MQTTError.self) { try client.subscribe("a/#/b") }
        #expect(throws: MQTTError.self) { try client.publish(topic: "a/+", payload: []) }
        let options = MQTTClientOptions(
            host: "127.0.0.1", username: "u",
            password: .environment("PROGNOS_TEST_UNSET_\(UInt32.random(in: 0...UInt32.max))"))
        do {
            _ = try MQTTClient(options: options, logger: quietLogger)
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.code == .configuration)
            #expect(error.message.contains("environment variable PROGNOS_TEST_UNSET_"))
        }
        #expect(throws: MQTTError.self) {
            _ = try MQTTClient(
                options: MQTTClientOptions(host: "h", clientID: nil, cleanSession: false), logger: quietLogger)
        }
    }
}

extension ClientTests {
    /// What the outbox relies on: a publish made while the broker is away is refused at once
    /// (the outbox keeps the row and tries again after `.connected`); it never hangs unnoticed.
    @Test func publishDuringAnOutageIsRefusedAtOnce() async throws {
        let broker = try BrokerFixture()
        let client = try MQTTClient(options: broker.options(), logger: quietLogger)
        defer { client.close() }
        client.start()
        #expect(await client.waitUntilReady(timeout: .seconds(10)))
        broker.stop()
        #expect(await eventually { !client.isConnected })
        let outcome = Task { () async -> Result<MQTTMessageID, MQTTError> in
            do throws(MQTTError) {
                return .success(
                    try await client.publishAcknowledged(
                        topic: "prognos/test/alarm", payload: [7], timeout: .seconds(15)))
            } catch {
                return .failure(error)
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        try broker.restart()
        switch await outcome.value {
        case .success(let id): Issue.record("acknowledged \(id) although sent during the outage")
        case .failure(let error):
            #expect(error.code == .library && error.message.contains("not currently connected"), "\(error)")
        }
        #expect(await client.waitUntilReady(timeout: .seconds(10)))
        _ = try await client.publishAcknowledged(topic: "prognos/test/alarm", payload: [7], timeout: .seconds(10))
    }
}
