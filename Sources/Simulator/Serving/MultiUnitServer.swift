import Foundation
import Modbus
import PrognosCore

#if canImport(Glibc)
import Glibc
#endif

/// A read-only Modbus TCP server that answers each unit id from its own register bank: a gateway
/// in front of several devices (a VFD gateway with one drive per unit, a fan controller).
///
/// `Modbus.ModbusServer` answers every unit from one bank, which cannot serve the demo plant's
/// gateways (the same addresses on units 1–6); this fills that gap inside the simulator. Framing
/// is Modbus TCP (MBAP header + PDU); function codes 1–4 are answered, everything else gets the
/// illegal-function exception, a unit that is not served gets "gateway target failed to respond"
/// (0x0B). One thread of its own runs a `poll(2)` loop over every connection.
final class MultiUnitModbusServer: @unchecked Sendable {
    let host: String
    let port: Int
    private let banks: [UInt8: RegisterBank]
    private let listener: Int32
    private let wake: (read: Int32, write: Int32)
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stopped = false

    init(host: String, port: Int, banks: [UInt8: RegisterBank]) throws(SimulationError) {
        self.host = host
        self.banks = banks
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SimulationError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw SimulationError("cannot listen on \(host):\(port): \(message)")
        }
        listener = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            close(fd)
            throw SimulationError("pipe: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        wake = (ends[0], ends[1])
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "modbus-gateway-\(self.port)"
        thread.start()
    }

    deinit { stop() }

    /// Closes every connection and the listening socket; waits for the thread. Safe to call twice.
    func stop() {
        lock.lock()
        let first = !stopped
        stopped = true
        lock.unlock()
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
        finished.wait()
        close(wake.write)
        close(wake.read)
    }

    private func run() {
        var buffers: [Int32: [UInt8]] = [:]
        defer {
            for fd in buffers.keys { close(fd) }
            close(listener)
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let clients = buffers.keys.sorted()
            var fds = [
                pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
            ]
            fds += clients.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[0].revents != 0 { return }
            if fds[1].revents & Int16(POLLIN) != 0 {
                let client = accept(listener, nil, nil)
                if client >= 0 {
                    _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                    var yes: Int32 = 1
                    setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
                    buffers[client] = []
                }
            }
            for entry in fds.dropFirst(2) where entry.revents != 0 {
                let fd = entry.fd
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 {
                    if count < 0, errno == EINTR { continue }
                    close(fd)
                    buffers[fd] = nil
                    continue
                }
                buffers[fd, default: []].append(contentsOf: chunk[0..<count])
                if !serveFrames(fd, &buffers[fd, default: []]) {
                    close(fd)
                    buffers[fd] = nil
                }
            }
        }
    }

    /// Answers every complete frame in `buffer`; false when the connection must be closed.
    private func serveFrames(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        while buffer.count >= 7 {
            let length = Int(buffer[4]) << 8 | Int(buffer[5])
            guard length >= 2, length <= 254, buffer[2] == 0, buffer[3] == 0 else { return false }
            guard buffer.count >= 6 + length else { return true }
            let frame = Array(buffer[0..<(6 + length)])
            buffer.removeFirst(6 + length)
            let unit = frame[6]
            guard let pdu = answer(unit: unit, pdu: frame[7...]) else { continue }
            let size = pdu.count + 1
            let reply = [frame[0], frame[1], 0, 0, UInt8(size >> 8), UInt8(size & 0xff), unit] + pdu
            let sent = reply.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent != reply.count { return false }
        }
        return true
    }

    private func answer(unit: UInt8, pdu: ArraySlice<UInt8>) -> [UInt8]? {
        guard let function = pdu.first else { return nil }
        guard unit != 0 else { return nil }
        guard let bank = banks[unit] else { return [function | 0x80, 0x0B] }
        let table: ModbusFunction
        switch function {
        case 1: table = .coil
        case 2: table = .discreteInput
        case 3: table = .holdingRegister
        case 4: table = .inputRegister
        default: return [function | 0x80, 0x01]
        }
        let bytes = Array(pdu)
        guard bytes.count >= 5 else { return [function | 0x80, 0x03] }
        let address = Int(bytes[1]) << 8 | Int(bytes[2])
        let count = Int(bytes[3]) << 8 | Int(bytes[4])
        guard (1...table.maxQuantityPerRequest).contains(count) else { return [function | 0x80, 0x03] }
        if table.isBitAddressed {
            guard let bits = bank.bits(table, at: address, count: count) else { return [function | 0x80, 0x02] }
            var data = [UInt8](repeating: 0, count: (count + 7) / 8)
            for (i, bit) in bits.enumerated() where bit { data[i / 8] |= 1 << UInt8(i % 8) }
            return [function, UInt8(data.count)] + data
        }
        guard let words = bank.registers(table, at: address, count: count) else { return [function | 0x80, 0x02] }
        var data: [UInt8] = [function, UInt8(2 * count)]
        data.reserveCapacity(2 + 2 * count)
        for word in words { data += [UInt8(word >> 8), UInt8(word & 0xff)] }
        return data
    }
}
