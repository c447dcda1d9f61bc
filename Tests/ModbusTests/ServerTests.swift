import Foundation
import Logging
import Modbus
import PrognosCore
import TestSupport
import Testing

/// Tests that open sockets, start peers or measure time: one at a time, so that the two cores
/// are not shared between timing-sensitive tests.
@Suite(.serialized, .timeLimit(.minutes(3))) struct NetworkTests {}

extension NetworkTests {
    @Suite struct ServerTests {
        let logger = Logger(label: "test.modbus.server")

        func client(_ server: ModbusServer, timeout: Duration = .milliseconds(300)) throws -> ModbusClient {
            try ModbusClient(deviceID: "test", transport: .tcp(host: "127.0.0.1", port: server.port), timeout: timeout)
        }

        @Test func clientReadsWhatTheBankHolds() throws {
            let server = try ModbusServer(logger: logger)
            defer { server.stop() }
            #expect(server.port > 0)
            let points = [
                ModbusPoint(device: "d", function: .holdingRegister, address: 10, dataType: .float32, wordOrder: .cdab),
                ModbusPoint(device: "d", function: .inputRegister, address: 3, dataType: .int32, wordOrder: .dcba),
                ModbusPoint(device: "d", function: .coil, address: 7, dataType: .bool),
                ModbusPoint(device: "d", function: .discreteInput, address: 65535, dataType: .bool),
            ]
            server.bank.set([(points[0], 21.5), (points[1], -123_456), (points[2], 1), (points[3], 1)])

            let client = try client(server)
            let words = try client.readRegisters(.holdingRegister, unit: 1, address: 10, count: 2)
            #expect(ModbusCodec.decode(registers: words, point: points[0]).value == 21.5)
            let input = try client.readRegisters(.inputRegister, unit: 1, address: 3, count: 2)
            #expect(ModbusCodec.decode(registers: input, point: points[1]).value == -123_456)
            #expect(try client.readBits(.coil, unit: 1, address: 0, count: 10) == (0..<10).map { $0 == 7 })
            #expect(try client.readBits(.discreteInput, unit: 1, address: 65534, count: 2) == [false, true])
            #expect(server.statistics.readRequests == 4)
            #expect(server.statistics.requestsByFunction == [1: 1, 2: 1, 3: 1, 4: 1])
        }

        @Test func readsPastATableAreIllegalAddresses() throws {
            let server = try ModbusServer(
                bank: RegisterBank(coils: 8, discreteInputs: 8, holdingRegisters: 100, inputRegisters: 0),
                logger: logger)
            defer { server.stop() }
            let client = try client(server)
            #expect(try client.readRegisters(.holdingRegister, unit: 1, address: 98, count: 2).count == 2)
            let error = #expect(throws: ModbusError.self) {
                try client.readRegisters(.holdingRegister, unit: 1, address: 99, count: 2)
            }
            #expect(error?.code == .exception)
            #expect(error?.exception == .illegalDataAddress)
            #expect(error?.device == "test")
            #expect(error?.address == 99)
            // The connection survives an exception.
            #expect(try client.readBits(.coil, unit: 1, address: 0, count: 8).count == 8)
            #expect(throws: ModbusError.self) {
                try client.readRegisters(.inputRegister, unit: 1, address: 0, count: 1)
            }
        }

        @Test func clientRefusesBroadcastAndOversizedReadsWithoutSending() throws {
            let server = try ModbusServer(logger: logger)
            defer { server.stop() }
            let client = try client(server)
            for (unit, count) in [(UInt8(0), 1), (1, 126), (1, 0)] {
                let error = #expect(throws: ModbusError.self) {
                    try client.readRegisters(.holdingRegister, unit: unit, address: 0, count: count)
                }
                #expect(error?.code == .invalidRequest)
            }
            #expect(throws: ModbusError.self) { try client.readBits(.coil, unit: 1, address: 65535, count: 2) }
            #expect(server.statistics.requestsByFunction.isEmpty)
        }

        @Test func unitsNotServedGetNoAnswer() throws {
            let server = try ModbusServer(unitIDs: [1, 2], logger: logger)
            defer { server.stop() }
            let client = try client(server, timeout: .milliseconds(150))
            #expect(try client.readRegisters(.holdingRegister, unit: 2, address: 0, count: 1) == [0])
            let error = #expect(throws: ModbusError.self) {
                try client.readRegisters(.holdingRegister, unit: 3, address: 0, count: 1)
            }
            #expect(error?.code == .timeout)
            #expect(server.statistics.unansweredRequests == 1)
        }

        @Test func gatewayAnswersEachUnitFromItsOwnBank() throws {
            let banks = Dictionary(uniqueKeysWithValues: (1...3).map { (UInt8($0), RegisterBank(size: 16)) })
            for (unit, bank) in banks { bank.setRegisters(.holdingRegister, at: 8, [UInt16(unit) * 100]) }
            let server = try ModbusServer(banks: banks, logger: logger)
            defer { server.stop() }
            #expect(server.bank === banks[1])
            let client = try client(server)
            for unit: UInt8 in 1...3 {
                #expect(
                    try client.readRegisters(.holdingRegister, unit: unit, address: 8, count: 1) == [UInt16(unit) * 100]
                )
            }
            let absent = #expect(throws: ModbusError.self) {
                try client.readRegisters(.holdingRegister, unit: 4, address: 8, count: 1)
            }
            #expect(absent?.exception == .gatewayTargetFailedToRespond)
        }

        @Test func faultsMakeTheServerMisbehaveOnPurpose() throws {
            let server = try ModbusServer(logger: logger)
            defer { server.stop() }
            server.bank.setRegisters(.holdingRegister, at: 0, [1, 2, 3, 4])
            server.faults = [
                .init(table: .holdingRegister, addresses: 100..<110, action: .exception(.serverDeviceBusy)),
                .init(unitID: 1, table: .inputRegister, action: .exception(.gatewayTargetFailedToRespond)),
                .init(table: .holdingRegister, addresses: 200..<201, action: .delay(.milliseconds(150))),
                .init(table: .holdingRegister, addresses: 300..<301, action: .silent),
                .init(table: .coil, action: .disconnect),
            ]
            let client = try client(server, timeout: .milliseconds(400))
            let busy = #expect(throws: ModbusError.self) {
                try client.readRegisters(.holdingRegister, unit: 1, address: 95, count: 10)
            }
            #expect(busy?.exception == .serverDeviceBusy)
            #expect(busy?.exception?.isTransient == true)
            let gateway = #expect(throws: ModbusError.self) {
                try client.readRegisters(.inputRegister, unit: 1, address: 0, count: 1)
            }
            #expect(gateway?.exception == .gatewayTargetFailedToRespond)
            #expect(try client.readRegisters(.inputRegister, unit: 2, address: 0, count: 1) == [0])

            // A delayed reply holds up only its own client.
            let other = try self.client(server)
            let started = ContinuousClock.now
            let slow = Thread.detachNewThreadAndWait {
                try? client.readRegisters(.holdingRegister, unit: 1, address: 200, count: 1)
            }
            #expect(try other.readRegisters(.holdingRegister, unit: 1, address: 0, count: 4) == [1, 2, 3, 4])
            #expect(ContinuousClock.now - started < .milliseconds(120))
            #expect(slow.wait() == [0])
            #expect(ContinuousClock.now - started >= .milliseconds(150))

            let silent = #expect(throws: ModbusError.self) {
                try client.readRegisters(.holdingRegister, unit: 1, address: 300, count: 1)
            }
            #expect(silent?.code == .timeout)
            let closed = #expect(throws: ModbusError.self) { try client.readBits(.coil, unit: 1, address: 0, count: 1) }
            #expect(closed?.code == .connectionClosed)
            #expect(
                try client.readRegisters(.holdingRegister, unit: 1, address: 0, count: 1) == [1], "reconnects by itself"
            )

            server.faults = []
            #expect(try client.readRegisters(.holdingRegister, unit: 1, address: 300, count: 1) == [0])
            #expect(server.statistics.exceptionReplies == 2)
        }

        @Test func servesSeveralClientsAtOnceIncludingPymodbus() async throws {
            try PymodbusPeer.requireVenv()
            let server = try ModbusServer(logger: logger)
            defer { server.stop() }
            let words: [UInt16] = [0x1234, 0xBEEF, 7, 65535]
            server.bank.setRegisters(.holdingRegister, at: 40, words)
            let python = try ChildProcess(
                Peers.python,
                [
                    PymodbusPeer.clientScript, "--port", String(server.port), "read", "--address", "40",
                    "--expect", words.map(String.init).joined(separator: ","), "--times", "300",
                ])
            let port = server.port
            let ours = await Fixtures.offPool { () -> Int in
                var wrong = 0
                let clients = (0..<3).compactMap {
                    try? ModbusClient(deviceID: "c\($0)", transport: .tcp(host: "127.0.0.1", port: port))
                }
                for _ in 0..<300 {
                    for client in clients
                    where (try? client.readRegisters(.holdingRegister, unit: 1, address: 40, count: 4)) != words {
                        wrong += 1
                    }
                }
                return wrong + (3 - clients.count) * 300
            }
            let status = await Fixtures.offPool { python.wait(timeout: 30) }
            #expect(ours == 0)
            #expect(status == 0, "pymodbus client: wrong or failed reads")
            #expect(server.statistics.connectionsAccepted >= 4)
            #expect(server.statistics.readRequests >= 1_200)
        }

        @Test func writesAreCountedAndRefusedNeverApplied() async throws {
            try PymodbusPeer.requireVenv()
            let server = try ModbusServer(logger: logger)
            defer { server.stop() }
            let python = try ChildProcess(
                Peers.python, [PymodbusPeer.clientScript, "--port", String(server.port), "write"])
            let status = await Fixtures.offPool { python.wait(timeout: 30) }
            #expect(status == 0, "every write is refused with an exception")
            let statistics = server.statistics
            #expect(statistics.writeRequests == 4)
            #expect(statistics.requestsByFunction == [5: 1, 6: 1, 15: 1, 16: 1])
            #expect(statistics.exceptionReplies == 4)
            #expect(server.bank.registers(.holdingRegister, at: 0, count: 3) == [0, 0, 0])
            #expect(server.bank.bits(.coil, at: 0, count: 2) == [false, false])
        }

        @Test func stopClosesEverything() throws {
            let server = try ModbusServer(logger: logger)
            let client = try client(server)
            #expect(try client.readRegisters(.holdingRegister, unit: 1, address: 0, count: 1) == [0])
            #expect(server.statistics.openConnections == 1)
            server.stop()
            server.stop()
            #expect(!Loopback.isListening(port: server.port))
            #expect(throws: ModbusError.self) {
                try client.readRegisters(.holdingRegister, unit: 1, address: 0, count: 1)
            }
        }

        @Test func rtuClientReportsAMissingSerialPort() throws {
            let client = try ModbusClient(
                deviceID: "line-1", transport: .rtu(SerialLine(port: "/dev/prognos-no-such-port")),
                timeout: .milliseconds(100))
            let error = #expect(throws: ModbusError.self) { try client.connect() }
            #expect(error?.code == .connectionFailed)
            #expect(error?.description.contains("/dev/prognos-no-such-port") == true)
        }
    }
}

extension Thread {
    /// Runs `body` on a new thread; `wait()` on the result blocks until it has returned.
    static func detachNewThreadAndWait<T: Sendable>(_ body: @escaping @Sendable () -> T) -> Pending<T> {
        let pending = Pending<T>()
        Thread.detachNewThread { pending.fulfil(body()) }
        return pending
    }

    final class Pending<T: Sendable>: @unchecked Sendable {
        private let condition = NSCondition()
        private var value: T?
        func fulfil(_ value: T) {
            condition.lock()
            self.value = value
            condition.broadcast()
            condition.unlock()
        }
        func wait() -> T {
            condition.lock()
            defer { condition.unlock() }
            while value == nil { condition.wait() }
            return value!
        }
    }
}
