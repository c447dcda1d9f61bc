/// Byte-level helpers for JSON strings: UTF-8 validation, hex digits, unescaping.
enum JSONStrings {
    /// The length of the well-formed UTF-8 sequence starting at `i` (a byte ≥ 0x80), or nil.
    /// Rejects overlong forms, surrogates (U+D800–U+DFFF) and code points above U+10FFFF.
    static func validUTF8SequenceLength(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Int? {
        let b0 = bytes[i]
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            upper = 0x9F
        case 0xF0:
            length = 4
            lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            upper = 0x8F
        default: return nil
        }
        guard bytes.count - i >= length else { return nil }
        let b1 = bytes[i + 1]
        guard b1 >= lower, b1 <= upper else { return nil }
        for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return nil }
        return length
    }

    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Appends the UTF-8 of the already validated string content `bytes[start..<end]`, escapes
    /// decoded. A lone surrogate in a `\u` escape becomes U+FFFD.
    static func unescape(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, into out: inout [UInt8]) {
        var i = start
        while i < end {
            let b = bytes[i]
            guard b == UInt8(ascii: "\\"), i + 1 < end else {
                out.append(b)
                i += 1
                continue
            }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = hex4(bytes, at: i, end: end) else { return }
                i += 4
                var scalar = unit
                if (0xD800...0xDBFF).contains(unit), end - i >= 6, bytes[i] == UInt8(ascii: "\\"),
                    bytes[i + 1] == UInt8(ascii: "u"), let low = hex4(bytes, at: i + 2, end: end),
                    (0xDC00...0xDFFF).contains(low)
                {
                    scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default: out.append(e)  // \" \\ \/
            }
        }
    }

    private static func hex4(_ bytes: UnsafeRawBufferPointer, at i: Int, end: Int) -> UInt32? {
        guard end - i >= 4 else { return nil }
        var value: UInt32 = 0
        for k in 0..<4 {
            guard let digit = hexValue(bytes[i + k]) else { return nil }
            value = value << 4 | digit
        }
        return value
    }
}
