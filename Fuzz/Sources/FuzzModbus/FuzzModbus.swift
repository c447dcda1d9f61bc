// libFuzzer target: Modbus response decoding (ModbusCodec.decode(registers:point:plausible:) and decode(bit:…)).
// Properties: no crash; a decoded value is finite, or the quality is bad-value with no value;
// for a random finite raw value of the type, decode(encode(x)) == x (integers exactly, floats bit-exact
// except that -0.0 reads back as +0.0 because the engineering value is raw × 1 + 0).
import CFuzzDriver
import Modbus
import PrognosCore

struct Bytes {
    let data: UnsafeBufferPointer<UInt8>
    var i = 0
    mutating func u8() -> UInt8 {
        defer { i += 1 }
        return i < data.count ? data[i] : 0
    }
    mutating func u16() -> UInt16 { UInt16(u8()) << 8 | UInt16(u8()) }
    mutating func u64() -> UInt64 { (0..<8).reduce(0) { acc, _ in acc << 8 | UInt64(u8()) } }
    var remaining: Int { max(0, data.count - i) }
}

func fail(_ message: String) -> Never {
    print("FuzzModbus property violated: \(message)")
    fatalError(message)
}

let interestingScales: [Double] = [
    1, 0.1, 0.01, 10, -1, 1e-300, 1e300, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 0, -0.5,
]
let interestingOffsets: [Double] = [0, -273.15, 1e308, -1e308, 100, .greatestFiniteMagnitude]

func checkFinite(_ d: ModbusCodec.Decoded, _ context: @autoclosure () -> String) {
    if let v = d.value {
        if !v.isFinite { fail("non-finite value \(v) with quality \(d.quality): \(context())") }
        if d.quality == .badValue { fail("bad-value quality with a value \(v): \(context())") }
    } else if d.quality != .badValue {
        fail("no value but quality \(d.quality): \(context())")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    var b = Bytes(data: UnsafeBufferPointer(start: pointer, count: count))
    let type = ModbusDataType.allCases[Int(b.u8()) % ModbusDataType.allCases.count]
    let order = WordOrder.allCases[Int(b.u8()) % WordOrder.allCases.count]
    let mode = b.u8()
    let scale = mode & 1 == 0 ? interestingScales[Int(b.u8()) % interestingScales.count] : Double(bitPattern: b.u64())
    let offset =
        mode & 2 == 0 ? interestingOffsets[Int(b.u8()) % interestingOffsets.count] : Double(bitPattern: b.u64())
    let lower = Double(Int16(bitPattern: b.u16())), upper = lower + Double(b.u16())
    let plausible = mode & 4 == 0 ? PlausibleRange.unbounded : PlausibleRange(lower: lower, upper: upper)
    let function: ModbusFunction = mode & 8 == 0 ? .holdingRegister : .inputRegister
    let point = ModbusPoint(
        device: "d", function: function, address: 0, dataType: type, wordOrder: order, scale: scale, offset: offset)

    // Any registers (0…5 of them, so too few is exercised too).
    var registers: [UInt16] = []
    let wanted = Int(b.u8()) % 6
    for _ in 0..<wanted where b.remaining > 0 { registers.append(b.u16()) }
    let decoded = ModbusCodec.decode(registers: registers, point: point, plausible: plausible)
    checkFinite(decoded, "\(type) \(order) scale \(scale) offset \(offset) registers \(registers)")
    if registers.count < type.registerCount, decoded.value != nil {
        fail("value from too few registers \(registers) for \(type)")
    }
    // An ArraySlice with a non-zero start index must decode the same.
    let padded = [UInt16(0xDEAD)] + registers
    let sliced = ModbusCodec.decode(registers: padded[1...], point: point, plausible: plausible)
    if sliced.quality != decoded.quality || sliced.value?.bitPattern != decoded.value?.bitPattern {
        fail("slice decode \(sliced) differs from array decode \(decoded) for \(registers)")
    }
    let bitPoint = ModbusPoint(device: "d", function: .coil, address: 0, dataType: .bool, scale: scale, offset: offset)
    checkFinite(
        ModbusCodec.decode(bit: mode & 16 != 0, point: bitPoint, plausible: plausible),
        "bit, scale \(scale) offset \(offset)")

    // Round trip of a finite raw value of the type, scale 1 offset 0.
    let unit = ModbusPoint(device: "d", function: .holdingRegister, address: 0, dataType: type, wordOrder: order)
    let bits = b.u64()
    let raw: Double?
    switch type {
    case .int16: raw = Double(Int16(truncatingIfNeeded: bits))
    case .uint16: raw = Double(UInt16(truncatingIfNeeded: bits))
    case .int32: raw = Double(Int32(truncatingIfNeeded: bits))
    case .uint32: raw = Double(UInt32(truncatingIfNeeded: bits))
    case .float32:
        let f = Float(bitPattern: UInt32(truncatingIfNeeded: bits))
        raw = f.isFinite ? Double(f) : nil
    case .float64:
        let d = Double(bitPattern: bits)
        raw = d.isFinite ? d : nil
    case .bool: raw = Double(bits & 1)
    }
    if let raw {
        let back = ModbusCodec.decode(registers: ModbusCodec.encode(raw, for: unit), point: unit)
        let expected = raw == 0 ? 0.0 : raw  // -0.0 × 1 + 0 is +0.0
        guard back.quality == .good, let value = back.value, value.bitPattern == expected.bitPattern else {
            fail("round trip \(type) \(order): \(raw) (bits \(String(raw.bitPattern, radix: 16))) read back as \(back)")
        }
        // Integer types with a decimal scale and an offset: the raw number still round-trips exactly.
        if type != .float32, type != .float64, type != .bool {
            let scaled = ModbusPoint(
                device: "d", function: .inputRegister, address: 0, dataType: type, wordOrder: order, scale: 0.1,
                offset: -40)
            let engineering = scaled.engineeringValue(raw)
            let registers = ModbusCodec.encode(engineering, for: scaled)
            let rawBack = ModbusCodec.rawValue(registers, type: type, order: order)
            if rawBack != raw {
                fail(
                    "scaled round trip \(type) \(order): raw \(raw) → \(engineering) → raw \(String(describing: rawBack))"
                )
            }
        }
    }
    return 0
}

@_cdecl("FuzzModbus_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) {
        prognos_fuzz_on_stack(ThreadStack.smallestBytes, { fuzzOne($0!, $1) }, $0, $1)
    }
}
