import CModbus
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The server's socket loop. Everything in it belongs to the server's own thread; it is handed
/// to that thread once and never touched elsewhere, hence `@unchecked Sendable`.
final class ServerLoop: @unchecked Sendable {
    private let context: OpaquePointer
    private let listener: Int32
    private let wake: Int32
    private let responder: ServerResponder
    private let logger: Logger
    private var clients: [Int32] = []
    /// Replies held back by a delay fault, in the order they fall due.
    private var delayed: [(due: UInt64, socket: Int32, frame: [UInt8])] = []
    private var request = [UInt8](repeating: 0, count: 260)  // MODBUS_TCP_MAX_ADU_LENGTH

    init(context: OpaquePointer, listener: Int32, wake: Int32, responder: ServerResponder, logger: Logger) {
        self.context = context
        self.listener = listener
        self.wake = wake
        self.responder = responder
        self.logger = logger
    }

    func run(shared: Locked<ModbusServer.Shared>) {
        defer { shutdown(shared) }
        while true {
            var fds = [
                pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
            ]
            fds += clients.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            var timeout: Int32 = -1
            if let next = delayed.first?.due {
                let now = Monotonic.now()
                timeout = next <= now ? 0 : Int32(clamping: (next - now + 999_999) / 1_000_000)
            }
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 {
                if cmodbus_errno() == EINTR { continue }
                logger.error("Modbus server poll failed", metadata: ["error.errno": "\(cmodbus_errno())"])
                return
            }
            if fds[0].revents != 0 { return }
            if fds[1].revents & Int16(POLLIN) != 0 { accept(shared) }
            for entry in fds.dropFirst(2) where entry.revents != 0 {
                serve(entry.fd, shared)
            }
            sendDueReplies()
        }
    }

    private func accept(_ shared: Locked<ModbusServer.Shared>) {
        var socket = listener
        let client = modbus_tcp_accept(context, &socket)
        guard client >= 0 else {
            logger.warning("Modbus server could not accept", metadata: ["error.errno": "\(cmodbus_errno())"])
            return
        }
        clients.append(client)
        shared.withLock {
            $0.statistics.connectionsAccepted += 1
            $0.statistics.openConnections = clients.count
        }
        logger.debug("Modbus client connected", metadata: ["modbus.socket": "\(client)"])
    }

    private func serve(_ socket: Int32, _ shared: Locked<ModbusServer.Shared>) {
        _ = modbus_set_socket(context, socket)
        let length = request.withUnsafeMutableBufferPointer { modbus_receive(context, $0.baseAddress) }
        guard length > 0 else {
            if length < 0 { disconnect(socket, shared) }
            return
        }
        // MBAP header: transaction id (2), protocol id (2), length (2), unit id (1); then the PDU.
        guard length >= 8 else { return disconnect(socket, shared) }
        let unit = request[6]
        let pdu = request[7..<Int(length)]
        let decision = shared.withLock { state in
            responder.respond(unit: unit, pdu: pdu, faults: state.faults, statistics: &state.statistics)
        }
        switch decision {
        case .noReply: break
        case .disconnect: disconnect(socket, shared)
        case .reply(let answer, let delay):
            let size = answer.count + 1
            let frame = [request[0], request[1], 0, 0, UInt8(size >> 8), UInt8(size & 0xff), unit] + answer
            if delay == 0 {
                if !send(frame, to: socket) { disconnect(socket, shared) }
            } else {
                delayed.append((Monotonic.now() + delay, socket, frame))
                delayed.sort { $0.due < $1.due }
            }
        }
    }

    private func sendDueReplies() {
        let now = Monotonic.now()
        while let first = delayed.first, first.due <= now {
            delayed.removeFirst()
            // A client that is gone has had its replies dropped; a failed send shows on its next read.
            _ = send(first.frame, to: first.socket)
        }
    }

    private func send(_ frame: [UInt8], to socket: Int32) -> Bool {
        frame.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let result = Glibc.send(socket, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                if result < 0 {
                    if cmodbus_errno() == EINTR { continue }
                    return false
                }
                sent += result
            }
            return true
        }
    }

    private func disconnect(_ socket: Int32, _ shared: Locked<ModbusServer.Shared>) {
        close(socket)
        clients.removeAll { $0 == socket }
        delayed.removeAll { $0.socket == socket }
        shared.withLock { $0.statistics.openConnections = clients.count }
        logger.debug("Modbus client disconnected", metadata: ["modbus.socket": "\(socket)"])
    }

    private func shutdown(_ shared: Locked<ModbusServer.Shared>) {
        for client in clients { close(client) }
        clients.removeAll()
        delayed.removeAll()
        close(listener)
        // The context's socket is one of the clients closed above; do not let libmodbus close it again.
        _ = modbus_set_socket(context, -1)
        modbus_free(context)
        shared.withLock { $0.statistics.openConnections = 0 }
    }
}
