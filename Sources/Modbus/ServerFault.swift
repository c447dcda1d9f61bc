import PrognosCore

extension ModbusServer {
    /// A way for the server to misbehave on purpose, for fault tests and the simulator's fault
    /// injection. A rule applies to a request when the unit, table and address range it names
    /// (nil: any) match; the first rule that applies decides.
    public struct Fault: Sendable, Equatable {
        public enum Action: Sendable, Equatable {
            /// Answer with this exception code instead of the data.
            case exception(ModbusError.ExceptionCode)
            /// Answer correctly, but only after this long (other clients are not held up).
            case delay(Duration)
            /// Read the request and never answer it (a device that hangs, or a lost reply).
            case silent
            /// Close the connection on receiving the request.
            case disconnect
        }

        public var unitID: UInt8?
        public var table: ModbusFunction?
        /// 0-based addresses; the rule applies when the request's range overlaps them.
        public var addresses: Range<Int>?
        public var action: Action

        public init(unitID: UInt8? = nil, table: ModbusFunction? = nil, addresses: Range<Int>? = nil, action: Action) {
            self.unitID = unitID
            self.table = table
            self.addresses = addresses
            self.action = action
        }

        /// The whole server hangs: every request is read and none is answered.
        public static let silent = Fault(action: .silent)

        func applies(unit: UInt8, table: ModbusFunction, address: Int, count: Int) -> Bool {
            if let unitID, unitID != unit { return false }
            if let wanted = self.table, wanted != table { return false }
            if let addresses, !addresses.overlaps(address..<address + count) { return false }
            return true
        }
    }

    /// What the server has received and how it answered, since it started.
    public struct Statistics: Sendable, Equatable {
        /// Every request, by function code.
        public var requestsByFunction: [UInt8: Int] = [:]
        /// Requests with a read function code (1–4).
        public var readRequests = 0
        /// Requests with a write function code (5, 6, 15, 16, 22, 23): always refused, never applied.
        public var writeRequests = 0
        /// Requests to unit 0, the broadcast address: never answered.
        public var broadcastRequests = 0
        /// Requests with any other function code (diagnostics, identification, …).
        public var otherRequests = 0
        public var exceptionReplies = 0
        /// Requests left without an answer (silent fault, unit not served, broadcast).
        public var unansweredRequests = 0
        public var connectionsAccepted = 0
        public var openConnections = 0
    }

    /// How a request to a unit the server does not serve is answered.
    public enum AbsentUnit: Sendable, Equatable {
        /// Not at all, like a device missing from a serial line (the client times out).
        case noReply
        /// With exception 0x0B, as a gateway does when the device behind it does not respond.
        case gatewayTargetFailed
    }

    /// Function codes that change a device's state.
    public static let writeFunctionCodes: Set<UInt8> = [5, 6, 15, 16, 22, 23]
}
