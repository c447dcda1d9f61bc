import Foundation
import MQTT
import PrognosCore
import Testing

func path(_ text: String) -> JSONPath { try! JSONPath(parsing: text) }

func value(_ payload: String, _ at: String) -> Result<Double, PayloadRejection> {
    PayloadDecoder.value(at: path(at), in: Array(payload.utf8))
}

func reason(_ result: Result<Double, PayloadRejection>) -> PayloadRejection.Reason? {
    if case .failure(let rejection) = result { return rejection.reason }
    return nil
}

@Suite struct PayloadDecoderTests {
    @Test(
        arguments: [
            (#"{"v": 21.5}"#, "$.v", 21.5),
            (#"{"v": -0.000125}"#, "$.v", -0.000125),
            (#"{"v": 1e3}"#, "$.v", 1000),
            (#"{"v": 12345678901234567890}"#, "$.v", 1.2345678901234567e19),
            (#"{"v": "21.5"}"#, "$.v", 21.5),
            (#"{"v": " -3 "}"#, "$.v", -3),
            (#"{"v": "\u0032\u0031"}"#, "$.v", 21),
            (#"{"v": true}"#, "$.v", 1),
            (#"{"v": false}"#, "$.v", 0),
            ("21.5", "$", 21.5),
            ("  42\n", "$", 42),
            ("+3", "$", 3),
            ("\"7.25\"", "$", 7.25),
            (#"{"a": {"b": [0, {"c": 9}]}}"#, "$.a.b[1].c", 9),
            (#"{"key with spaces": 5}"#, "$['key with spaces']", 5),
            (#"{"k\"q": 6}"#, #"$['k"q']"#, 6),
            (#"{"t\u00e9mp": 7}"#, "$['témp']", 7),
            (#"{"x": {"v": 1, "v2": [1,2]}, "v": 2}"#, "$.v", 2),
            (#"{"x": {"v": 1}, "y": {"v": 1}, "v": 3}"#, "$.v", 3),
            ("\u{FEFF}{\"v\": 1}", "$.v", 1),
        ] as [(String, String, Double)])
    func acceptedValues(payload: String, at: String, expected: Double) throws {
        #expect(try value(payload, at).get() == expected)
    }

    @Test(
        arguments: [
            (#"{"v": 21.5"#, "$.v", PayloadRejection.Reason.malformed),
            (#"{"v": 21.5} x"#, "$.v", .malformed),
            (#"{"v": 1, "w": [1,]}"#, "$.v", .malformed),  // damage after the value still rejects
            (#"{"v": 01}"#, "$.v", .malformed),
            (#"{"v": .5}"#, "$.v", .malformed),
            (#"{"v": NaN}"#, "$.v", .malformed),
            (#"{'v': 1}"#, "$.v", .malformed),
            ("", "$.v", .malformed),
            ("hello", "$", .malformed),
            ("0x10", "$", .malformed),
            (#"{"v": 1, "v": 2}"#, "$.v", .duplicateKey),
            (#"{"a": {"v": 1}, "a": {"v": 2}}"#, "$.a.v", .duplicateKey),
            (#"{"w": 1}"#, "$.v", .missing),
            (#"{"v": [1]}"#, "$.v[3]", .missing),
            (#"[1, 2]"#, "$.v", .missing),
            (#"{"v": null}"#, "$.v", .notNumeric),
            (#"{"v": "warm"}"#, "$.v", .notNumeric),
            (#"{"v": "0x1p3"}"#, "$.v", .notNumeric),
            (#"{"v": {}}"#, "$.v", .notNumeric),
            (#"{"v": []}"#, "$.v", .notNumeric),
            (#"{"v": 1e999}"#, "$.v", .notFinite),
            (#"{"v": "NaN"}"#, "$.v", .notFinite),
            (#"{"v": "-Infinity"}"#, "$.v", .notFinite),
            ("nan", "$", .notFinite),
        ] as [(String, String, PayloadRejection.Reason)])
    func rejectedValues(payload: String, at: String, expected: PayloadRejection.Reason) {
        #expect(reason(value(payload, at)) == expected)
    }

    @Test func duplicateKeysOffThePathAreAllowed() throws {
        #expect(try value(#"{"meta": {"x": 1, "x": 2}, "v": 4}"#, "$.v").get() == 4)
    }

    @Test func oversizedPayloadsAreRejectedBeforeParsing() throws {
        let big = "{\"v\": 1, \"pad\": \"" + String(repeating: "x", count: 70_000) + "\"}"
        #expect(reason(value(big, "$.v")) == .tooLarge)
        let justFits = "{\"v\": 1, \"pad\": \"" + String(repeating: "x", count: 65_000) + "\"}"
        #expect(try value(justFits, "$.v").get() == 1)
    }

    @Test func nestingDeeperThanTheLimitIsRejected() throws {
        let limit = PayloadDecoder.maximumNesting
        #expect(limit == 64)
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(reason(value(deep, "$[0]")) == .tooDeep)
        let justTooDeep = String(repeating: "[", count: limit + 1) + "1" + String(repeating: "]", count: limit + 1)
        #expect(reason(value(justTooDeep, "$[0]")) == .tooDeep)
        let fine = String(repeating: "[", count: limit) + "1" + String(repeating: "]", count: limit)
        #expect(try value(fine, "$" + String(repeating: "[0]", count: limit)).get() == 1)
    }

    /// The payload is decoded on the MQTT network thread, whose stack is the smallest Prognos has:
    /// hostile nesting (600 levels crashed a debug build with the old limit of 512) is refused there.
    @Test func hostileNestingIsRefusedOnTheNetworkThreadsStack() async throws {
        let hostile: [[UInt8]] = [
            Array(repeating: UInt8(ascii: "["), count: 600), Array(String(repeating: "{\"a\":", count: 600).utf8),
            Array(repeating: UInt8(ascii: "["), count: PayloadDecoder.maximumPayloadSize),
        ]
        let reasons: [PayloadRejection.Reason?] = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: hostile.map { reason(PayloadDecoder.value(at: path("$.a"), in: $0)) })
            }
            thread.stackSize = ThreadStack.smallestBytes
            thread.start()
        }
        #expect(reasons == [.tooDeep, .tooDeep, .tooDeep])
    }

    @Test func invalidUTF8AndControlCharactersAreMalformed() {
        let bad: [[UInt8]] = [
            Array(#"{"v": 1, "s": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
            Array(#"{"v": 1, "s": ""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8),  // surrogate
            Array(#"{"v": 1, "s": ""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8),  // overlong
            Array(#"{"v": 1, "s": "a"#.utf8) + [0x01] + Array(#""}"#.utf8),
        ]
        for payload in bad {
            #expect(reason(PayloadDecoder.value(at: path("$.v"), in: payload)) == .malformed)
        }
    }

    @Test func severalFieldsInOnePass() throws {
        let decoder = PayloadDecoder(fields: [
            .init(value: path("$.temp"), timestamp: path("$.ts")),
            .init(value: path("$.vib.rms")),
            .init(value: path("$.missing")),
            .init(value: path("$.temp")),
        ])
        let results = decoder.decode(Array(#"{"ts": 1700000000123, "temp": 61.5, "vib": {"rms": 2.25}}"#.utf8))
        #expect(try results[0].get() == .init(value: 61.5, timestamp: 1_700_000_000.123))
        #expect(try results[1].get() == .init(value: 2.25))
        #expect(reason(results[2].map(\.value)) == .missing)
        #expect(try results[3].get() == .init(value: 61.5))
    }

    @Test func moreThan64DistinctPaths() throws {
        let keys = (0..<150).map { "k\($0)" }
        let json = "{" + keys.enumerated().map { "\"\($1)\": \($0)" }.joined(separator: ", ") + "}"
        let decoder = PayloadDecoder(fields: keys.map { .init(value: path("$.\($0)")) })
        let values = try decoder.decode(Array(json.utf8)).map { try $0.get().value }
        #expect(values == (0..<150).map(Double.init))
    }

    @Test(
        arguments: [
            ("1700000000", 1_700_000_000.0),
            ("1700000000.5", 1_700_000_000.5),
            ("1700000000123", 1_700_000_000.123),
            ("1700000000123456", 1_700_000_000.123456),
            ("1700000000123456789", 1_700_000_000.123456789),
            (#""1700000000""#, 1_700_000_000),
            (#""2023-11-14T22:13:20Z""#, 1_700_000_000),
            (#""2023-11-14T22:13:20.250Z""#, 1_700_000_000.25),
            (#""2023-11-14T23:13:20+01:00""#, 1_700_000_000),
            (#""2023-11-14T20:13:20-0200""#, 1_700_000_000),
            (#""2023-11-14 22:13:20""#, 1_700_000_000),  // no zone: UTC
            (#""2024-02-29T00:00:00Z""#, 1_709_164_800),
            (#""1970-01-01""#, 0),
        ] as [(String, Double)])
    func timestamps(json: String, expected: Double) throws {
        let decoder = PayloadDecoder(fields: [.init(value: path("$.v"), timestamp: path("$.t"))])
        let extracted = try decoder.decode(Array("{\"v\": 1, \"t\": \(json)}".utf8))[0].get()
        let seconds = try #require(extracted.timestamp)
        #expect(abs(seconds - expected) < 1e-6)
    }

    @Test(arguments: [
        #""2023-02-29T00:00:00Z""#, #""yesterday""#, #""2023-11-14T25:00:00Z""#, "null", "{}", #""2023-11-14T22:13x""#,
    ])
    func badTimestampsKeepTheValue(json: String) throws {
        let decoder = PayloadDecoder(fields: [.init(value: path("$.v"), timestamp: path("$.t"))])
        let extracted = try decoder.decode(Array("{\"v\": 1, \"t\": \(json)}".utf8))[0].get()
        #expect(extracted.value == 1)
        #expect(extracted.timestamp == nil)
        #expect(extracted.timestampRejection?.reason == .badTimestamp)
    }

    @Test func epochMagnitudeRuleMatchesFoundationDates() {
        let now = Date().timeIntervalSince1970
        #expect(PayloadTimestamp.seconds(fromEpochNumber: now) == now)
        #expect(abs(PayloadTimestamp.seconds(fromEpochNumber: (now * 1e3).rounded())! - now) < 1e-3)
        #expect(abs(PayloadTimestamp.seconds(fromEpochNumber: (now * 1e6).rounded())! - now) < 1e-5)
        #expect(abs(PayloadTimestamp.seconds(fromEpochNumber: (now * 1e9).rounded())! - now) < 1e-5)
        #expect(PayloadTimestamp.seconds(fromEpochNumber: .nan) == nil)
    }
}
