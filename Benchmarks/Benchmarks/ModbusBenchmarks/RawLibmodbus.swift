import PrognosCore

#if canImport(Glibc)
import Glibc
#endif

/// The baseline: the same read requests made with bare libmodbus calls (no Swift wrapper, no
/// decoding, no readings). The benchmark package cannot import the CModbus shim, so the C
/// functions are looked up in the process (libmodbus is linked through the Modbus product).
final class RawLibmodbus {
    typealias NewTCP = @convention(c) (UnsafePointer<CChar>?, Int32) -> OpaquePointer?
    typealias Context = @convention(c) (OpaquePointer?) -> Int32
    typealias Free = @convention(c) (OpaquePointer?) -> Void
    typealias SetSlave = @convention(c) (OpaquePointer?, Int32) -> Int32
    typealias ReadWords = @convention(c) (OpaquePointer?, Int32, Int32, UnsafeMutablePointer<UInt16>?) -> Int32
    typealias ReadBits = @convention(c) (OpaquePointer?, Int32, Int32, UnsafeMutablePointer<UInt8>?) -> Int32

    private static func symbol<T>(_ name: String, as type: T.Type) -> T {
        guard let pointer = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {  // RTLD_DEFAULT
            fatalError("libmodbus symbol \(name) not found")
        }
        return unsafeBitCast(pointer, to: type)
    }

    private let newTCP = symbol("modbus_new_tcp", as: NewTCP.self)
    private let connect = symbol("modbus_connect", as: Context.self)
    private let close = symbol("modbus_close", as: Free.self)
    private let free = symbol("modbus_free", as: Free.self)
    private let setSlave = symbol("modbus_set_slave", as: SetSlave.self)
    private let readRegisters = symbol("modbus_read_registers", as: ReadWords.self)
    private let readInputRegisters = symbol("modbus_read_input_registers", as: ReadWords.self)
    private let readBits = symbol("modbus_read_bits", as: ReadBits.self)
    private let readInputBits = symbol("modbus_read_input_bits", as: ReadBits.self)

    private let context: OpaquePointer
    private var words = [UInt16](repeating: 0, count: 125)
    private var bits = [UInt8](repeating: 0, count: 2000)

    init(port: Int) {
        context = newTCP("127.0.0.1", Int32(port))!
        precondition(connect(context) == 0, "raw libmodbus could not connect to port \(port)")
    }

    deinit {
        close(context)
        free(context)
    }

    /// Sends each request once; returns how many failed (0 expected).
    func run(_ requests: [ModbusRequest]) -> Int {
        var failures = 0
        for request in requests {
            _ = setSlave(context, Int32(request.unitID))
            let start = Int32(request.start)
            let count = Int32(request.count)
            let received: Int32 =
                switch request.function {
                case .holdingRegister:
                    words.withUnsafeMutableBufferPointer { readRegisters(context, start, count, $0.baseAddress) }
                case .inputRegister:
                    words.withUnsafeMutableBufferPointer { readInputRegisters(context, start, count, $0.baseAddress) }
                case .coil: bits.withUnsafeMutableBufferPointer { readBits(context, start, count, $0.baseAddress) }
                case .discreteInput:
                    bits.withUnsafeMutableBufferPointer { readInputBits(context, start, count, $0.baseAddress) }
                }
            if received != count { failures += 1 }
        }
        return failures
    }
}
