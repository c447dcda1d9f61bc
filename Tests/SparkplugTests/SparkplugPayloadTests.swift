import Sparkplug
import Testing

@Suite struct SparkplugPayloadTests {
    @Test func aPayloadSurvivesTheWire() throws {
        let payload = SparkplugPayload(
            timestamp: 1_700_000_000_123, seq: 7,
            metrics: [
                SparkplugMetric(
                    name: "Temperature", alias: 3, timestamp: 1_700_000_000_100, dataType: .double,
                    value: .double(61.25)),
                SparkplugMetric(alias: 4, isHistorical: true, isTransient: true, isNull: true),
                SparkplugMetric(name: "Blob", dataType: .bytes, value: .bytes(count: 5)),
            ])
        #expect(try SparkplugPayload(decoding: payload.serialized()) == payload)
    }

    @Test func truncatedBytesAreRefusedAsMalformed() throws {
        let bytes = SparkplugPayload(
            seq: 1, metrics: [SparkplugMetric(name: "A long metric name", dataType: .string, value: .string("text"))]
        ).serialized()
        for length in 1..<bytes.count {
            do {
                _ = try SparkplugPayload(decoding: Array(bytes.prefix(length)))
                // Some prefixes end on a field boundary and are valid payloads in their own right.
            } catch {
                #expect(error.reason == .malformed)
            }
        }
        var refused = 0
        for length in 1..<bytes.count where (try? SparkplugPayload(decoding: Array(bytes.prefix(length)))) == nil {
            refused += 1
        }
        #expect(refused > 0)
    }

    @Test func oversizedPayloadsAreRefusedUnread() {
        let bytes = [UInt8](repeating: 0, count: SparkplugPayload.maximumSize + 1)
        #expect(throws: SparkplugRefusal(.tooLarge, "\(bytes.count) bytes, more than \(SparkplugPayload.maximumSize)"))
        {
            try SparkplugPayload(decoding: bytes)
        }
    }

    @Test func unknownFieldsAreSkipped() throws {
        // Field 99 (varint 5) before a payload with seq 3.
        let bytes: [UInt8] = [0x98, 0x06, 0x05] + SparkplugPayload(seq: 3).serialized()
        #expect(try SparkplugPayload(decoding: bytes) == SparkplugPayload(seq: 3))
    }

    @Test func nestingDeeperThanTheLimitIsRefused() {
        // Payload.metrics → Metric.template_value (field 18) → Template.metrics (field 2) → Metric … 40 levels.
        var inner: [UInt8] = []
        for level in 0..<40 {
            let tag: [UInt8] = level % 2 == 0 ? [0x12] : [0x92, 0x01]  // inner is a Metric, else a Template
            inner = tag + varint(inner.count) + inner
        }
        let bytes: [UInt8] = [0x12] + varint(inner.count) + inner
        #expect(throws: SparkplugRefusal.self) { try SparkplugPayload(decoding: bytes) }
    }

    @Test func theRebirthRequestIsTheSpecsMetric() throws {
        let request = try SparkplugPayload(decoding: SparkplugPayload.rebirthRequest(at: 1000).serialized())
        #expect(request.metrics.count == 1)
        #expect(request.metrics[0].name == "Node Control/Rebirth")
        #expect(request.metrics[0].dataType == SparkplugDataType.boolean.rawValue)
        #expect(request.metrics[0].value == .boolean(true))
    }

    private func varint(_ value: Int) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            bytes.append(UInt8(value & 0x7F) | (value > 0x7F ? 0x80 : 0))
            value >>= 7
        } while value > 0
        return bytes
    }
}

@Suite struct SparkplugValueTests {
    @Test func everyScalarTypeDecodes() {
        let cases: [(SparkplugDataType, SparkplugWireValue, SparkplugValue)] = [
            (.int8, .int(255), .integer(-1)),
            (.int8, .int(0xFFFF_FF80), .integer(-128)),
            (.int8, .int(127), .integer(127)),
            (.int16, .int(0x8000), .integer(-32768)),
            (.int16, .int(0xFFFF_FFFE), .integer(-2)),
            (.int32, .int(0xFFFF_FFFF), .integer(-1)),
            (.int64, .long(UInt64.max), .integer(-1)),
            (.uint8, .int(200), .integer(200)),
            (.uint16, .int(65535), .integer(65535)),
            (.uint32, .int(UInt32.max), .integer(Int64(UInt32.max))),
            (.uint32, .long(7), .integer(7)),
            (.uint64, .long(UInt64.max), .unsigned(UInt64.max)),
            (.float, .float(1.5), .real(1.5)),
            (.double, .double(-2.25), .real(-2.25)),
            (.boolean, .boolean(true), .boolean(true)),
            (.string, .string("on"), .text("on")),
            (.text, .string("long"), .text("long")),
            (.uuid, .string("6ba7b810"), .text("6ba7b810")),
            (.dateTime, .long(1_700_000_000_500), .dateTime(1_700_000_000_500)),
            (.bytes, .bytes(count: 3), .bytes(count: 3)),
            (.file, .bytes(count: 9), .bytes(count: 9)),
        ]
        for (type, wire, expected) in cases {
            #expect(wire.decoded(as: type) == .success(expected), "\(type) from \(wire)")
        }
    }

    @Test func everyTypeIsDecodedOrRefusedWithAReason() {
        for type in SparkplugDataType.allCases {
            let samples: [SparkplugWireValue] = [
                .int(1), .long(1), .float(1), .double(1), .boolean(true), .string("1"), .bytes(count: 1), .dataSet,
                .template, .none,
            ]
            let results = samples.map { $0.decoded(as: type) }
            if let reason = type.refusal {
                #expect(!reason.isEmpty)
                #expect(
                    results.allSatisfy { if case .failure(let r) = $0 { r.reason == .unsupportedType } else { false } })
            } else {
                #expect(results.contains { if case .success = $0 { true } else { false } }, "\(type) decodes nothing")
            }
        }
    }

    @Test func valuesThatDoNotFitTheirTypeAreRefused() {
        let cases: [(SparkplugDataType, SparkplugWireValue)] = [
            (.int8, .int(0x1FF)), (.int16, .int(0x0001_0000)), (.uint8, .int(256)), (.uint16, .long(70000)),
            (.double, .string("1.5")), (.boolean, .int(1)), (.string, .double(1)),
            (.int32, .long(UInt64(UInt32.max) + 1)),
            (.float, .none),
        ]
        for (type, wire) in cases {
            guard case .failure(let refusal) = wire.decoded(as: type) else {
                Issue.record("\(type) accepted \(wire)")
                continue
            }
            #expect(refusal.reason == .wrongType)
        }
    }

    @Test func numbersForReadings() throws {
        #expect(try SparkplugValue.integer(-3).number.get() == -3)
        #expect(try SparkplugValue.boolean(true).number.get() == 1)
        #expect(try SparkplugValue.dateTime(1500).number.get() == 1.5)
        #expect(throws: SparkplugRefusal.self) { try SparkplugValue.text("x").number.get() }
        #expect(throws: SparkplugRefusal.self) { try SparkplugValue.bytes(count: 2).number.get() }
    }
}
