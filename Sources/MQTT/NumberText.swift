/// Turning number text into a `Double`.
enum NumberText {
    /// Powers of ten that a Double holds exactly.
    private static let exactPowers: [Double] = (0...22).map { exponent in
        var p = 1.0
        for _ in 0..<exponent { p *= 10 }
        return p
    }

    /// The value of a number the scanner already validated against JSON's grammar.
    ///
    /// Fast path (Clinger): with at most 19 significant digits forming an integer below 2^53 and a
    /// decimal exponent within ±22, one exact multiplication or division gives the correctly rounded
    /// result. Anything else goes through the standard library's correctly rounded parser.
    static func parseJSONNumber(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Double {
        var i = start
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        while i < end, bytes[i] &- UInt8(ascii: "0") < 10 {
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- UInt8(ascii: "0"))
                if mantissa != 0 { digits += 1 }
            } else {
                return slowParse(bytes, from: start, to: end)
            }
            i += 1
        }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, bytes[i] &- UInt8(ascii: "0") < 10 {
                if digits >= 19 { return slowParse(bytes, from: start, to: end) }
                mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- UInt8(ascii: "0"))
                if mantissa != 0 { digits += 1 }
                exponent -= 1
                i += 1
            }
        }
        if i < end {  // e or E
            i += 1
            var exponentNegative = false
            if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var written = 0
            while i < end {
                if written > 100_000 { return slowParse(bytes, from: start, to: end) }
                written = written * 10 + Int(bytes[i] &- UInt8(ascii: "0"))
                i += 1
            }
            exponent += exponentNegative ? -written : written
        }
        guard mantissa < (1 << 53), (-22...22).contains(exponent) else { return slowParse(bytes, from: start, to: end) }
        var value = Double(mantissa)
        value = exponent >= 0 ? value * exactPowers[exponent] : value / exactPowers[-exponent]
        return negative ? -value : value
    }

    private static func slowParse(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Double {
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        return Double(text) ?? .nan
    }

    enum TextValue: Equatable {
        case number(Double)
        /// "NaN", "inf", "-Infinity" and the like (any case).
        case nonFinite
        case notANumber
    }

    /// A number written as text (a JSON string's content, or a bare payload): optional surrounding
    /// whitespace, an optional sign, decimal digits with an optional fraction and exponent
    /// (`21.5`, `+3`, `.5`, `1e3`). Hexadecimal and other forms Swift's `Double(_:)` accepts are refused.
    static func parseText(_ bytes: UnsafeRawBufferPointer) -> TextValue {
        var start = 0
        var end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        guard start < end, end - start <= 400 else { return .notANumber }
        var i = start
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        let word = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self).lowercased()
        if word == "nan" || word == "inf" || word == "infinity" { return .nonFinite }
        var integerDigits = 0
        var fractionDigits = 0
        while i < end, isDigit(bytes[i]) {
            i += 1
            integerDigits += 1
        }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, isDigit(bytes[i]) {
                i += 1
                fractionDigits += 1
            }
        }
        guard integerDigits + fractionDigits > 0 else { return .notANumber }
        if i < end, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            var exponentDigits = 0
            while i < end, isDigit(bytes[i]) {
                i += 1
                exponentDigits += 1
            }
            guard exponentDigits > 0 else { return .notANumber }
        }
        guard i == end else { return .notANumber }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        guard let value = Double(text) else { return .notANumber }
        return value.isFinite ? .number(value) : .nonFinite
    }

    @inline(__always) private static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }
}
