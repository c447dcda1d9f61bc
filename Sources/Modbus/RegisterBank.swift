import PrognosCore
import Synchronization

/// The four tables a Modbus server serves (coils, discrete inputs, holding and input registers),
/// safe to update from one thread (the simulator) while a server reads them on another.
///
/// A change made in one `update` call is seen whole by every request: a float spread over two
/// registers is never read half old, half new. Addresses are 0-based protocol addresses.
public final class RegisterBank: Sendable {
    /// The tables themselves. Sizes are fixed at creation; a read past the end of a table is
    /// answered with the illegal-data-address exception, as a real device does.
    public struct Tables: Sendable {
        public var coils: [Bool]
        public var discreteInputs: [Bool]
        public var holdingRegisters: [UInt16]
        public var inputRegisters: [UInt16]

        /// Writes `point`'s encoding of the engineering `value` (see `ModbusCodec.encode`).
        /// Points that do not fit in their table are ignored.
        public mutating func set(_ value: Double, for point: ModbusPoint) {
            let address = Int(point.address)
            switch point.function {
            case .coil, .discreteInput:
                setBits(point.function, at: address, [ModbusCodec.encodeBit(value, for: point)])
            case .holdingRegister, .inputRegister:
                setRegisters(point.function, at: address, ModbusCodec.encode(value, for: point))
            }
        }

        /// The engineering value `point` reads as (nil when it does not fit in its table).
        public func value(for point: ModbusPoint) -> ModbusCodec.Decoded? {
            let address = Int(point.address)
            switch point.function {
            case .coil, .discreteInput:
                guard let bit = bits(point.function, at: address, count: 1)?.first else { return nil }
                return ModbusCodec.decode(bit: bit, point: point)
            case .holdingRegister, .inputRegister:
                guard let words = registers(point.function, at: address, count: point.width) else { return nil }
                return ModbusCodec.decode(registers: words, point: point)
            }
        }

        /// Sets registers of a register table from `address` on; what does not fit is dropped.
        public mutating func setRegisters(_ table: ModbusFunction, at address: Int, _ words: [UInt16]) {
            switch table {
            case .holdingRegister: Self.copy(words, into: &holdingRegisters, at: address)
            case .inputRegister: Self.copy(words, into: &inputRegisters, at: address)
            case .coil, .discreteInput: setBits(table, at: address, words.map { $0 != 0 })
            }
        }

        /// Sets bits of a bit table from `address` on; what does not fit is dropped.
        public mutating func setBits(_ table: ModbusFunction, at address: Int, _ bits: [Bool]) {
            switch table {
            case .coil: Self.copy(bits, into: &coils, at: address)
            case .discreteInput: Self.copy(bits, into: &discreteInputs, at: address)
            case .holdingRegister, .inputRegister: setRegisters(table, at: address, bits.map { $0 ? 1 : 0 })
            }
        }

        /// `count` registers from `address`; nil if the range leaves the table (or it is a bit table).
        public func registers(_ table: ModbusFunction, at address: Int, count: Int) -> ArraySlice<UInt16>? {
            switch table {
            case .holdingRegister: Self.slice(holdingRegisters, address, count)
            case .inputRegister: Self.slice(inputRegisters, address, count)
            case .coil, .discreteInput: nil
            }
        }

        /// `count` bits from `address`; nil if the range leaves the table (or it is a register table).
        public func bits(_ table: ModbusFunction, at address: Int, count: Int) -> ArraySlice<Bool>? {
            switch table {
            case .coil: Self.slice(coils, address, count)
            case .discreteInput: Self.slice(discreteInputs, address, count)
            case .holdingRegister, .inputRegister: nil
            }
        }

        /// Number of items in `table`.
        public func size(of table: ModbusFunction) -> Int {
            switch table {
            case .coil: coils.count
            case .discreteInput: discreteInputs.count
            case .holdingRegister: holdingRegisters.count
            case .inputRegister: inputRegisters.count
            }
        }

        private static func copy<T>(_ items: [T], into table: inout [T], at address: Int) {
            guard address >= 0, address < table.count else { return }
            let end = min(table.count, address + items.count)
            table.replaceSubrange(address..<end, with: items.prefix(end - address))
        }

        private static func slice<T>(_ table: [T], _ address: Int, _ count: Int) -> ArraySlice<T>? {
            guard address >= 0, count >= 0, address + count <= table.count else { return nil }
            return table[address..<address + count]
        }
    }

    private let tables: Mutex<Tables>

    /// A bank whose four tables each hold `size` items (the whole 0–65535 space by default), all zero.
    public convenience init(size: Int = 65536) {
        self.init(coils: size, discreteInputs: size, holdingRegisters: size, inputRegisters: size)
    }

    public init(coils: Int, discreteInputs: Int, holdingRegisters: Int, inputRegisters: Int) {
        tables = Mutex(
            Tables(
                coils: Array(repeating: false, count: coils),
                discreteInputs: Array(repeating: false, count: discreteInputs),
                holdingRegisters: Array(repeating: 0, count: holdingRegisters),
                inputRegisters: Array(repeating: 0, count: inputRegisters)))
    }

    /// Changes the tables atomically: readers see all of the change or none of it.
    public func update<R: Sendable>(_ body: (inout Tables) throws -> R) rethrows -> R {
        try tables.withLock { try body(&$0) }
    }

    /// Reads the tables under the lock; keep `body` short, requests wait for it.
    public func read<R: Sendable>(_ body: (borrowing Tables) throws -> R) rethrows -> R {
        try tables.withLock { try body($0) }
    }

    /// Sets one point to the engineering `value` (see `ModbusCodec.encode`).
    public func set(_ value: Double, for point: ModbusPoint) {
        tables.withLock { $0.set(value, for: point) }
    }

    /// Sets several points in one atomic change.
    public func set(_ values: [(point: ModbusPoint, value: Double)]) {
        tables.withLock { tables in
            for (point, value) in values { tables.set(value, for: point) }
        }
    }

    /// The value `point` currently reads as.
    public func value(for point: ModbusPoint) -> ModbusCodec.Decoded? {
        tables.withLock { $0.value(for: point) }
    }

    public func setRegisters(_ table: ModbusFunction, at address: Int, _ words: [UInt16]) {
        tables.withLock { $0.setRegisters(table, at: address, words) }
    }

    public func setBits(_ table: ModbusFunction, at address: Int, _ bits: [Bool]) {
        tables.withLock { $0.setBits(table, at: address, bits) }
    }

    public func registers(_ table: ModbusFunction, at address: Int, count: Int) -> [UInt16]? {
        tables.withLock { $0.registers(table, at: address, count: count).map(Array.init) }
    }

    public func bits(_ table: ModbusFunction, at address: Int, count: Int) -> [Bool]? {
        tables.withLock { $0.bits(table, at: address, count: count).map(Array.init) }
    }
}
