public import PrognosCore

/// Extracts numbers, and optionally their timestamps, at JSON paths in MQTT payloads.
///
/// A value may be a JSON number, a string holding a decimal number (`"21.5"`), or `true`/`false`
/// (1/0); with the path `$` the payload may also be a bare number that is not JSON (`21.5\n`, `+3`).
/// A timestamp may be an ISO 8601 string or epoch seconds, milliseconds, microseconds or
/// nanoseconds told apart by magnitude (see `PayloadTimestamp`).
///
/// Rejected, with a `PayloadRejection`: payloads over 64 KiB, malformed JSON (anywhere in the
/// payload, not only on the path), nesting deeper than `maximumNesting`, a duplicate key on a path, a missing
/// value, null, objects, arrays and non-numeric strings, NaN and ±∞.
///
/// All the fields of one topic are found in one pass over the payload (per 64 distinct paths).
public struct PayloadDecoder: Sendable {
    public static let maximumPayloadSize = 64 * 1024
    /// Arrays and objects nested deeper than this are refused. Telemetry nests a few levels; the
    /// scanner recurses once per level on the MQTT network thread (`ThreadStack.smallestBytes`), and
    /// 64 levels stay far inside that stack even in a debug build.
    public static let maximumNesting = 64

    /// One value to extract and, optionally, where its timestamp is.
    public struct Field: Sendable, Equatable {
        public var value: JSONPath
        public var timestamp: JSONPath?
        public init(value: JSONPath, timestamp: JSONPath? = nil) {
            self.value = value
            self.timestamp = timestamp
        }
    }

    public struct Extracted: Sendable, Equatable {
        public var value: Double
        /// Seconds since 1970-01-01T00:00:00Z, when the field has a timestamp path and it held a usable timestamp.
        public var timestamp: Double?
        /// Why the timestamp could not be used (always `.badTimestamp`: missing, duplicate or unreadable),
        /// when the field has a timestamp path; use the receive time instead.
        public var timestampRejection: PayloadRejection?

        public init(value: Double, timestamp: Double? = nil, timestampRejection: PayloadRejection? = nil) {
            self.value = value
            self.timestamp = timestamp
            self.timestampRejection = timestampRejection
        }
    }

    public let fields: [Field]
    /// Distinct paths, compiled, in groups of at most 64 (one scan each).
    private let groups: [[[JSONScanner.CompiledComponent]]]
    private let pathTexts: [String]
    /// For each field, the index of its value path and of its timestamp path among the distinct paths.
    private let slots: [(value: Int, timestamp: Int?)]

    public init(fields: [Field]) {
        var distinct: [JSONPath] = []
        func slot(of path: JSONPath) -> Int {
            if let index = distinct.firstIndex(where: { $0.components == path.components }) { return index }
            distinct.append(path)
            return distinct.count - 1
        }
        self.fields = fields
        self.slots = fields.map { (slot(of: $0.value), $0.timestamp.map(slot(of:))) }
        self.pathTexts = distinct.map(\.description)
        let compiled = distinct.map(JSONScanner.compile)
        self.groups = stride(from: 0, to: compiled.count, by: 64).map {
            Array(compiled[$0..<min($0 + 64, compiled.count)])
        }
    }

    /// One result per field, in `fields` order.
    public func decode(_ payload: UnsafeRawBufferPointer) -> [Result<Extracted, PayloadRejection>] {
        guard payload.count <= Self.maximumPayloadSize else {
            let rejection = PayloadRejection(
                .tooLarge, "\(payload.count) bytes; at most \(Self.maximumPayloadSize) are accepted")
            return Array(repeating: .failure(rejection), count: fields.count)
        }
        var found: [PathResult] = []
        found.reserveCapacity(pathTexts.count)
        for group in groups {
            var scanner = JSONScanner(bytes: payload, paths: group)
            do {
                try scanner.scan()
            } catch {
                let rejection = PayloadRejection(error.reason, "\(error.message) at byte \(error.offset + 1)")
                return fields.indices.map { barePayloadFallback(field: $0, payload: payload) ?? .failure(rejection) }
            }
            for (i, match) in scanner.matches.enumerated() {
                let duplicate = scanner.duplicates & (1 << UInt64(i)) != 0
                found.append(duplicate ? .duplicate : match.map(PathResult.found) ?? .missing)
            }
        }
        return slots.map { slot in
            let value = numericValue(found[slot.value], path: pathTexts[slot.value], payload: payload)
            guard case .success(let number) = value else { return value.map { Extracted(value: $0) } }
            guard let timestampSlot = slot.timestamp else { return .success(Extracted(value: number)) }
            switch timestamp(found[timestampSlot], path: pathTexts[timestampSlot], payload: payload) {
            case .success(let seconds): return .success(Extracted(value: number, timestamp: seconds))
            case .failure(let rejection): return .success(Extracted(value: number, timestampRejection: rejection))
            }
        }
    }

    public func decode(_ payload: [UInt8]) -> [Result<Extracted, PayloadRejection>] {
        payload.withUnsafeBytes { decode($0) }
    }

    /// The number at `path` in `payload`: the one-off form of `decode`.
    public static func value(at path: JSONPath, in payload: [UInt8]) -> Result<Double, PayloadRejection> {
        PayloadDecoder(fields: [Field(value: path)]).decode(payload)[0].map(\.value)
    }

    // MARK: Conversions

    private enum PathResult {
        case found(JSONScanner.Match)
        case missing
        case duplicate
    }

    /// For the path `$`: a payload that is not JSON but a bare number (`21.5\n`, `+3`, `nan`).
    private func barePayloadFallback(
        field: Int, payload: UnsafeRawBufferPointer
    ) -> Result<Extracted, PayloadRejection>? {
        guard fields[field].value.components.isEmpty else { return nil }
        switch NumberText.parseText(payload) {
        case .number(let value): return .success(Extracted(value: value))
        case .nonFinite: return .failure(PayloadRejection(.notFinite, "the payload is NaN or infinite"))
        case .notANumber: return nil
        }
    }

    private func numericValue(
        _ result: PathResult, path: String, payload: UnsafeRawBufferPointer
    ) -> Result<Double, PayloadRejection> {
        let match: JSONScanner.Match
        switch result {
        case .missing: return .failure(PayloadRejection(.missing, "nothing at \(path)"))
        case .duplicate: return .failure(PayloadRejection(.duplicateKey, "a key on \(path) appears twice"))
        case .found(let m): match = m
        }
        let value: Double
        switch match.kind {
        case .number:
            value = NumberText.parseJSONNumber(payload, from: match.start, to: match.end)
        case .string, .stringWithEscapes:
            switch Self.text(of: match, in: payload, NumberText.parseText) {
            case .number(let number): value = number
            case .nonFinite: value = .nan
            case .notANumber: return .failure(PayloadRejection(.notNumeric, "the string at \(path) is not a number"))
            }
        case .trueValue: value = 1
        case .falseValue: value = 0
        case .null: return .failure(PayloadRejection(.notNumeric, "null at \(path)"))
        case .object: return .failure(PayloadRejection(.notNumeric, "an object at \(path)"))
        case .array: return .failure(PayloadRejection(.notNumeric, "an array at \(path)"))
        }
        guard value.isFinite else { return .failure(PayloadRejection(.notFinite, "NaN or infinity at \(path)")) }
        return .success(value)
    }

    private func timestamp(
        _ result: PathResult, path: String, payload: UnsafeRawBufferPointer
    ) -> Result<Double, PayloadRejection> {
        let bad = PayloadRejection(.badTimestamp, "no ISO 8601 date-time or epoch number at \(path)")
        guard case .found(let match) = result else {
            if case .duplicate = result {
                return .failure(PayloadRejection(.badTimestamp, "a key on \(path) appears twice"))
            }
            return .failure(PayloadRejection(.badTimestamp, "no timestamp at \(path)"))
        }
        let seconds: Double?
        switch match.kind {
        case .number:
            seconds = PayloadTimestamp.seconds(
                fromEpochNumber: NumberText.parseJSONNumber(payload, from: match.start, to: match.end))
        case .string, .stringWithEscapes:
            seconds = Self.text(of: match, in: payload) { text in
                if case .number(let number) = NumberText.parseText(text) {
                    return PayloadTimestamp.seconds(fromEpochNumber: number)
                }
                return PayloadTimestamp.seconds(fromISO8601: text)
            }
        default:
            seconds = nil
        }
        return seconds.map { .success($0) } ?? .failure(bad)
    }

    /// Runs `body` on a string's content, escapes decoded.
    private static func text<T>(
        of match: JSONScanner.Match, in payload: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> T
    ) -> T {
        guard match.kind == .stringWithEscapes else {
            return body(UnsafeRawBufferPointer(rebasing: payload[match.start..<match.end]))
        }
        var decoded: [UInt8] = []
        JSONStrings.unescape(payload, from: match.start, to: match.end, into: &decoded)
        return decoded.withUnsafeBytes(body)
    }
}
