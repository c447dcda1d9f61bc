import PrognosCore

/// A failed Modbus operation, with what a person needs to find the cause: which device, unit,
/// table and registers, libmodbus' message, and the exception code when the device answered
/// with one.
public struct ModbusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is. An open set: new codes may be added without breaking callers.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The connection could not be opened (refused, unreachable, no such serial port).
        public static let connectionFailed = Code(rawValue: "connection failed")
        /// No (complete) answer within the response timeout.
        public static let timeout = Code(rawValue: "timeout")
        /// The peer closed or reset the connection.
        public static let connectionClosed = Code(rawValue: "connection closed")
        /// The device answered with a Modbus exception (see `exception`).
        public static let exception = Code(rawValue: "exception")
        /// The answer was malformed: bad CRC, wrong transaction, unit or length.
        public static let invalidResponse = Code(rawValue: "invalid response")
        /// The request itself was refused before sending (bad unit, address or count).
        public static let invalidRequest = Code(rawValue: "invalid request")
        /// Any other failure of a system call or of libmodbus.
        public static let io = Code(rawValue: "I/O error")

        /// Whether the link is suspect afterwards, so the connection should be closed and reopened.
        public var breaksConnection: Bool {
            self == .timeout || self == .connectionClosed || self == .invalidResponse || self == .io
        }
    }

    /// A Modbus exception code (application protocol v1.1b3, §7). Open like `Code`.
    public struct ExceptionCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let illegalFunction = ExceptionCode(rawValue: 0x01)
        public static let illegalDataAddress = ExceptionCode(rawValue: 0x02)
        public static let illegalDataValue = ExceptionCode(rawValue: 0x03)
        public static let serverDeviceFailure = ExceptionCode(rawValue: 0x04)
        public static let acknowledge = ExceptionCode(rawValue: 0x05)
        public static let serverDeviceBusy = ExceptionCode(rawValue: 0x06)
        public static let memoryParityError = ExceptionCode(rawValue: 0x08)
        public static let gatewayPathUnavailable = ExceptionCode(rawValue: 0x0A)
        public static let gatewayTargetFailedToRespond = ExceptionCode(rawValue: 0x0B)

        /// Whether asking again later may succeed (busy, failure, gateway trouble), as opposed to a
        /// request the device will never answer (illegal function, address or value).
        public var isTransient: Bool {
            !(self == .illegalFunction || self == .illegalDataAddress || self == .illegalDataValue)
        }

        public var description: String {
            switch self {
            case .illegalFunction: "illegal function"
            case .illegalDataAddress: "illegal data address"
            case .illegalDataValue: "illegal data value"
            case .serverDeviceFailure: "server device failure"
            case .acknowledge: "acknowledge"
            case .serverDeviceBusy: "server device busy"
            case .memoryParityError: "memory parity error"
            case .gatewayPathUnavailable: "gateway path unavailable"
            case .gatewayTargetFailedToRespond: "gateway target device failed to respond"
            default: "exception 0x" + String(rawValue, radix: 16)
            }
        }
    }

    public var code: Code
    /// The device's id in the plant file (or the address it was opened with).
    public var device: String
    public var unitID: UInt8?
    public var function: ModbusFunction?
    /// 0-based protocol address of the first register or bit asked for.
    public var address: Int?
    public var count: Int?
    /// Set when `code` is `.exception`.
    public var exception: ExceptionCode?
    /// The errno that libmodbus reported (0 when the failure was found in Swift).
    public var errno: Int32
    /// libmodbus' (or the system's) own words for the failure.
    public var message: String

    public init(
        code: Code, device: String, unitID: UInt8? = nil, function: ModbusFunction? = nil, address: Int? = nil,
        count: Int? = nil, exception: ExceptionCode? = nil, errno: Int32 = 0, message: String
    ) {
        self.code = code
        self.device = device
        self.unitID = unitID
        self.function = function
        self.address = address
        self.count = count
        self.exception = exception
        self.errno = errno
        self.message = message
    }

    public var description: String {
        var text = "Modbus \(code) on device \(device)"
        if let unitID { text += " unit \(unitID)" }
        if let function {
            text += ", \(function.rawValue) (function \(function.readFunctionCode))"
        }
        if let address {
            text += " address \(address)"
            if let count { text += " count \(count)" }
        }
        if let exception { text += ": \(exception)" }
        return text + " — " + message
    }
}
