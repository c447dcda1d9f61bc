import Foundation
import MQTT
import PrognosCore
import Testing

/// Random JSON documents with one number planted at a random path.
struct JSONGenerator {
    var rng: SplitMix64

    mutating func whitespace() -> String {
        ["", "", " ", "\n", "\t ", "\r\n  "].randomElement(using: &rng)!
    }

    mutating func key() -> String {
        let plain = ["v", "value", "temp", "a", "b", "x y", "ключ", "温度", "k\"q", "back\\slash", "tab\t"]
        return plain.randomElement(using: &rng)!
            + (Bool.random(using: &rng) ? "" : String(Int.random(in: 0..<50, using: &rng)))
    }

    /// A JSON string literal, sometimes with every character escaped as \uXXXX.
    mutating func quoted(_ text: String) -> String {
        if Int.random(in: 0..<4, using: &rng) == 0 {
            return "\"" + text.utf16.map { String(format: "\\u%04x", $0) }.joined() + "\""
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    mutating func number() -> (text: String, value: Double) {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:
            let v = Double(Int.random(in: -1_000_000...1_000_000, using: &rng))
            return (String(Int(v)), v)
        case 1:
            let v = Double.random(in: -1e6...1e6, using: &rng)
            return ("\(v)", v)
        case 2:
            let v = Double(
                sign: .plus, exponent: Int.random(in: -300...300, using: &rng),
                significand: Double.random(in: 1..<2, using: &rng))
            let text = String(format: "%.17g", v)
            return (text, Double(text)!)
        case 3:
            let mantissa = Int.random(in: 0...99_999, using: &rng)
            let exponent = Int.random(in: -30...30, using: &rng)
            let text = "\(mantissa)e\(exponent)"
            return (text, Double(text)!)
        default:
            let digits = (0..<Int.random(in: 1...25, using: &rng)).map { _ in String(Int.random(in: 0...9, using: &rng))
            }.joined()
            let text = "1" + digits + "." + digits
            return (text, Double(text)!)
        }
    }

    mutating func filler(depth: Int) -> String {
        let choice = depth > 3 ? Int.random(in: 0..<4, using: &rng) : Int.random(in: 0..<6, using: &rng)
        switch choice {
        case 0: return number().text
        case 1: return quoted(key())
        case 2: return ["true", "false", "null"].randomElement(using: &rng)!
        case 3: return "[]"
        case 4:
            let items = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                whitespace() + filler(depth: depth + 1) + whitespace()
            }
            return "[" + items.joined(separator: ",") + "]"
        default:
            let members = (0..<Int.random(in: 0...3, using: &rng)).map { i in
                whitespace() + quoted("f\(i)") + whitespace() + ":" + whitespace() + filler(depth: depth + 1)
            }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    /// A document, the path to the planted value, and the value.
    mutating func document() -> (json: String, path: JSONPath, value: Double) {
        let (text, value) = number()
        var json = text
        var components: [JSONPath.Component] = []
        for _ in 0..<Int.random(in: 0...6, using: &rng) {
            if Bool.random(using: &rng) {
                let k = key()
                var members = (0..<Int.random(in: 0...3, using: &rng)).map { i in
                    quoted("other\(i)") + ":" + filler(depth: 2)
                }
                members.insert(
                    quoted(k) + whitespace() + ":" + whitespace() + json,
                    at: Int.random(in: 0...members.count, using: &rng))
                json = "{" + whitespace() + members.joined(separator: "," + whitespace()) + whitespace() + "}"
                components.insert(.key(k), at: 0)
            } else {
                var items = (0..<Int.random(in: 0...3, using: &rng)).map { _ in filler(depth: 2) }
                let index = Int.random(in: 0...items.count, using: &rng)
                items.insert(json, at: index)
                json = "[" + items.joined(separator: "," + whitespace()) + "]"
                components.insert(.index(index), at: 0)
            }
        }
        let description =
            "$"
            + components.map {
                switch $0 {
                case .key(let k): "['\(k)']"
                case .index(let i): "[\(i)]"
                }
            }.joined()
        return (whitespace() + json + whitespace(), JSONPath(components: components, description: description), value)
    }
}

@Suite struct PayloadFuzzTests {
    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 0xC0FFEE)
        let alphabet = Array("{}[]\",:.-+eE0123456789 \\truefalsnul".utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xED, 0xF4, 0xFF]
        let decoder = PayloadDecoder(fields: [
            .init(value: path("$"), timestamp: path("$.t")), .init(value: path("$.a[1].b")), .init(value: path("$[0]")),
        ])
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...64, using: &rng)
            let bytes: [UInt8] = (0..<count).map { _ in
                Bool.random(using: &rng) ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            #expect(decoder.decode(bytes).count == 3)
        }
    }

    @Test func mutatedJSONNeverCrashesAndValidityAgreesWithFoundation() throws {
        var generator = JSONGenerator(rng: SplitMix64(seed: 42))
        var disagreements: [String] = []
        for _ in 0..<2_000 {
            var bytes = Array(generator.document().json.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &generator.rng) where !bytes.isEmpty {
                let i = Int.random(in: 0..<bytes.count, using: &generator.rng)
                switch Int.random(in: 0..<3, using: &generator.rng) {
                case 0: bytes.remove(at: i)
                case 1: bytes[i] = Array("{}[]\",:0e.-\\ ax".utf8).randomElement(using: &generator.rng)!
                default: bytes.insert(Array("{}[]\",:0".utf8).randomElement(using: &generator.rng)!, at: i)
                }
            }
            let ours = PayloadDecoder.value(at: path("$.nothing"), in: bytes)
            let weAccept = reason(ours) != .malformed && reason(ours) != .tooDeep
            let foundationAccepts =
                (try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)) != nil
            let text = String(decoding: bytes, as: UTF8.self)
            // Two deliberate differences: Foundation accepts trailing commas (RFC 8259 does not), and it
            // refuses numbers beyond a Double's range, which we parse and then reject as not finite.
            if foundationAccepts && !weAccept && text.contains(/,\s*[\]}]/) { continue }
            if weAccept && !foundationAccepts && text.contains(/\d[eE][+-]?\d{3,}/) { continue }
            if weAccept != foundationAccepts { disagreements.append(text) }
        }
        #expect(disagreements.isEmpty, "first: \(disagreements.prefix(3))")
    }

    @Test func encodeThenExtractReturnsTheValue() throws {
        var generator = JSONGenerator(rng: SplitMix64(seed: 7))
        for _ in 0..<2_000 {
            let (json, at, expected) = generator.document()
            let result = PayloadDecoder.value(at: at, in: Array(json.utf8))
            guard case .success(let got) = result else {
                Issue.record("\(result) for \(at) in \(json)")
                return
            }
            #expect(got == expected, "\(at) in \(json)")
        }
    }

    @Test func numbersParseExactlyAsTheStandardLibraryDoes() throws {
        var generator = JSONGenerator(rng: SplitMix64(seed: 99))
        for _ in 0..<2_000 {
            let (text, value) = generator.number()
            #expect(try PayloadDecoder.value(at: path("$"), in: Array(text.utf8)).get() == value, "\(text)")
            if !text.hasPrefix("-") {
                let negated = "-" + text
                #expect(try PayloadDecoder.value(at: path("$"), in: Array(negated.utf8)).get() == -value, "\(negated)")
            }
        }
    }
}
