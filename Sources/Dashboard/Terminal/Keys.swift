/// A key press, decoded from the bytes a terminal sends.
public enum Key: Sendable, Equatable, Hashable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, delete, tab, backTab
    /// Ctrl + a letter (lowercase), other than the ones above (Tab is Ctrl-I, Enter Ctrl-M).
    case control(Character)
}

/// Decodes terminal input (UTF-8 text, C0 controls, CSI and SS3 sequences) into keys.
/// Bytes of an unfinished sequence are kept until more input arrives or `flush()` is called.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Whether bytes wait for the rest of a sequence (a lone ESC: Esc itself, or the start of one).
    public var hasPending: Bool { !pending.isEmpty }

    /// Keys in `bytes` (and in what was pending).
    public mutating func decode(_ bytes: [UInt8]) -> [Key] {
        pending += bytes
        var keys: [Key] = []
        var i = 0
        let b = pending
        loop: while i < b.count {
            let byte = b[i]
            switch byte {
            case 0x1B:
                guard i + 1 < b.count else { break loop }  // wait: Esc or the start of a sequence
                let next = b[i + 1]
                if next == UInt8(ascii: "[") || next == UInt8(ascii: "O") {
                    // CSI / SS3: parameters then a final byte in 0x40...0x7E.
                    var j = i + 2
                    while j < b.count, !(0x40...0x7E).contains(b[j]) { j += 1 }
                    guard j < b.count else { break loop }
                    let params = String(decoding: b[(i + 2)..<j], as: UTF8.self)
                    if let key = Self.sequence(final: b[j], params: params) { keys.append(key) }
                    i = j + 1
                } else if next == 0x1B {
                    keys.append(.escape)
                    i += 1
                } else {
                    // Alt + key: read as the key.
                    keys.append(.escape)
                    i += 1
                }
            case 0x0D, 0x0A:
                keys.append(.enter)
                i += 1
            case 0x09:
                keys.append(.tab)
                i += 1
            case 0x7F, 0x08:
                keys.append(.backspace)
                i += 1
            case 0x01...0x1A:
                keys.append(.control(Character(Unicode.Scalar(byte + 0x60))))
                i += 1
            case 0x00...0x1F:
                i += 1
            default:
                // UTF-8: the sequence length from the lead byte.
                let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                guard i + length <= b.count else { break loop }
                let text = String(decoding: b[i..<(i + length)], as: UTF8.self)
                if let character = text.first { keys.append(.character(character)) }
                i += length
            }
        }
        pending = Array(b[i...])
        return keys
    }

    /// Whatever is pending, taken as complete: a lone ESC is the Esc key.
    public mutating func flush() -> [Key] {
        defer { pending = [] }
        return pending.first == 0x1B ? [.escape] : []
    }

    private static func sequence(final: UInt8, params: String) -> Key? {
        switch final {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return .right
        case UInt8(ascii: "D"): return .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "Z"): return .backTab
        case UInt8(ascii: "~"):
            switch params.split(separator: ";").first ?? "" {
            case "1", "7": return .home
            case "4", "8": return .end
            case "3": return .delete
            case "5": return .pageUp
            case "6": return .pageDown
            default: return nil
            }
        default: return nil
        }
    }
}
