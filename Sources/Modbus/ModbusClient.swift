import CModbus
import PrognosCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A Modbus TCP or RTU client over libmodbus that only reads (function codes 1–4).
///
/// One instance owns one libmodbus context (`modbus_t`), which is one connection. libmodbus
/// contexts are not thread-safe, so every call takes the instance's lock; give each polling
/// thread its own client rather than sharing one. Calls block for up to the response timeout:
/// call them from a dedicated thread, never from Swift's cooperative pool.
///
/// libmodbus' error recovery stays off: a failed call returns at once and the caller decides
/// whether to reconnect (`ModbusError.Code.breaksConnection`) and when.
public final class ModbusClient: Sendable {
    /// A read's answer: registers for tables 3 and 4, bits for tables 1 and 2.
    public enum Response: Sendable, Equatable {
        case registers([UInt16])
        case bits([Bool])
    }

    public let deviceID: String
    public let transport: ModbusDevice.Transport
    public let timeout: Duration

    private struct Handle: ~Copyable {
        var context: OpaquePointer
        var connected = false
        var unit: Int32 = -1
    }
    private let handle: Mutex<Handle>

    /// A client for `device`, with its transport and response timeout. Does not connect yet.
    public convenience init(device: ModbusDevice) throws(ModbusError) {
        try self.init(deviceID: device.id, transport: device.transport, timeout: device.timeout)
    }

    /// A client for `transport`; `deviceID` names it in errors and logs. Does not connect yet.
    public init(
        deviceID: String, transport: ModbusDevice.Transport, timeout: Duration = .milliseconds(500)
    )
        throws(ModbusError)
    {
        self.deviceID = deviceID
        self.transport = transport
        self.timeout = timeout
        let made: OpaquePointer?
        switch transport {
        case .tcp(let host, let port):
            made = modbus_new_tcp_pi(host, String(port))
        case .rtu(let line):
            let parity: CChar =
                switch line.parity {
                case .none: CChar(UInt8(ascii: "N"))
                case .even: CChar(UInt8(ascii: "E"))
                case .odd: CChar(UInt8(ascii: "O"))
                }
            made = modbus_new_rtu(line.port, Int32(line.baud), parity, Int32(line.dataBits), Int32(line.stopBits))
        }
        guard let context = made else {
            let number = cmodbus_errno()
            throw ModbusError(
                code: .invalidRequest, device: deviceID, errno: number,
                message: "cannot make a libmodbus context for \(transport): " + Self.message(number))
        }
        _ = cmodbus_set_recovery_none(context)
        let (seconds, microseconds) = Self.split(timeout)
        _ = modbus_set_response_timeout(context, seconds, microseconds)
        // A byte timeout longer than the response timeout would let a trickling reply overrun it.
        _ = modbus_set_byte_timeout(context, seconds, microseconds)
        handle = Mutex(Handle(context: context))
    }

    deinit {
        handle.withLock { handle in
            if handle.connected { modbus_close(handle.context) }
            modbus_free(handle.context)
        }
    }

    /// Whether a connection is open (it may still have died on the other side).
    public var isConnected: Bool { handle.withLock { $0.connected } }

    /// Opens the connection (TCP connect, or opens and configures the serial port). Reads connect
    /// by themselves when needed; this makes the cost and the failure explicit.
    public func connect() throws(ModbusError) {
        try handle.withLock { handle throws(ModbusError) in try open(&handle) }
    }

    /// Closes the connection; the next read reconnects.
    public func close() {
        handle.withLock { handle in
            if handle.connected { modbus_close(handle.context) }
            handle.connected = false
            handle.unit = -1
        }
    }

    /// Reads `count` registers (holding or input table) of `unit` from 0-based `address`.
    public func readRegisters(
        _ function: ModbusFunction, unit: UInt8, address: Int, count: Int
    )
        throws(ModbusError) -> [UInt16]
    {
        guard case .registers(let words) = try read(function, unit: unit, address: address, count: count) else {
            throw invalid("\(function.rawValue) is a bit table; use readBits", function, unit, address, count)
        }
        return words
    }

    /// Reads `count` bits (coil or discrete-input table) of `unit` from 0-based `address`.
    public func readBits(
        _ function: ModbusFunction, unit: UInt8, address: Int, count: Int
    )
        throws(ModbusError) -> [Bool]
    {
        guard case .bits(let bits) = try read(function, unit: unit, address: address, count: count) else {
            throw invalid("\(function.rawValue) is a register table; use readRegisters", function, unit, address, count)
        }
        return bits
    }

    /// Sends the read of one merged request and returns its answer.
    public func read(_ request: ModbusRequest) throws(ModbusError) -> Response {
        try read(request.function, unit: request.unitID, address: request.start, count: request.count)
    }

    /// Reads `count` registers or bits of `function`'s table. Unit 0 (broadcast) is refused:
    /// a broadcast gets no answer and Prognos never addresses every device at once.
    public func read(_ function: ModbusFunction, unit: UInt8, address: Int, count: Int) throws(ModbusError) -> Response
    {
        guard unit != 0 else {
            throw invalid("unit 0 is the broadcast address; Prognos never broadcasts", function, unit, address, count)
        }
        guard (1...function.maxQuantityPerRequest).contains(count), address >= 0, address + count <= 65536 else {
            throw invalid(
                "a read must ask for 1–\(function.maxQuantityPerRequest) items inside addresses 0–65535",
                function, unit, address, count)
        }
        return try handle.withLock { handle throws(ModbusError) -> Response in
            try open(&handle)
            if handle.unit != Int32(unit) {
                guard modbus_set_slave(handle.context, Int32(unit)) == 0 else {
                    throw failure(cmodbus_errno(), function, unit, address, count)
                }
                handle.unit = Int32(unit)
            }
            let context = handle.context
            let received: Int32
            let response: Response
            switch function {
            case .holdingRegister, .inputRegister:
                var words = [UInt16](repeating: 0, count: count)
                received = words.withUnsafeMutableBufferPointer { buffer in
                    retryingInterrupts {
                        function == .holdingRegister
                            ? modbus_read_registers(context, Int32(address), Int32(count), buffer.baseAddress)
                            : modbus_read_input_registers(context, Int32(address), Int32(count), buffer.baseAddress)
                    }
                }
                response = .registers(words)
            case .coil, .discreteInput:
                var bytes = [UInt8](repeating: 0, count: count)
                received = bytes.withUnsafeMutableBufferPointer { buffer in
                    retryingInterrupts {
                        function == .coil
                            ? modbus_read_bits(context, Int32(address), Int32(count), buffer.baseAddress)
                            : modbus_read_input_bits(context, Int32(address), Int32(count), buffer.baseAddress)
                    }
                }
                response = .bits(bytes.map { $0 != 0 })
            }
            guard received == Int32(count) else {
                let number = received < 0 ? cmodbus_errno() : cmodbus_error_missing_data()
                let error = failure(number, function, unit, address, count)
                if error.code.breaksConnection {
                    modbus_close(context)
                    handle.connected = false
                    handle.unit = -1
                }
                throw error
            }
            return response
        }
    }

    // MARK: Helpers

    private func open(_ handle: inout Handle) throws(ModbusError) {
        guard !handle.connected else { return }
        let context = handle.context
        guard retryingInterrupts({ modbus_connect(context) }) == 0 else {
            let number = cmodbus_errno()
            modbus_close(context)
            throw ModbusError(
                code: .connectionFailed, device: deviceID, errno: number,
                message: "cannot connect to \(Self.describe(transport)): " + Self.message(number))
        }
        handle.connected = true
        handle.unit = -1
    }

    private func failure(
        _ number: Int32, _ function: ModbusFunction, _ unit: UInt8, _ address: Int, _ count: Int
    )
        -> ModbusError
    {
        let base = cmodbus_error_base()
        var exception: ModbusError.ExceptionCode?
        let code: ModbusError.Code
        switch number {
        case base + 1...base + 11:
            code = .exception
            exception = ModbusError.ExceptionCode(rawValue: UInt8(number - base))
        case cmodbus_error_bad_crc(), cmodbus_error_bad_data(), cmodbus_error_bad_exception(),
            cmodbus_error_unknown_exception(), cmodbus_error_missing_data(), cmodbus_error_bad_slave():
            code = .invalidResponse
        case ETIMEDOUT: code = .timeout
        case ECONNRESET, EPIPE, ECONNABORTED, ENOTCONN, EBADF: code = .connectionClosed
        case EINVAL: code = .invalidRequest
        default: code = .io
        }
        return ModbusError(
            code: code, device: deviceID, unitID: unit, function: function, address: address, count: count,
            exception: exception, errno: number, message: Self.message(number))
    }

    private func invalid(
        _ text: String, _ function: ModbusFunction, _ unit: UInt8, _ address: Int, _ count: Int
    )
        -> ModbusError
    {
        ModbusError(
            code: .invalidRequest, device: deviceID, unitID: unit, function: function, address: address,
            count: count, errno: EINVAL, message: text)
    }

    static func message(_ number: Int32) -> String { String(cString: modbus_strerror(number)) }

    static func describe(_ transport: ModbusDevice.Transport) -> String {
        switch transport {
        case .tcp(let host, let port): "\(host):\(port)"
        case .rtu(let line): "\(line.port) at \(line.baud) baud"
        }
    }

    static func split(_ duration: Duration) -> (UInt32, UInt32) {
        let (seconds, attoseconds) = duration.components
        let micro = max(0, attoseconds / 1_000_000_000_000)
        return (UInt32(clamping: max(0, seconds)), UInt32(micro))
    }
}

/// Calls `body` again while it fails with EINTR (a signal arrived before any I/O happened).
@inline(__always)
func retryingInterrupts(_ body: () -> Int32) -> Int32 {
    while true {
        let result = body()
        if result == -1 && cmodbus_errno() == EINTR { continue }
        return result
    }
}
