import Modbus
import PrognosCore
import Testing

@Suite struct CodecTests {
    static let orders = WordOrder.allCases
    static let registerTypes: [ModbusDataType] = [.int16, .uint16, .int32, .uint32, .float32, .float64, .bool]

    /// 0x12345678 in the four orders, as the WordOrder doc comment describes.
    @Test(arguments: [
        (WordOrder.abcd, [UInt16(0x1234), 0x5678]),
        (.cdab, [0x5678, 0x1234]),
        (.badc, [0x3412, 0x7856]),
        (.dcba, [0x7856, 0x3412]),
    ])
    func thirtyTwoBitOrders(order: WordOrder, registers: [UInt16]) {
        #expect(ModbusCodec.registers(raw: Double(0x1234_5678), type: .uint32, order: order) == registers)
        #expect(ModbusCodec.rawValue(registers, type: .uint32, order: order) == Double(0x1234_5678))
    }

    /// 0x0102030405060708: ABCDEFGH, GHEFCDAB, BADCFEHG, HGFEDCBA.
    @Test(arguments: [
        (WordOrder.abcd, [UInt16(0x0102), 0x0304, 0x0506, 0x0708]),
        (.cdab, [0x0708, 0x0506, 0x0304, 0x0102]),
        (.badc, [0x0201, 0x0403, 0x0605, 0x0807]),
        (.dcba, [0x0807, 0x0605, 0x0403, 0x0201]),
    ])
    func sixtyFourBitOrders(order: WordOrder, registers: [UInt16]) {
        let bits: UInt64 = 0x0102_0304_0506_0708
        #expect(ModbusCodec.registers(bits: bits, count: 4, order: order) == registers)
        #expect(ModbusCodec.bits(registers, order: order) == bits)
        #expect(ModbusCodec.rawValue(registers, type: .float64, order: order) == Double(bitPattern: bits))
    }

    @Test func knownValues() {
        // IEEE 754: 1234.5 = 0x449A5000; -1.0 = 0xBFF0000000000000.
        #expect(ModbusCodec.registers(raw: 1234.5, type: .float32, order: .abcd) == [0x449A, 0x5000])
        #expect(ModbusCodec.registers(raw: 1234.5, type: .float32, order: .cdab) == [0x5000, 0x449A])
        #expect(ModbusCodec.rawValue([0x0000, 0x0000, 0x0000, 0xF0BF], type: .float64, order: .dcba) == -1)
        #expect(ModbusCodec.rawValue([0xFFFF], type: .int16, order: .abcd) == -1)
        #expect(ModbusCodec.rawValue([0xFFFF], type: .uint16, order: .abcd) == 65535)
        #expect(ModbusCodec.rawValue([0x0080], type: .int16, order: .badc) == -32768)
        #expect(ModbusCodec.rawValue([0xFFFF, 0xFFFE], type: .int32, order: .abcd) == -2)
        #expect(ModbusCodec.rawValue([0xFFFE, 0xFFFF], type: .int32, order: .cdab) == -2)
    }

    @Test func scaleAndOffset() {
        let point = ModbusPoint(
            device: "d", function: .holdingRegister, address: 0, dataType: .int16, scale: 0.1, offset: -40)
        let decoded = ModbusCodec.decode(registers: [UInt16(bitPattern: 1234)], point: point)
        #expect(decoded == .init(value: 1234 * 0.1 - 40, quality: .good))
        #expect(ModbusCodec.encode(83.4, for: point) == [1234])
    }

    @Test func boolFromBitsAndRegisters() {
        let coil = ModbusPoint(device: "d", function: .coil, address: 3, dataType: .bool)
        #expect(ModbusCodec.decode(bit: true, point: coil).value == 1)
        #expect(ModbusCodec.decode(bit: false, point: coil).value == 0)
        let register = ModbusPoint(device: "d", function: .holdingRegister, address: 3, dataType: .bool)
        for (word, expected) in [(UInt16(0), 0.0), (1, 1), (0x8000, 1), (0x0100, 1), (0xFFFF, 1)] {
            #expect(ModbusCodec.decode(registers: [word], point: register).value == expected)
        }
        #expect(ModbusCodec.encodeBit(1, for: coil))
        #expect(!ModbusCodec.encodeBit(0, for: coil))
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity, .signalingNaN])
    func nonFiniteFloat32IsBadValue(value: Float) {
        for order in Self.orders {
            let point = ModbusPoint(
                device: "d", function: .inputRegister, address: 0, dataType: .float32, wordOrder: order)
            let words = ModbusCodec.registers(bits: UInt64(value.bitPattern), count: 2, order: order)
            #expect(ModbusCodec.decode(registers: words, point: point) == .init(value: nil, quality: .badValue))
        }
    }

    @Test func nonFiniteFloat64AndOverflowingScaleAreBadValue() {
        let point = ModbusPoint(device: "d", function: .holdingRegister, address: 0, dataType: .float64)
        for value in [Double.nan, .infinity, -.infinity] {
            let words = ModbusCodec.registers(raw: value, type: .float64, order: .abcd)
            #expect(ModbusCodec.decode(registers: words, point: point).quality == .badValue)
        }
        var scaled = point
        scaled.scale = 1e300
        let words = ModbusCodec.registers(raw: 1e300, type: .float64, order: .abcd)
        #expect(ModbusCodec.decode(registers: words, point: scaled) == .init(value: nil, quality: .badValue))
    }

    @Test func missingRegistersAreBadValue() {
        let point = ModbusPoint(device: "d", function: .holdingRegister, address: 0, dataType: .float64)
        #expect(ModbusCodec.decode(registers: [1, 2, 3], point: point) == .init(value: nil, quality: .badValue))
        #expect(ModbusCodec.rawValue([UInt16](), type: .int16, order: .abcd) == nil)
    }

    @Test func integerEncodingRoundsAndClamps() {
        #expect(ModbusCodec.registers(raw: 70000, type: .int16, order: .abcd) == [0x7FFF])
        #expect(ModbusCodec.registers(raw: -70000, type: .int16, order: .abcd) == [0x8000])
        #expect(ModbusCodec.registers(raw: -1, type: .uint16, order: .abcd) == [0])
        #expect(ModbusCodec.registers(raw: 2.5, type: .uint16, order: .abcd) == [3])
        #expect(ModbusCodec.registers(raw: .nan, type: .uint32, order: .abcd) == [0, 0])
        #expect(ModbusCodec.registers(raw: 5e9, type: .uint32, order: .cdab) == [0xFFFF, 0xFFFF])
    }

    // MARK: Properties

    /// encode → decode returns every representable value exactly, for every type and order.
    @Test(arguments: registerTypes)
    func roundTrip(type: ModbusDataType) {
        var generator = SplitMix64(seed: 0x5EED_0001, name: type.rawValue)
        for order in Self.orders {
            for _ in 0..<2_000 {
                let raw = Self.randomValue(type, using: &generator)
                let point = ModbusPoint(
                    device: "d", function: .holdingRegister, address: 0, dataType: type, wordOrder: order)
                let words = ModbusCodec.encode(raw, for: point)
                #expect(words.count == type.registerCount)
                let decoded = ModbusCodec.decode(registers: words, point: point)
                #expect(decoded == .init(value: raw, quality: .good), "\(type) \(order) \(raw)")
            }
        }
    }

    /// With a scale and offset, decode(encode(v)) is v for values on the type's grid.
    @Test(arguments: [ModbusDataType.int16, .uint16, .int32, .uint32])
    func roundTripWithScale(type: ModbusDataType) {
        var generator = SplitMix64(seed: 0x5EED_0002, name: type.rawValue)
        for order in Self.orders {
            for _ in 0..<500 {
                let raw = Self.randomValue(type, using: &generator)
                let point = ModbusPoint(
                    device: "d", function: .inputRegister, address: 0, dataType: type, wordOrder: order,
                    scale: 0.01, offset: -273.15)
                let value = point.engineeringValue(raw)
                let decoded = ModbusCodec.decode(registers: ModbusCodec.encode(value, for: point), point: point)
                #expect(decoded.value == value, "\(type) \(order) \(raw)")
            }
        }
    }

    /// Any register contents decode without trapping, to a finite value or bad-value.
    @Test func randomRegistersNeverCrashTheDecoder() {
        var generator = SplitMix64(seed: 0xBAD_B17E5)
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...5, using: &generator)
            let words = (0..<count).map { _ in UInt16.random(in: .min ... .max, using: &generator) }
            let type = Self.registerTypes.randomElement(using: &generator)!
            let order = Self.orders.randomElement(using: &generator)!
            let point = ModbusPoint(
                device: "d", function: .holdingRegister, address: 0, dataType: type, wordOrder: order,
                scale: Double.random(in: -1e3...1e3, using: &generator))
            let decoded = ModbusCodec.decode(registers: words, point: point, plausible: .init(lower: -1e6, upper: 1e6))
            if let value = decoded.value {
                #expect(value.isFinite)
                #expect(decoded.quality == (abs(value) <= 1e6 ? .good : .outOfRange))
            } else {
                #expect(decoded.quality == .badValue)
            }
        }
    }

    static func randomValue(_ type: ModbusDataType, using generator: inout SplitMix64) -> Double {
        switch type {
        case .int16: Double(Int16.random(in: .min ... .max, using: &generator))
        case .uint16: Double(UInt16.random(in: .min ... .max, using: &generator))
        case .int32: Double(Int32.random(in: .min ... .max, using: &generator))
        case .uint32: Double(UInt32.random(in: .min ... .max, using: &generator))
        case .bool: Double(Int.random(in: 0...1, using: &generator))
        case .float32: Double(Self.finite { Float(bitPattern: UInt32.random(in: .min ... .max, using: &generator)) })
        case .float64: Self.finite { Double(bitPattern: UInt64.random(in: .min ... .max, using: &generator)) }
        }
    }

    private static func finite<F: BinaryFloatingPoint>(_ draw: () -> F) -> F {
        while true {
            let value = draw()
            if value.isFinite { return value }
        }
    }
}

@Suite struct PlausibilityTests {
    @Test func widensTheHullOfNormalRangeAndLimits() {
        let sensor = Sensor(
            id: "bearing", unit: "°C", normal: 40...70, limits: Limits(alarmHigh: 85, tripHigh: 95),
            source: .modbus(ModbusPoint(device: "d", function: .holdingRegister, address: 0, dataType: .int16)))
        let range = PlausibleRange(sensor: sensor)
        #expect(range == PlausibleRange(lower: 40 - 550, upper: 95 + 550))
        #expect(range.contains(120))
        #expect(!range.contains(65535))
        #expect(!range.contains(-32768))
    }

    @Test func withoutRangeOrLimitsOnlyNonFiniteIsRefused() {
        let sensor = Sensor(
            id: "x", unit: "1", source: .modbus(ModbusPoint(device: "d", function: .coil, address: 0, dataType: .bool)))
        #expect(PlausibleRange(sensor: sensor) == .unbounded)
        #expect(PlausibleRange.unbounded.contains(3.4e38))
    }

    @Test func decodeMarksImplausibleValuesOutOfRange() {
        let point = ModbusPoint(device: "d", function: .holdingRegister, address: 0, dataType: .uint16)
        let decoded = ModbusCodec.decode(registers: [65535], point: point, plausible: .init(lower: 0, upper: 1000))
        #expect(decoded == .init(value: 65535, quality: .outOfRange))
    }
}

@Suite struct BackoffTests {
    @Test func growsExponentiallyUpToTheCap() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1), multiplier: 2, jitter: 0)
        var generator = SplitMix64(seed: 1)
        let delays = (1...6).map { backoff.delay(attempt: $0, using: &generator) }
        #expect(
            delays == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                .seconds(1),
            ])
    }

    @Test func jitterStaysInBoundsAndRepeatsForASeed() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(10), jitter: 0.25)
        var first = SplitMix64(seed: 42, name: "pump-plc")
        var second = SplitMix64(seed: 42, name: "pump-plc")
        var other = SplitMix64(seed: 42, name: "fan-plc")
        var differs = false
        for attempt in 1...8 {
            let a = backoff.delay(attempt: attempt, using: &first)
            let b = backoff.delay(attempt: attempt, using: &second)
            let c = backoff.delay(attempt: attempt, using: &other)
            #expect(a == b)
            differs = differs || a != c
            let nominal = 0.1 * Double(1 << (attempt - 1))
            let seconds = Double(a.components.seconds) + Double(a.components.attoseconds) * 1e-18
            #expect(seconds >= nominal * 0.75 - 1e-9 && seconds <= min(10, nominal * 1.25) + 1e-9)
        }
        #expect(differs, "devices draw their own jitter")
    }
}
