/// A small JSONPath subset for picking a value out of an MQTT payload:
/// `$` (the payload itself), `$.a.b`, `$.values[2].v`, `$['key with spaces']`.
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    public enum Component: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]
    public let description: String

    public init(components: [Component], description: String) {
        self.components = components
        self.description = description
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "\(reason) at character \(offset + 1)" }
    }

    /// Parses a path; it must start at the root `$`.
    public init(parsing text: String) throws(ParseError) {
        let chars = Array(text)
        guard chars.first == "$" else { throw ParseError(offset: 0, reason: "a JSON path starts with '$'") }
        var components: [Component] = []
        var i = 1
        while i < chars.count {
            switch chars[i] {
            case ".":
                i += 1
                let start = i
                while i < chars.count, chars[i] != ".", chars[i] != "[" { i += 1 }
                guard i > start else { throw ParseError(offset: start, reason: "empty key after '.'") }
                components.append(.key(String(chars[start..<i])))
            case "[":
                i += 1
                if i < chars.count, chars[i] == "'" || chars[i] == "\"" {
                    let quote = chars[i]
                    i += 1
                    let start = i
                    while i < chars.count, chars[i] != quote { i += 1 }
                    guard i < chars.count else { throw ParseError(offset: start, reason: "unterminated quoted key") }
                    components.append(.key(String(chars[start..<i])))
                    i += 1
                } else {
                    let start = i
                    while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1 }
                    guard i > start, let index = Int(String(chars[start..<i])) else {
                        throw ParseError(offset: start, reason: "expected an array index or a quoted key")
                    }
                    components.append(.index(index))
                }
                guard i < chars.count, chars[i] == "]" else { throw ParseError(offset: i, reason: "expected ']'") }
                i += 1
            default:
                throw ParseError(offset: i, reason: "unexpected '\(chars[i])'")
            }
        }
        self.components = components
        self.description = text
    }
}
