import Foundation
import Logging
import MQTT
import PrognosCore
import Synchronization
import TestSupport
import Testing

/// Collects delivered readings for assertions.
final class CollectingSink: ReadingSink {
    private let readings = Mutex<[Reading]>([])
    func deliver(_ batch: [Reading]) { readings.withLock { $0 += batch } }
    var all: [Reading] { readings.withLock { $0 } }
    func of(_ asset: String, _ sensor: String) -> [Reading] { all.filter { $0.asset == asset && $0.sensor == sensor } }
}

/// A log handler that keeps messages, to check rate limiting (tests never bootstrap logging).
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    let messages = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let topic = event.metadata?["mqtt.topic"].map { "\($0)" } ?? ""
        messages.withLock { $0.append("\(event.level) \(event.message) \(topic)") }
    }
}

enum TestPlant {
    static func sensor(
        _ id: String, topic: String, value: String, timestamp: String? = nil, broker: String = "local"
    ) -> Sensor {
        Sensor(
            id: id, unit: "",
            source: .mqtt(
                MQTTPoint(broker: broker, topic: topic, valuePath: path(value), timestampPath: timestamp.map(path))))
    }

    /// Two pumps: pump-1 publishes one JSON document with temperature, vibration and a timestamp;
    /// pump-2 publishes bare numbers, one topic per signal, matched through a wildcard.
    static func make(port: Int) -> Plant {
        let pump1 = Asset(
            id: "pump-1", name: "Pump 1", type: "pump", areaID: "a", lineID: "l",
            sensors: [
                sensor("temp", topic: "plant/pump-1/telemetry", value: "$.temp", timestamp: "$.ts"),
                sensor("vib", topic: "plant/pump-1/telemetry", value: "$.vib.rms", timestamp: "$.ts"),
            ],
            context: [sensor("speed", topic: "plant/pump-1/telemetry", value: "$.speed")])
        let pump2 = Asset(
            id: "pump-2", name: "Pump 2", type: "pump", areaID: "a", lineID: "l",
            sensors: [sensor("pressure", topic: "plant/pump-2/+/pressure", value: "$")])
        return Plant(
            site: Site(id: "site", name: "Site"),
            areas: [Area(id: "a", name: "A", lines: [Line(id: "l", name: "L", assets: [pump1, pump2])])],
            devices: [], brokers: [Broker(id: "local", host: "127.0.0.1", port: port, keepalive: .seconds(10))],
            actions: [], economics: Economics(downtimeCostPerHour: 0, failureCost: 0, crewCapacity: 1, windows: []))
    }
}

@Suite(.serialized, .timeLimit(.minutes(3)))
struct CollectorTests {
    let fastReconnect = ReconnectPolicy(initial: .milliseconds(100), maximum: .milliseconds(500))

    @Test func valuesArriveAsReadingsWithAssetSensorValueAndTimestamp() async throws {
        let broker = try BrokerFixture()
        let sink = CollectingSink()
        let collector = MQTTCollector(
            plant: TestPlant.make(port: broker.port), sink: sink, logger: quietLogger, reconnect: fastReconnect,
            now: { 5_000 })
        defer { collector.stop() }
        try collector.start()
        #expect(await collector.waitUntilReady(timeout: .seconds(10)))

        try broker.mosquittoPub(
            topic: "plant/pump-1/telemetry",
            message: #"{"ts": "2023-11-14T22:13:20Z", "temp": 61.5, "vib": {"rms": 2.25}, "speed": "1480"}"#)
        try broker.mosquittoPub(topic: "plant/pump-2/outlet/pressure", message: "4.75")
        #expect(await eventually { sink.all.count == 4 })

        #expect(
            sink.of("pump-1", "temp") == [
                Reading(asset: "pump-1", sensor: "temp", value: 61.5, timestamp: 1_700_000_000, quality: .good)
            ])
        #expect(
            sink.of("pump-1", "vib") == [
                Reading(asset: "pump-1", sensor: "vib", value: 2.25, timestamp: 1_700_000_000, quality: .good)
            ])
        // No timestamp path: the receive time.
        #expect(
            sink.of("pump-1", "speed") == [
                Reading(asset: "pump-1", sensor: "speed", value: 1480, timestamp: 5_000, quality: .good)
            ])
        #expect(
            sink.of("pump-2", "pressure") == [
                Reading(asset: "pump-2", sensor: "pressure", value: 4.75, timestamp: 5_000, quality: .good)
            ])
        let statistics = collector.statistics
        #expect(statistics.messages == 2)
        #expect(statistics.readings == 4)
        #expect(statistics.rejections.isEmpty)
        #expect(statistics.connected == ["local": true])
    }

    @Test func badPayloadsAreCountedLoggedOncePerTopicAndNeverStopTheCollector() async throws {
        let broker = try BrokerFixture()
        let sink = CollectingSink()
        let handler = RecordingLogHandler()
        let logger = Logger(label: "test", factory: { _ in handler })
        let collector = MQTTCollector(
            plant: TestPlant.make(port: broker.port), sink: sink, logger: logger, reconnect: fastReconnect)
        defer { collector.stop() }
        try collector.start()
        #expect(await collector.waitUntilReady(timeout: .seconds(10)))

        let telemetry = "plant/pump-1/telemetry"
        try broker.mosquittoPub(topic: telemetry, message: #"{"temp": 61.5, "vib": "#)  // malformed
        // Not numeric, then a duplicate key.
        try broker.mosquittoPub(
            topic: telemetry, message: #"{"ts": 1700000000, "temp": "hot", "vib": {"rms": 1}, "speed": 1}"#)
        try broker.mosquittoPub(
            topic: telemetry, message: #"{"ts": 1700000000, "temp": 1, "temp": 2, "vib": {"rms": 1}, "speed": 1}"#)
        try broker.mosquittoPub(
            topic: telemetry, message: "{\"temp\": 1, \"pad\": \"" + String(repeating: "x", count: 70_000) + "\"}")
        try broker.mosquittoPub(topic: "plant/pump-2/outlet/pressure", message: "NaN")
        // Good again.
        try broker.mosquittoPub(
            topic: telemetry, message: #"{"ts": 1700000000, "temp": 60, "vib": {"rms": 1.5}, "speed": 1450}"#)
        #expect(await eventually { collector.statistics.messages == 6 })

        let statistics = collector.statistics
        #expect(statistics.rejections[.malformed] == 1)
        #expect(statistics.rejections[.notNumeric] == 1)
        #expect(statistics.rejections[.duplicateKey] == 1)
        #expect(statistics.rejections[.tooLarge] == 1)
        #expect(statistics.rejections[.notFinite] == 1)
        #expect(statistics.topics[telemetry]?.rejected == 4)
        #expect(statistics.topics[telemetry]?.messages == 5)
        // The NaN is delivered as bad-value without a value; partial messages still deliver their good fields.
        #expect(sink.of("pump-2", "pressure").map(\.quality) == [.badValue])
        #expect(sink.of("pump-2", "pressure").first?.value == nil)
        #expect(sink.of("pump-1", "temp").map(\.value) == [60])
        #expect(sink.of("pump-1", "vib").map(\.value) == [1, 1, 1.5])
        #expect(statistics.timestampFallbacks == 0)

        let lines = handler.messages.withLock { $0 }
        #expect(lines.filter { $0.contains("rejected") && $0.hasSuffix(telemetry) }.count == 1, "\(lines)")
        #expect(lines.filter { $0.contains("usable again") && $0.hasSuffix(telemetry) }.count == 1, "\(lines)")
    }

    @Test func missingTimestampFallsBackToReceiveTimeAndIsCounted() async throws {
        let broker = try BrokerFixture()
        let sink = CollectingSink()
        let collector = MQTTCollector(
            plant: TestPlant.make(port: broker.port), sink: sink, logger: quietLogger, reconnect: fastReconnect,
            now: { 7_000 })
        defer { collector.stop() }
        try collector.start()
        #expect(await collector.waitUntilReady(timeout: .seconds(10)))
        try broker.mosquittoPub(
            topic: "plant/pump-1/telemetry", message: #"{"ts": "late", "temp": 1, "vib": {"rms": 2}, "speed": 3}"#)
        #expect(await eventually { sink.all.count == 3 })
        #expect(sink.all.map(\.timestamp) == [7_000, 7_000, 7_000])
        #expect(collector.statistics.timestampFallbacks == 1)
        #expect(collector.statistics.rejections.isEmpty)
    }

    @Test func subscriberResumesAfterABrokerRestart() async throws {
        let broker = try BrokerFixture()
        let sink = CollectingSink()
        let collector = MQTTCollector(
            plant: TestPlant.make(port: broker.port), sink: sink, logger: quietLogger, reconnect: fastReconnect)
        defer { collector.stop() }
        try collector.start()
        #expect(await collector.waitUntilReady(timeout: .seconds(10)))
        try broker.mosquittoPub(topic: "plant/pump-2/a/pressure", message: "1")
        #expect(await eventually { sink.all.count == 1 })

        broker.stop()
        #expect(await eventually { collector.statistics.connected["local"] == false })
        try broker.restart()
        #expect(await collector.waitUntilReady(timeout: .seconds(10)))
        for value in 2...4 { try broker.mosquittoPub(topic: "plant/pump-2/a/pressure", message: "\(value)") }
        #expect(await eventually { sink.all.count == 4 })
        #expect(sink.of("pump-2", "pressure").map(\.value) == [1, 2, 3, 4])
    }

    @Test func firstValuesMarksSilentSensorsStale() async throws {
        let broker = try BrokerFixture()
        // Retained: there before the collector starts, as `poll --once` would find it.
        try broker.mosquittoPub(topic: "plant/pump-2/inlet/pressure", message: "3.5", retain: true)
        let collector = MQTTCollector(
            plant: TestPlant.make(port: broker.port), sink: CollectingSink(), logger: quietLogger,
            reconnect: fastReconnect,
            now: { 9_000 })
        defer { collector.stop() }
        try collector.start()
        let readings = await collector.firstValues(timeout: .seconds(1))
        #expect(
            readings.map { "\($0.asset)/\($0.sensor)" } == [
                "pump-1/temp", "pump-1/vib", "pump-1/speed", "pump-2/pressure",
            ])
        #expect(readings.map(\.quality) == [.stale, .stale, .stale, .good])
        #expect(readings[3].value == 3.5)
        #expect(readings[0] == Reading(asset: "pump-1", sensor: "temp", value: nil, timestamp: 9_000, quality: .stale))
    }

    @Test func unknownBrokerIsAConfigurationError() throws {
        var plant = TestPlant.make(port: 1)
        plant.brokers = []
        let collector = MQTTCollector(plant: plant, sink: CollectingSink(), logger: quietLogger)
        #expect(throws: MQTTError.self) { try collector.start() }
    }
}
