import CModbus
import Logging
import PrognosCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A read-only Modbus TCP server over a `RegisterBank`: the simulator's devices, and the peer
/// that tests and benchmarks poll.
///
/// It listens as soon as it is made (port 0 picks a free port; `port` tells which), serves many
/// clients at once from one thread of its own (a `poll(2)` loop: libmodbus' own receive/reply
/// loop serves one client at a time), and frames requests with libmodbus. Read requests
/// (function codes 1–4) are answered from the bank; every other function code, writes
/// included, is counted and refused with the illegal-function exception, so nothing a client
/// sends ever changes the bank. `faults` make it misbehave on purpose. `stop()` (or deinit)
/// closes every connection and the listening socket.
public final class ModbusServer: Sendable {
    /// The bank of the single-bank server; for a gateway, the bank of its lowest unit id.
    public let bank: RegisterBank
    /// The bank behind each unit id that has its own (empty for a single-bank server).
    public let banks: [UInt8: RegisterBank]
    /// The address it listens on (an IPv4 literal; "0.0.0.0" for every interface).
    public let host: String
    /// The port it listens on (the one the system picked when asked for port 0).
    public let port: Int

    private let shared: Locked<Shared>
    private let wake: (read: Int32, write: Int32)
    private let thread: DedicatedThread

    struct Shared: Sendable {
        var faults: [Fault] = []
        var statistics = Statistics()
        var stopped = false
    }

    /// Listens on `host`:`port` and starts serving `bank`. `unitIDs` are the units it answers
    /// (nil: all but 0); requests to other units are left unanswered like on a serial bus.
    public convenience init(
        bank: RegisterBank = RegisterBank(), host: String = "127.0.0.1", port: Int = 0,
        unitIDs: Set<UInt8>? = nil, logger: Logger
    ) throws(ModbusError) {
        let banks = Dictionary(uniqueKeysWithValues: (unitIDs ?? []).map { ($0, bank) })
        try self.init(
            responder: ServerResponder(banks: banks, anyUnit: unitIDs == nil ? bank : nil, absentUnit: .noReply),
            bank: bank, banks: [:], host: host, port: port, logger: logger)
    }

    /// A gateway: each unit id answered from its own bank (the same addresses on units 1–6 of a
    /// VFD gateway). Units without a bank are answered as `absentUnit` says; unit 0 never.
    public convenience init(
        banks: [UInt8: RegisterBank], host: String = "127.0.0.1", port: Int = 0,
        absentUnit: AbsentUnit = .gatewayTargetFailed, logger: Logger
    ) throws(ModbusError) {
        let served = banks.filter { $0.key != 0 }
        try self.init(
            responder: ServerResponder(banks: served, anyUnit: nil, absentUnit: absentUnit),
            bank: served.min { $0.key < $1.key }?.value ?? RegisterBank(size: 0), banks: served, host: host,
            port: port, logger: logger)
    }

    private init(
        responder: ServerResponder, bank: RegisterBank, banks: [UInt8: RegisterBank], host: String, port: Int,
        logger: Logger
    ) throws(ModbusError) {
        let name = "server \(host):\(port)"
        guard let context = modbus_new_tcp(host, Int32(port)) else {
            let number = cmodbus_errno()
            throw ModbusError(code: .invalidRequest, device: name, errno: number, message: ModbusClient.message(number))
        }
        let listener = modbus_tcp_listen(context, 64)
        guard listener >= 0 else {
            let number = cmodbus_errno()
            modbus_free(context)
            throw ModbusError(
                code: .connectionFailed, device: name, errno: number,
                message: "cannot listen on \(host):\(port): " + ModbusClient.message(number))
        }
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else {
            let number = cmodbus_errno()
            close(listener)
            modbus_free(context)
            throw ModbusError(code: .io, device: name, errno: number, message: ModbusClient.message(number))
        }
        _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)

        self.bank = bank
        self.banks = banks
        self.host = host
        self.port = Self.localPort(listener) ?? port
        self.wake = (pipeEnds[0], pipeEnds[1])
        let shared = Locked(Shared())
        self.shared = shared
        var serverLogger = logger
        serverLogger[metadataKey: "modbus.server"] = "\(host):\(self.port)"
        let loop = ServerLoop(
            context: context, listener: listener, wake: pipeEnds[0],
            responder: responder, logger: serverLogger)
        thread = DedicatedThread { [shared] in loop.run(shared: shared) }
    }

    deinit { stop() }

    /// The ways the server misbehaves, first match first; empty (the default) serves correctly.
    /// Takes effect from the next request.
    public var faults: [Fault] {
        get { shared.withLock { $0.faults } }
        set { shared.withLock { $0.faults = newValue } }
    }

    /// What the server has received so far.
    public var statistics: Statistics { shared.withLock { $0.statistics } }

    /// Stops serving: closes every connection and the listening socket, and waits for the
    /// server's thread to end. Safe to call more than once.
    public func stop() {
        let first = shared.withLock { shared in
            defer { shared.stopped = true }
            return !shared.stopped
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
        thread.join()
        close(wake.write)
        close(wake.read)
    }

    private static func localPort(_ socket: Int32) -> Int? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) == 0 }
        }
        return ok ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
