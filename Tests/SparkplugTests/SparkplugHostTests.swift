import Sparkplug
import Testing

/// The host's rules, one test each, driven by messages as an edge node would send them.
@Suite struct SparkplugHostTests {
    let node = SparkplugHost.NodeID(group: "G", edgeNode: "E")

    func topic(_ kind: SparkplugTopic.Kind, device: String? = nil) -> SparkplugTopic {
        SparkplugTopic(kind: kind, group: "G", edgeNode: "E", device: device)
    }

    func birth(bdSeq: UInt64 = 0) -> SparkplugPayload {
        SparkplugPayload(
            timestamp: 1_000_000, seq: 0,
            metrics: [
                SparkplugMetric(name: "bdSeq", dataType: .uint64, value: .long(bdSeq)),
                SparkplugMetric(name: "Pressure", alias: 1, timestamp: 1_000_000, dataType: .float, value: .float(2.5)),
                SparkplugMetric(name: "Running", alias: 2, dataType: .boolean, value: .boolean(true)),
            ])
    }

    func deviceBirth(seq: UInt64) -> SparkplugPayload {
        SparkplugPayload(
            timestamp: 1_000_500, seq: seq,
            metrics: [SparkplugMetric(name: "Speed", alias: 10, dataType: .int32, value: .int(1450))])
    }

    func data(
        seq: UInt64, alias: UInt64 = 1, value: SparkplugWireValue = .float(3.0), at ms: UInt64? = 1_002_000
    )
        -> SparkplugPayload
    {
        SparkplugPayload(
            timestamp: 1_002_500, seq: seq, metrics: [SparkplugMetric(alias: alias, timestamp: ms, value: value)])
    }

    func values(_ outcome: SparkplugHost.Outcome) -> [String: SparkplugHost.Update.Content] {
        Dictionary(outcome.updates.map { ($0.name, $0.content) }, uniquingKeysWith: { _, last in last })
    }

    @Test func aBirthDefinesMetricsAndGivesTheirValues() {
        var host = SparkplugHost()
        let outcome = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        #expect(host.isAlive(node))
        #expect(values(outcome)["Pressure"] == .value(.real(2.5)))
        #expect(values(outcome)["Running"] == .value(.boolean(true)))
        #expect(outcome.updates.first { $0.name == "Pressure" }?.timestamp == 1000)
        // Without a metric timestamp, the payload's.
        #expect(outcome.updates.first { $0.name == "Running" }?.timestamp == 1000)
        #expect(outcome.rebirth == nil)
        #expect(outcome.refusals.isEmpty)
    }

    @Test func dataByAliasTakesTheBirthsNameAndType() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        let outcome = host.receive(topic(.nodeData), data(seq: 1), receivedAt: 5)
        #expect(outcome.updates.count == 1)
        #expect(outcome.updates[0].name == "Pressure")
        #expect(outcome.updates[0].content == .value(.real(3.0)))
        #expect(outcome.updates[0].timestamp == 1002)
        #expect(outcome.rebirth == nil)
    }

    @Test func dataBeforeABirthAsksForARebirthOnce() {
        var host = SparkplugHost()
        let first = host.receive(topic(.nodeData), data(seq: 4), receivedAt: 5)
        #expect(first.updates.isEmpty)
        #expect(first.rebirth == node)
        #expect(first.refusals.map(\.reason) == [.unknownMetric])
        let second = host.receive(topic(.nodeData), data(seq: 5), receivedAt: 6)
        #expect(second.rebirth == nil, "asked already; the next NBIRTH answers")
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 7)
        #expect(
            host.receive(topic(.nodeData), data(seq: 9), receivedAt: 8).rebirth == node,
            "a new session may be asked again")
    }

    @Test func aSequenceGapAsksForARebirthAndKeepsTheValues() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        _ = host.receive(topic(.nodeData), data(seq: 1), receivedAt: 5)
        let gap = host.receive(topic(.nodeData), data(seq: 3, value: .float(4)), receivedAt: 5)
        #expect(gap.rebirth == node)
        #expect(gap.refusals.map(\.reason) == [.sequenceGap])
        #expect(gap.updates.map(\.content) == [.value(.real(4))])
    }

    @Test func sequenceNumbersWrapAt256() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        for step in 1...300 {
            let outcome = host.receive(topic(.nodeData), data(seq: UInt64(step % 256)), receivedAt: 5)
            #expect(outcome.rebirth == nil && outcome.refusals.isEmpty, "step \(step)")
        }
    }

    @Test func aBirthWithASeqBeyond255DoesNotTrap() {
        // FuzzSparkplug's finding: an NBIRTH with seq UInt64.max overflowed the next expected seq.
        var host = SparkplugHost()
        var payload = birth()
        payload.seq = UInt64.max
        _ = host.receive(topic(.nodeBirth), payload, receivedAt: 5)
        let next = host.receive(topic(.nodeData), data(seq: 0), receivedAt: 5)
        #expect(next.refusals.isEmpty, "UInt64.max % 256 is 255, so 0 follows")
        #expect(
            host.receive(topic(.nodeData), data(seq: UInt64.max), receivedAt: 5).refusals.map(\.reason) == [
                .sequenceGap
            ])
    }

    @Test func reorderedMessagesAreAGap() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        let early = host.receive(topic(.nodeData), data(seq: 2), receivedAt: 5)
        #expect(early.refusals.map(\.reason) == [.sequenceGap])
        #expect(early.rebirth == node)
    }

    @Test func anUnknownAliasAsksForARebirth() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        let outcome = host.receive(topic(.nodeData), data(seq: 1, alias: 99), receivedAt: 5)
        #expect(outcome.updates.isEmpty)
        #expect(outcome.refusals.map(\.reason) == [.unknownMetric])
        #expect(outcome.rebirth == node)
    }

    @Test func nodeDeathWithTheBirthsBdSeqKillsTheNodeAndItsDevices() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(bdSeq: 4), receivedAt: 5)
        _ = host.receive(topic(.deviceBirth, device: "P1"), deviceBirth(seq: 1), receivedAt: 5)
        #expect(host.isAlive(node, device: "P1"))
        let death = SparkplugPayload(
            timestamp: 1_005_000, metrics: [SparkplugMetric(name: "bdSeq", dataType: .uint64, value: .long(4))])
        let outcome = host.receive(topic(.nodeDeath), death, receivedAt: 9)
        #expect(
            outcome.deaths == [SparkplugHost.Death(node: node, device: nil, timestamp: 9)],
            "received, not sent: a will's time is its node's connect")
        #expect(!host.isAlive(node))
        #expect(!host.isAlive(node, device: "P1"))
    }

    @Test func afterADeathDataAsksForARebirthAgain() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(bdSeq: 2), receivedAt: 5)
        #expect(host.receive(topic(.nodeData), data(seq: 5), receivedAt: 5).rebirth == node)
        let death = SparkplugPayload(metrics: [SparkplugMetric(name: "bdSeq", dataType: .uint64, value: .long(2))])
        _ = host.receive(topic(.nodeDeath), death, receivedAt: 6)
        #expect(host.receive(topic(.nodeData), data(seq: 1), receivedAt: 7).rebirth == node)
    }

    @Test func anEarlierSessionsDeathIsRefusedAsStale() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(bdSeq: 5), receivedAt: 5)
        let will = SparkplugPayload(metrics: [SparkplugMetric(name: "bdSeq", dataType: .uint64, value: .long(4))])
        let outcome = host.receive(topic(.nodeDeath), will, receivedAt: 9)
        #expect(outcome.deaths.isEmpty)
        #expect(outcome.refusals.map(\.reason) == [.staleDeath])
        #expect(host.isAlive(node))
    }

    @Test func deviceDeathEndsOnlyThatDevice() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        _ = host.receive(topic(.deviceBirth, device: "P1"), deviceBirth(seq: 1), receivedAt: 5)
        let outcome = host.receive(
            topic(.deviceDeath, device: "P1"), SparkplugPayload(timestamp: 1_003_000, seq: 2), receivedAt: 5)
        #expect(outcome.deaths == [SparkplugHost.Death(node: node, device: "P1", timestamp: 1003)])
        #expect(host.isAlive(node))
        #expect(!host.isAlive(node, device: "P1"))
        let late = host.receive(
            topic(.deviceData, device: "P1"), data(seq: 3, alias: 10, value: .int(1)), receivedAt: 5)
        #expect(late.updates.isEmpty)
        #expect(late.rebirth == node)
    }

    @Test func deviceMetricsUseTheDevicesBirth() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        let born = host.receive(topic(.deviceBirth, device: "P1"), deviceBirth(seq: 1), receivedAt: 5)
        #expect(born.updates.map(\.device) == ["P1"])
        #expect(values(born)["Speed"] == .value(.integer(1450)))
        let outcome = host.receive(
            topic(.deviceData, device: "P1"), data(seq: 2, alias: 10, value: .int(0xFFFF_FFFF)), receivedAt: 5)
        #expect(values(outcome)["Speed"] == .value(.integer(-1)))
    }

    @Test func aNewNodeBirthForgetsTheDevices() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        _ = host.receive(topic(.deviceBirth, device: "P1"), deviceBirth(seq: 1), receivedAt: 5)
        _ = host.receive(topic(.nodeBirth), birth(bdSeq: 1), receivedAt: 6)
        #expect(!host.isAlive(node, device: "P1"))
    }

    @Test func historicalValuesAreMarked() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        let payload = SparkplugPayload(
            seq: 1, metrics: [SparkplugMetric(alias: 1, timestamp: 900_000, isHistorical: true, value: .float(1))])
        let outcome = host.receive(topic(.nodeData), payload, receivedAt: 5)
        #expect(outcome.updates.map(\.isHistorical) == [true])
        #expect(outcome.updates.map(\.timestamp) == [900])
    }

    @Test func nullValuesAreNull() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        let payload = SparkplugPayload(seq: 1, metrics: [SparkplugMetric(alias: 1, isNull: true)])
        #expect(values(host.receive(topic(.nodeData), payload, receivedAt: 5))["Pressure"] == .null)
    }

    @Test func aTypeOtherThanTheBirthsIsRefused() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        let payload = SparkplugPayload(
            seq: 1, metrics: [SparkplugMetric(alias: 1, dataType: .string, value: .string("x"))])
        let outcome = host.receive(topic(.nodeData), payload, receivedAt: 5)
        guard case .refused(let refusal) = values(outcome)["Pressure"] else {
            Issue.record("accepted a String for a Float metric")
            return
        }
        #expect(refusal.reason == .wrongType)
    }

    @Test func aBirthWithAnAliasTwiceKeepsTheFirst() {
        var host = SparkplugHost()
        var payload = birth()
        payload.metrics.append(SparkplugMetric(name: "Other", alias: 1, dataType: .double, value: .double(1)))
        let outcome = host.receive(topic(.nodeBirth), payload, receivedAt: 5)
        #expect(outcome.refusals.map(\.reason).contains(.badBirth))
        #expect(values(host.receive(topic(.nodeData), data(seq: 1), receivedAt: 5))["Pressure"] == .value(.real(3)))
    }

    @Test func withoutTimestampsTheReceiveTimeIsUsed() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        let payload = SparkplugPayload(seq: 1, metrics: [SparkplugMetric(alias: 1, value: .float(1))])
        #expect(host.receive(topic(.nodeData), payload, receivedAt: 42).updates.map(\.timestamp) == [42])
    }

    @Test func aDeviceMessageWithoutADeviceIsRefused() {
        var host = SparkplugHost()
        _ = host.receive(topic(.nodeBirth), birth(), receivedAt: 5)
        let outcome = host.receive(topic(.deviceBirth), deviceBirth(seq: 1), receivedAt: 5)
        #expect(outcome.refusals.map(\.reason) == [.badTopic])
        #expect(outcome.updates.isEmpty)
    }

    @Test func commandsAndHostStatesChangeNothing() {
        var host = SparkplugHost()
        let command = host.receive(topic(.nodeCommand), SparkplugPayload.rebirthRequest(at: 1), receivedAt: 5)
        #expect(command == SparkplugHost.Outcome())
        #expect(!host.isAlive(node))
    }
}
