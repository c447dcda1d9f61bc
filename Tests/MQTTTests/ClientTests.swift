import Foundation
import MQTT
import Synchronization
import Testing
import TestSupport

@Suite(.serialized, .timeLimit(.minutes(1)))
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
