import LinearAlgebra

/// A little-endian binary writer: Doubles are written as their exact bit patterns, so a model
/// read back predicts bit for bit what the original did.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func write(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func write(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func write(_ v: Int) { write(UInt64(bitPattern: Int64(v))) }
    mutating func write(_ v: Double) { write(v.bitPattern) }
    mutating func write(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func write(_ v: [Double]) {
        write(v.count)
        for x in v { write(x) }
    }
    mutating func write(_ v: String) {
        let utf8 = Array(v.utf8)
        write(utf8.count)
        bytes.append(contentsOf: utf8)
    }
    mutating func write(_ v: [String]) {
        write(v.count)
        for s in v { write(s) }
    }
    mutating func write(_ m: Matrix) {
        write(m.rows)
        write(m.cols)
        for x in m.elements { write(x) }
    }
}

/// The matching reader; every read checks bounds and throws on truncated or corrupt input.
struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, offset + n <= bytes.count else { throw WorldModelError("model bytes are truncated") }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    mutating func readUInt64() throws -> UInt64 {
        try take(8).reversed().reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
    }
    mutating func readUInt32() throws -> UInt32 {
        try take(4).reversed().reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
    }
    mutating func readInt() throws -> Int { Int(Int64(bitPattern: try readUInt64())) }
    mutating func readCount() throws -> Int {
        let n = try readInt()
        // A count can never exceed the bytes left: guards against absurd allocations.
        guard n >= 0, n <= bytes.count - offset else { throw WorldModelError("model bytes hold an invalid count") }
        return n
    }
    mutating func readDouble() throws -> Double { Double(bitPattern: try readUInt64()) }
    mutating func readDoubles() throws -> [Double] {
        let n = try readCount()
        return try (0..<n).map { _ in try readDouble() }
    }
    mutating func readString() throws -> String {
        let n = try readCount()
        guard let s = String(validating: try take(n), as: UTF8.self) else {
            throw WorldModelError("model bytes hold invalid UTF-8")
        }
        return s
    }
    mutating func readStrings() throws -> [String] {
        let n = try readCount()
        return try (0..<n).map { _ in try readString() }
    }
    mutating func readMatrix() throws -> Matrix {
        let rows = try readCount()
        let cols = try readCount()
        guard rows == 0 || cols <= (bytes.count - offset) / 8 / max(rows, 1) else {
            throw WorldModelError("model bytes hold an invalid matrix size")
        }
        return Matrix(rows: rows, cols: cols, elements: try (0..<(rows * cols)).map { _ in try readDouble() })
    }
}
