import PrognosCore

/// Decides a read-only server's answer to one request PDU (function code and data, without the
/// TCP header), and counts it. Pure apart from reading the bank: the socket loop frames and sends.
struct ServerResponder {
    enum Decision: Equatable {
        /// Send this PDU, after `delay` nanoseconds.
        case reply([UInt8], delay: UInt64)
        case noReply
        case disconnect
    }

    /// The bank that answers each unit; `anyUnit` answers units not listed (nil: they are not served).
    var banks: [UInt8: RegisterBank]
    var anyUnit: RegisterBank?
    /// How a unit that is not served is answered.
    var absentUnit: ModbusServer.AbsentUnit

    func bank(unit: UInt8) -> RegisterBank? { banks[unit] ?? anyUnit }

    func respond(
        unit: UInt8, pdu: ArraySlice<UInt8>, faults: [ModbusServer.Fault], statistics: inout ModbusServer.Statistics
    )
        -> Decision
    {
        guard let functionCode = pdu.first else { return .disconnect }
        statistics.requestsByFunction[functionCode, default: 0] += 1
        let table = Self.table(functionCode)
        if table != nil {
            statistics.readRequests += 1
        } else if ModbusServer.writeFunctionCodes.contains(functionCode) {
            statistics.writeRequests += 1
        } else {
            statistics.otherRequests += 1
        }
        if unit == 0 { statistics.broadcastRequests += 1 }
        guard unit != 0 else {
            statistics.unansweredRequests += 1
            return .noReply
        }
        guard let bank = bank(unit: unit) else {
            switch absentUnit {
            case .noReply:
                statistics.unansweredRequests += 1
                return .noReply
            case .gatewayTargetFailed:
                return exception(functionCode, .gatewayTargetFailedToRespond, &statistics)
            }
        }
        guard let table else {
            // Read-only: writes and every other function are refused and never applied.
            return exception(functionCode, .illegalFunction, &statistics)
        }
        guard pdu.count >= 5 else { return exception(functionCode, .illegalDataValue, &statistics) }
        let bytes = Array(pdu)
        let address = Int(bytes[1]) << 8 | Int(bytes[2])
        let count = Int(bytes[3]) << 8 | Int(bytes[4])
        guard (1...table.maxQuantityPerRequest).contains(count) else {
            return exception(functionCode, .illegalDataValue, &statistics)
        }
        var delay: UInt64 = 0
        if let fault = faults.first(where: { $0.applies(unit: unit, table: table, address: address, count: count) }) {
            switch fault.action {
            case .exception(let code): return exception(functionCode, code, &statistics)
            case .silent:
                statistics.unansweredRequests += 1
                return .noReply
            case .disconnect: return .disconnect
            case .delay(let duration): delay = Monotonic.nanoseconds(duration)
            }
        }
        guard let data = Self.read(bank, table, address, count) else {
            return exception(functionCode, .illegalDataAddress, &statistics)
        }
        return .reply([functionCode, UInt8(data.count)] + data, delay: delay)
    }

    private func exception(
        _ function: UInt8, _ code: ModbusError.ExceptionCode, _ statistics: inout ModbusServer.Statistics
    )
        -> Decision
    {
        statistics.exceptionReplies += 1
        return .reply([function | 0x80, code.rawValue], delay: 0)
    }

    static func table(_ functionCode: UInt8) -> ModbusFunction? {
        switch functionCode {
        case 1: .coil
        case 2: .discreteInput
        case 3: .holdingRegister
        case 4: .inputRegister
        default: nil
        }
    }

    /// The data bytes of a read answer: registers big-endian, bits packed LSB first.
    static func read(_ bank: RegisterBank, _ table: ModbusFunction, _ address: Int, _ count: Int) -> [UInt8]? {
        bank.read { tables -> [UInt8]? in
            if let words = tables.registers(table, at: address, count: count) {
                var data: [UInt8] = []
                data.reserveCapacity(2 * count)
                for word in words { data += [UInt8(word >> 8), UInt8(word & 0xff)] }
                return data
            }
            guard let bits = tables.bits(table, at: address, count: count) else { return nil }
            var data = [UInt8](repeating: 0, count: (count + 7) / 8)
            for (i, bit) in bits.enumerated() where bit { data[i / 8] |= 1 << UInt8(i % 8) }
            return data
        }
    }
}
