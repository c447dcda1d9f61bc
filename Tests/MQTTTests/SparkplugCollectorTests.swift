import Foundation
import MQTT
import PrognosCore
import Sparkplug
import TestSupport
import Testing

/// The collector's Sparkplug path in process, against a real mosquitto: readings, statistics and
/// the rebirth request (the pysparkplug end-to-end test is Tests/CLITests/SparkplugPollTests.swift).
@Suite(.serialized) struct SparkplugCollectorTests {
    static func plant(port: Int, rebirth: Bool) -> Plant {
        let source = SparkplugPoint(
            broker: "local", group: "G", edgeNode: "E", device: "D", metric: "Temp", rebirth: rebirth)
        let pump = Asset(
            id: "pump-1", name: "Pump 1", type: "pump", areaID: "a", lineID: "l",
            sensors: [Sensor(id: "temp", unit: "", source: .sparkplug(source))])
        return Plant(
            site: Site(id: "site", name: "Site"),
            areas: [Area(id: "a", name: "A", lines: [Line(id: "l", name: "L", assets: [pump])])],
            devices: [], brokers: [Broker(id: "local", host: "127.0.0.1", port: port, keepalive: .seconds(10))],
            actions: [], economics: Economics(downtimeCostPerHour: 0, failureCost: 0, crewCapacity: 1, windows: []))
    }

    static let nodeBirth = SparkplugPayload(
        timestamp: 1_000_000, seq: 0, metrics: [SparkplugMetric(name: "bdSeq", dataType: .uint64, value: .long(7))])
    static let deviceBirth = SparkplugPayload(
        timestamp: 1_000_000, seq: 1,
        metrics: [SparkplugMetric(name: "Temp", alias: 5, timestamp: 1_000_500, dataType: .double, value: .double(20))])

    static func data(seq: UInt64, _ value: Double, historical: Bool = false) -> SparkplugPayload {
        SparkplugPayload(
            timestamp: 2_000_000, seq: seq,
            metrics: [SparkplugMetric(alias: 5, timestamp: 2_000_250, isHistorical: historical, value: .double(value))])
    }

    func publish(_ client: MQTTClient, _ kind: SparkplugTopic.Kind, _ payload: SparkplugPayload) async throws {
        let device = kind == .deviceBirth || kind == .deviceData || kind == .deviceDeath ? "D" : nil
        let topic = SparkplugTopic(kind: kind, group: "G", edgeNode: "E", device: device)
        _ = try await client.publishAcknowledged(
            topic: topic.description, payload: payload.serialized(), timeout: .seconds(10))
    }

    @Test(.timeLimit(.minutes(1)))
    func readingsStatisticsAndTheRebirthRequest() async throws {
        let broker = try BrokerFixture()
        let sink = CollectingSink()
        let collector = MQTTCollector(
            plant: Self.plant(port: broker.port, rebirth: true), sink: sink, logger: quietLogger)
        try collector.start()
        defer { collector.stop() }
        #expect(await collector.waitUntilReady(timeout: .seconds(10)))
        let (commands, received) = try broker.mosquittoSub(topic: "spBv1.0/G/NCMD/E", count: 1)
        defer { commands.stop() }
        let edge = try MQTTClient(options: broker.options(), logger: quietLogger)
        edge.start()
        defer { edge.close() }
        #expect(await edge.waitUntilReady(timeout: .seconds(10)))

        try await publish(edge, .nodeBirth, Self.nodeBirth)
        try await publish(edge, .deviceBirth, Self.deviceBirth)
        try await publish(edge, .deviceData, Self.data(seq: 2, 21, historical: true))
        try await publish(edge, .deviceData, Self.data(seq: 4, 22))  // seq 3 lost
        #expect(await eventually { sink.of("pump-1", "temp").count == 2 })
        #expect(sink.of("pump-1", "temp").map(\.value) == [20, 22])
        #expect(sink.of("pump-1", "temp").map(\.timestamp) == [1000.5, 2000.25])
        #expect(await eventually { collector.statistics.rebirthRequests == 1 })
        #expect(collector.statistics.sparkplugHistorical == 1)
        #expect(collector.statistics.rejections[PayloadRejection.Reason(rawValue: "sparkplug-seq-gap")] == 1)
        #expect(commands.wait(timeout: 10) == 0, "mosquitto_sub saw no NCMD")
        // mosquitto_sub -v: the topic, a space, the protobuf payload, a newline.
        let line = [UInt8](try Data(contentsOf: received))
        let prefix = Array("spBv1.0/G/NCMD/E ".utf8)
        try #require(line.starts(with: prefix) && line.last == 0x0A, "\(line)")
        let request = try SparkplugPayload(decoding: Array(line[prefix.count..<(line.count - 1)]))
        #expect(request.metrics.map(\.name) == ["Node Control/Rebirth"])
        #expect(request.metrics.map(\.value) == [.boolean(true)])

        let death = SparkplugPayload(metrics: [SparkplugMetric(name: "bdSeq", dataType: .uint64, value: .long(7))])
        try await publish(edge, .nodeDeath, death)
        #expect(await eventually { sink.of("pump-1", "temp").last?.quality == .commFail })
        #expect(sink.of("pump-1", "temp").last?.value == nil)
        #expect(collector.latestReadings[SensorKey(asset: "pump-1", sensor: "temp")]?.quality == .commFail)
    }
}
