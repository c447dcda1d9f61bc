import PrognosCore

/// Turns Modbus registers into numbers and back, for every `ModbusDataType` and `WordOrder`.
///
/// ## Addresses
/// Every address in Prognos is the 0-based protocol address that travels in the request.
/// The 1-based "Modicon" numbers of manuals map to it as
/// `protocol address = modicon number − base`, with base 1 for coils (00001–09999 or
/// 000001–065536), 10001 for discrete inputs, 30001 for input registers and 40001 for
/// holding registers (`ModbusFunction.modiconBase`). So holding register 40001 is
/// `holding` address 0, 40100 is address 99, input register 30001 is `input` address 0 and
/// coil 00001 is `coil` address 0. A manual that lists "register 100" without a table prefix
/// usually means the protocol address; check one known value before trusting either.
///
/// ## Byte and word order
/// A value's big-endian bytes are A B C D (E F G H for 64-bit), most significant first.
/// `WordOrder` names where they appear on the wire, register by register:
///
/// | order | 16-bit | 32-bit   | 64-bit            |
/// |-------|--------|----------|-------------------|
/// | ABCD  | AB     | AB CD    | AB CD EF GH       |
/// | CDAB  | AB     | CD AB    | GH EF CD AB       |
/// | BADC  | BA     | BA DC    | BA DC FE HG       |
/// | DCBA  | BA     | DC BA    | HG FE DC BA       |
///
/// That is: `wordsSwapped` reverses the order of the registers, `bytesSwapped` swaps the two
/// bytes inside every register. 16-bit values have one register, so only the byte swap applies.
///
/// ## Values
/// The engineering value is `raw × scale + offset`. A `bool` read from a coil or discrete
/// input is its bit (1 or 0); a `bool` read from a register is 1 when the register is non-zero.
/// NaN or ±∞ (from a float register, or from a scale that overflows) is never a good value:
/// `decode` reports it as `.badValue` with no value.
///
/// Encoding is the inverse: `raw = (value − offset) / scale`, rounded to the nearest integer and
/// clamped to the type's range for integer types (NaN encodes as 0), converted to `Float` for
/// float32. Encoding then decoding returns the value exactly for every value the type holds.
public enum ModbusCodec {
    /// The result of decoding one point: its engineering value, or none, and the quality.
    public struct Decoded: Sendable, Equatable {
        public var value: Double?
        public var quality: Quality
        public init(value: Double?, quality: Quality) {
            self.value = value
            self.quality = quality
        }
    }

    // MARK: Raw numbers

    /// The bits of the value held in `registers` (wire order), most significant first, in the
    /// low `16 × count` bits of the result. `registers` must hold 1, 2 or 4 registers.
    @inlinable
    public static func bits(
        _ registers: some RandomAccessCollection<UInt16>, order: WordOrder
    ) -> UInt64 {
        var result: UInt64 = 0
        let count = registers.count
        var index = registers.startIndex
        for i in 0..<count {
            var word = registers[index]
            if order.bytesSwapped { word = word.byteSwapped }
            // Swapped words: the first register on the wire is the least significant.
            let position = order.wordsSwapped ? i : count - 1 - i
            result |= UInt64(word) << (16 * UInt64(position))
            index = registers.index(after: index)
        }
        return result
    }

    /// Registers (wire order) that carry the low `16 × count` bits of `bits` in `order`.
    @inlinable
    public static func registers(bits: UInt64, count: Int, order: WordOrder) -> [UInt16] {
        var result = [UInt16](repeating: 0, count: count)
        for i in 0..<count {
            let position = order.wordsSwapped ? i : count - 1 - i
            var word = UInt16(truncatingIfNeeded: bits >> (16 * UInt64(position)))
            if order.bytesSwapped { word = word.byteSwapped }
            result[i] = word
        }
        return result
    }

    /// The raw number in `registers` (before scale and offset); nil when there are fewer
    /// registers than the type needs. Extra registers after the value are ignored.
    @inlinable
    public static func rawValue(
        _ registers: some RandomAccessCollection<UInt16>, type: ModbusDataType, order: WordOrder
    ) -> Double? {
        let width = type.registerCount
        guard registers.count >= width else { return nil }
        let words = registers.prefix(width)
        let bits = bits(words, order: order)
        switch type {
        case .int16: return Double(Int16(bitPattern: UInt16(truncatingIfNeeded: bits)))
        case .uint16: return Double(UInt16(truncatingIfNeeded: bits))
        case .int32: return Double(Int32(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case .uint32: return Double(UInt32(truncatingIfNeeded: bits))
        case .float32: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case .float64: return Double(bitPattern: bits)
        case .bool: return bits == 0 ? 0 : 1
        }
    }

    /// Registers that hold `raw` as `type` in `order`. Integer types round to nearest and clamp
    /// to their range (NaN gives 0); `bool` is 1 for any non-zero value.
    public static func registers(raw: Double, type: ModbusDataType, order: WordOrder) -> [UInt16] {
        let bits: UInt64
        switch type {
        case .int16: bits = UInt64(UInt16(bitPattern: Int16(clamped(raw, Int16.self))))
        case .uint16: bits = UInt64(UInt16(clamped(raw, UInt16.self)))
        case .int32: bits = UInt64(UInt32(bitPattern: Int32(clamped(raw, Int32.self))))
        case .uint32: bits = UInt64(UInt32(clamped(raw, UInt32.self)))
        case .float32: bits = UInt64(Float(raw).bitPattern)
        case .float64: bits = raw.bitPattern
        case .bool: bits = raw != 0 && !raw.isNaN ? 1 : 0
        }
        return registers(bits: bits, count: type.registerCount, order: order)
    }

    private static func clamped<T: FixedWidthInteger>(_ raw: Double, _: T.Type) -> Int64 {
        guard !raw.isNaN else { return 0 }
        let rounded = raw.rounded(.toNearestOrAwayFromZero)
        if rounded <= Double(T.min) { return Int64(T.min) }
        if rounded >= Double(T.max) { return Int64(T.max) }
        return Int64(rounded)
    }

    // MARK: Points

    /// Decodes `point` from the registers of its answer (starting at the point's first register).
    /// Missing registers, NaN and infinities give `.badValue`; an engineering value outside
    /// `plausible` gives `.outOfRange` with the value.
    @inlinable
    public static func decode(
        registers: some RandomAccessCollection<UInt16>, point: ModbusPoint,
        plausible: PlausibleRange = .unbounded
    ) -> Decoded {
        guard let raw = rawValue(registers, type: point.dataType, order: point.wordOrder) else {
            return Decoded(value: nil, quality: .badValue)
        }
        return qualify(point.engineeringValue(raw), plausible: plausible)
    }

    /// Decodes a point of a bit table (coil or discrete input) from its bit.
    @inlinable
    public static func decode(bit: Bool, point: ModbusPoint, plausible: PlausibleRange = .unbounded) -> Decoded {
        qualify(point.engineeringValue(bit ? 1 : 0), plausible: plausible)
    }

    @inlinable
    static func qualify(_ value: Double, plausible: PlausibleRange) -> Decoded {
        guard value.isFinite else { return Decoded(value: nil, quality: .badValue) }
        return Decoded(value: value, quality: plausible.contains(value) ? .good : .outOfRange)
    }

    /// The raw number that `point` must hold for the engineering `value`: `(value − offset) / scale`.
    public static func rawValue(engineering value: Double, point: ModbusPoint) -> Double {
        (value - point.offset) / point.scale
    }

    /// Registers that make `point` read as the engineering `value` (for a register table).
    public static func encode(_ value: Double, for point: ModbusPoint) -> [UInt16] {
        registers(raw: rawValue(engineering: value, point: point), type: point.dataType, order: point.wordOrder)
    }

    /// The bit that makes a coil or discrete-input `point` read as `value` (non-zero raw is on).
    public static func encodeBit(_ value: Double, for point: ModbusPoint) -> Bool {
        let raw = rawValue(engineering: value, point: point)
        return raw != 0 && !raw.isNaN
    }
}
