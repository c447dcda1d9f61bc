import PrognosCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict, validating, single-pass JSON scanner (RFC 8259) that finds the values at a set of
/// paths without building a document.
///
/// The whole payload is validated (grammar, string escapes, UTF-8, nesting ≤
/// `PayloadDecoder.maximumNesting`), so a
/// malformed payload is rejected even when the wanted value comes before the damage. On the
/// wanted paths it also rejects duplicate keys, which Foundation's parser silently accepts.
/// Works on borrowed bytes; any input, however broken, ends in a result or an error — never a trap.
struct JSONScanner {
    /// What a path led to: the value's kind and its bytes (strings without their quotes).
    struct Match: Equatable {
        enum Kind: Equatable { case number, string, stringWithEscapes, trueValue, falseValue, null, object, array }
        var kind: Kind
        var start: Int
        var end: Int
    }

    struct Failure: Error, Equatable {
        var reason: PayloadRejection.Reason
        var offset: Int
        var message: String
    }

    static let maximumDepth = PayloadDecoder.maximumNesting

    private let bytes: UnsafeRawBufferPointer
    private let paths: [[CompiledComponent]]
    private var position = 0
    private(set) var matches: [Match?]
    /// Paths with a duplicate key on them (bit i = path i).
    private(set) var duplicates: UInt64 = 0
    private var scratch: [UInt8] = []

    enum CompiledComponent: Equatable {
        case key([UInt8])
        case index(Int)
    }

    static func compile(_ path: JSONPath) -> [CompiledComponent] {
        path.components.map {
            switch $0 {
            case .key(let key): .key(Array(key.utf8))
            case .index(let index): .index(index)
            }
        }
    }

    /// Prepares a scan of `bytes` for at most 64 paths.
    init(bytes: UnsafeRawBufferPointer, paths: [[CompiledComponent]]) {
        precondition(paths.count <= 64, "JSONScanner handles at most 64 paths per pass")
        self.bytes = bytes
        self.paths = paths
        self.matches = Array(repeating: nil, count: paths.count)
    }

    /// Validates the whole payload and records the match of every path.
    mutating func scan() throws(Failure) {
        // A UTF-8 byte order mark is tolerated.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        skipWhitespace()
        let all: UInt64 = paths.count == 64 ? ~0 : (1 << UInt64(paths.count)) - 1
        try value(depth: 0, alive: all, level: 0)
        skipWhitespace()
        guard position == bytes.count else { throw fail(.malformed, "unexpected data after the JSON value") }
    }

    // MARK: Values

    private mutating func value(depth: Int, alive: UInt64, level: Int) throws(Failure) {
        guard position < bytes.count else { throw fail(.malformed, "unexpected end of payload") }
        let start = position
        let kind: Match.Kind
        switch bytes[position] {
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw fail(.tooDeep, "nested deeper than \(Self.maximumDepth)") }
            try object(depth: depth + 1, alive: alive, level: level)
            kind = .object
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw fail(.tooDeep, "nested deeper than \(Self.maximumDepth)") }
            try array(depth: depth + 1, alive: alive, level: level)
            kind = .array
        case UInt8(ascii: "\""):
            let hasEscapes = try string()
            record(
                alive: alive, level: level,
                Match(kind: hasEscapes ? .stringWithEscapes : .string, start: start + 1, end: position - 1))
            return
        case UInt8(ascii: "t"):
            try literal("true")
            kind = .trueValue
        case UInt8(ascii: "f"):
            try literal("false")
            kind = .falseValue
        case UInt8(ascii: "n"):
            try literal("null")
            kind = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number()
            kind = .number
        default: throw fail(.malformed, "unexpected character")
        }
        record(alive: alive, level: level, Match(kind: kind, start: start, end: position))
    }

    /// Records `match` for the alive paths that end at this level.
    @inline(__always)
    private mutating func record(alive: UInt64, level: Int, _ match: Match) {
        var remaining = alive
        while remaining != 0 {
            let i = remaining.trailingZeroBitCount
            remaining &= remaining - 1
            if paths[i].count == level { matches[i] = match }
        }
    }

    private mutating func object(depth: Int, alive: UInt64, level: Int) throws(Failure) {
        position += 1  // {
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return
        }
        var seen: UInt64 = 0
        while true {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw fail(.malformed, "expected a key in double quotes")
            }
            let keyStart = position + 1
            let hasEscapes = try string()
            let keyEnd = position - 1
            var next: UInt64 = 0
            if alive != 0 {
                next = pathsMatchingKey(alive: alive, level: level, start: keyStart, end: keyEnd, escaped: hasEscapes)
                let repeated = next & seen
                duplicates |= repeated
                seen |= next
                next &= ~repeated
            }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw fail(.malformed, "expected ':' after a key")
            }
            position += 1
            skipWhitespace()
            try value(depth: depth, alive: next, level: level + 1)
            skipWhitespace()
            guard position < bytes.count else { throw fail(.malformed, "unterminated object") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
            } else if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return
            } else {
                throw fail(.malformed, "expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array(depth: Int, alive: UInt64, level: Int) throws(Failure) {
        position += 1  // [
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return
        }
        var index = 0
        while true {
            let next = alive == 0 ? 0 : pathsMatchingIndex(alive: alive, level: level, index: index)
            try value(depth: depth, alive: next, level: level + 1)
            skipWhitespace()
            guard position < bytes.count else { throw fail(.malformed, "unterminated array") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
                index += 1
            } else if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return
            } else {
                throw fail(.malformed, "expected ',' or ']' in an array")
            }
        }
    }

    // MARK: Path matching

    private mutating func pathsMatchingKey(alive: UInt64, level: Int, start: Int, end: Int, escaped: Bool) -> UInt64 {
        if escaped {
            scratch.removeAll(keepingCapacity: true)
            JSONStrings.unescape(bytes, from: start, to: end, into: &scratch)
        }
        var result: UInt64 = 0
        var remaining = alive
        while remaining != 0 {
            let i = remaining.trailingZeroBitCount
            remaining &= remaining - 1
            guard level < paths[i].count, case .key(let key) = paths[i][level] else { continue }
            let equal: Bool
            if escaped {
                equal = scratch == key
            } else {
                equal =
                    end - start == key.count
                    && key.withUnsafeBytes { k in
                        k.count == 0 || memcmp(k.baseAddress!, bytes.baseAddress! + start, k.count) == 0
                    }
            }
            if equal { result |= 1 << UInt64(i) }
        }
        return result
    }

    private func pathsMatchingIndex(alive: UInt64, level: Int, index: Int) -> UInt64 {
        var result: UInt64 = 0
        var remaining = alive
        while remaining != 0 {
            let i = remaining.trailingZeroBitCount
            remaining &= remaining - 1
            if level < paths[i].count, case .index(let wanted) = paths[i][level], wanted == index {
                result |= 1 << UInt64(i)
            }
        }
        return result
    }

    // MARK: Tokens

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count,
            memcmp(bytes.baseAddress! + position, word.utf8Start, count) == 0
        else { throw fail(.malformed, "unexpected character") }
        position += count
    }

    /// Scans a number per RFC 8259: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func number() throws(Failure) {
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw fail(.malformed, "a number needs digits") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw fail(.malformed, "a decimal point needs digits after it")
            }
            skipDigits()
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw fail(.malformed, "an exponent needs digits")
            }
            skipDigits()
        }
    }

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    private mutating func skipDigits() {
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    /// Scans a string from its opening quote to after its closing quote; returns whether it has escapes.
    private mutating func string() throws(Failure) -> Bool {
        position += 1  // opening quote
        var hasEscapes = false
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                position += 1
                return hasEscapes
            } else if b == UInt8(ascii: "\\") {
                hasEscapes = true
                try escape()
            } else if b < 0x20 {
                throw fail(.malformed, "control character in a string")
            } else if b < 0x80 {
                position += 1
            } else {
                guard let length = JSONStrings.validUTF8SequenceLength(bytes, at: position) else {
                    throw fail(.malformed, "invalid UTF-8")
                }
                position += length
            }
        }
        throw fail(.malformed, "unterminated string")
    }

    private mutating func escape() throws(Failure) {
        guard position + 1 < bytes.count else { throw fail(.malformed, "unterminated escape") }
        switch bytes[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            guard position + 5 < bytes.count,
                (2...5).allSatisfy({ JSONStrings.hexValue(bytes[position + $0]) != nil })
            else { throw fail(.malformed, "\\u needs four hex digits") }
            position += 6
        default:
            throw fail(.malformed, "invalid escape")
        }
    }

    private func fail(_ reason: PayloadRejection.Reason, _ message: String) -> Failure {
        Failure(reason: reason, offset: position, message: message)
    }
}
