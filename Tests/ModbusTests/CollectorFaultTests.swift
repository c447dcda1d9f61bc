import Foundation
import Logging
import Modbus
import PrognosCore
import TestSupport
import Testing

extension NetworkTests {
    /// The collector when devices misbehave: unreachable, silent, refusing, lying.
    @Suite struct CollectorFaultTests {
        static func holding(
            _ device: String, _ address: UInt16, _ type: ModbusDataType = .uint16, unit: UInt8 = 1
        )
            -> ModbusPoint
        {
            ModbusPoint(device: device, unitID: unit, function: .holdingRegister, address: address, dataType: type)
        }

        static func seeded(_ id: String) -> any RandomNumberGenerator { SplitMix64(seed: 7, name: id) }

        @Test("The devices' polls are staggered: the k-th polls k × 10 ms after the start, or k/n of its interval")
        func pollPhases() {
            let phases = (0..<10).map { ModbusCollector.phase(index: $0, of: 10, interval: .seconds(1)) }
            #expect(phases == (0..<10).map { UInt64($0) * 10_000_000 })
            #expect(ModbusCollector.phase(index: 0, of: 1, interval: .seconds(5)) == 0)
            #expect(ModbusCollector.phase(index: 2, of: 4, interval: .milliseconds(20)) == 10_000_000)
        }

        @Test(.timeLimit(.minutes(1)))
        func unreachableDeviceIsCommFailQuicklyAndOthersAreUnaffected() async throws {
            let server = try ModbusServer(logger: Logger(label: "test"))
            defer { server.stop() }
            server.bank.setRegisters(.holdingRegister, at: 0, [42])
            let good = Fixtures.tcp("good", port: server.port, interval: .milliseconds(100))
            // A refused connection must fail at once, not after the device's timeout: 30 s here, so
            // waiting for it would hold the test past its time limit.
            let dead = Fixtures.tcp(
                "dead", port: Loopback.freePort(), interval: .milliseconds(100), timeout: .seconds(30))
            let plant = Fixtures.plant([
                (good, [.init(id: "level", point: Self.holding("good", 0))]),
                (
                    dead,
                    [.init(id: "a", point: Self.holding("dead", 0)), .init(id: "b", point: Self.holding("dead", 50))]
                ),
            ])
            let sink = CollectingSink()
            let (logger, logs) = Fixtures.capturingLogger()
            let collector = ModbusCollector(plant: plant, sink: sink, logger: logger, random: Self.seeded)

            let once = await collector.pollOnce()
            #expect(once.filter { $0.asset == "asset-dead" }.allSatisfy { $0.quality == .commFail && $0.value == nil })
            #expect(once.first { $0.asset == "asset-good" }?.value == 42)

            // Both devices are polled every 100 ms: by the time the dead one has failed 6 polls (12
            // comm-fail readings of its two signals), the healthy one has answered about as many,
            // however loaded the machine (the dead one never holds it up).
            collector.start()
            while sink.readings(asset: "asset-dead").count < 12 { try await Task.sleep(for: .milliseconds(20)) }
            collector.stop()
            let goodReadings = sink.readings(asset: "asset-good")
            let deadReadings = sink.readings(asset: "asset-dead")
            #expect(goodReadings.count >= 5, "the healthy device keeps its pace: \(goodReadings.count)")
            #expect(goodReadings.allSatisfy { $0.quality == .good && $0.value == 42 })
            #expect(deadReadings.count >= 12, "comm-fail readings are delivered, not dropped: \(deadReadings.count)")
            #expect(deadReadings.allSatisfy { $0.quality == .commFail && $0.value == nil })

            let statistics = try #require(collector.statistics(for: "dead"))
            #expect(statistics.failedPolls == statistics.polls)
            #expect(statistics.lastSuccess == nil)
            #expect(statistics.lastError?.code == .connectionFailed)
            #expect(collector.statistics(for: "good")?.failedPolls == 0)
            #expect(
                logs.count(.warning, containing: "not answering") == 2,
                "once for pollOnce's poller, once for the thread's")
        }

        @Test func deviceThatStopsAnsweringAndComesBack() async throws {
            let server = try ModbusServer(logger: Logger(label: "test"))
            defer { server.stop() }
            let point = Self.holding("plc", 0, .float32)
            server.bank.set(12.5, for: point)
            let interval = 0.1
            let device = Fixtures.tcp(
                "plc", port: server.port, interval: .milliseconds(100), timeout: .milliseconds(100))
            let sink = CollectingSink()
            let (logger, logs) = Fixtures.capturingLogger()
            let collector = ModbusCollector(
                plant: Fixtures.plant([(device, [.init(id: "flow", point: point)])]), sink: sink, logger: logger,
                random: Self.seeded)
            collector.start()
            defer { collector.stop() }
            #expect(await Fixtures.eventually { sink.readings.contains { $0.quality == .good } })

            let silenced = WallClock.now()
            server.faults = [.silent]
            #expect(await Fixtures.eventually { sink.readings.last?.quality == .commFail })
            try await Task.sleep(for: .milliseconds(700))
            server.bank.set(99, for: point)
            let returned = WallClock.now()
            server.faults = []
            #expect(await Fixtures.eventually { sink.readings.last?.value == 99 })
            let firstGood = try #require(sink.readings.first { $0.timestamp > returned && $0.quality == .good })
            #expect(firstGood.value == 99)
            // Within one interval, plus the in-flight request's timeout and scheduling slack.
            #expect(
                firstGood.timestamp - returned < interval + 0.1 + 0.1,
                "resumed \(firstGood.timestamp - returned) s after")

            // While silent, nothing is passed as good: not the old value, not anything.
            let during = sink.readings.filter { $0.timestamp > silenced + 0.25 && $0.timestamp < returned }
            #expect(during.count >= 3)
            #expect(during.allSatisfy { $0.quality == .commFail && $0.value == nil })

            #expect(logs.count(.warning, containing: "not answering") == 1, "logged once when it starts")
            #expect(await Fixtures.eventually { logs.count(.notice, containing: "answering again") == 1 })
            let end = try #require(logs.all.first { $0.message.contains("answering again") })
            #expect(Int(end.metadata["fault.polls"] ?? "") ?? 0 >= 3, "counted while it lasted")
            #expect(end.metadata["modbus.device"] == "plc")
            #expect(collector.statistics(for: "plc")?.consecutiveFailedPolls == 0)
        }

        @Test func exceptionsAndImplausibleValuesBecomeQualities() async throws {
            let server = try ModbusServer(logger: Logger(label: "test"))
            defer { server.stop() }
            server.faults = [
                .init(table: .holdingRegister, addresses: 100..<101, action: .exception(.illegalDataAddress)),
                .init(table: .inputRegister, action: .exception(.serverDeviceBusy)),
            ]
            let ok = Self.holding("plc", 0)
            let garbage = Self.holding("plc", 1)
            let nan = Self.holding("plc", 2, .float32)
            let missing = Self.holding("plc", 100)
            let busy = ModbusPoint(device: "plc", function: .inputRegister, address: 0, dataType: .int16)
            server.bank.update { tables in
                tables.set(50, for: ok)
                tables.set(65535, for: garbage)
                tables.setRegisters(
                    .holdingRegister, at: 2, ModbusCodec.registers(raw: .nan, type: .float32, order: .abcd))
            }
            var device = Fixtures.tcp(
                "plc", port: server.port, interval: .milliseconds(500), timeout: .milliseconds(100))
            device.maxGap = 0
            let plant = Fixtures.plant([
                (
                    device,
                    [
                        .init(id: "ok", point: ok, normal: 0...100),
                        .init(id: "garbage", point: garbage, normal: 0...100),
                        .init(id: "nan", point: nan), .init(id: "missing", point: missing),
                        .init(id: "busy", point: busy),
                    ]
                )
            ])
            let (logger, logs) = Fixtures.capturingLogger()
            let collector = ModbusCollector(plant: plant, sink: CollectingSink(), logger: logger, random: Self.seeded)
            let readings = Dictionary(uniqueKeysWithValues: await collector.pollOnce().map { ($0.sensor, $0) })
            #expect(readings["ok"]?.quality == .good)
            #expect(readings["ok"]?.value == 50)
            #expect(readings["garbage"]?.quality == .outOfRange)
            #expect(readings["garbage"]?.value == 65535)
            #expect(readings["nan"]?.quality == .badValue)
            #expect(readings["nan"]?.value == nil)
            #expect(readings["missing"]?.quality == .badValue, "the device says the point does not exist")
            #expect(readings["busy"]?.quality == .commFail, "busy, retried, still busy: no value to be had")

            let statistics = try #require(collector.statistics(for: "plc"))
            #expect(statistics.retries >= 1, "busy is transient: retried")
            #expect(statistics.exceptions >= 3)
            #expect(statistics.lastError?.exception == .serverDeviceBusy)
            #expect(logs.count(.warning, containing: "request failing") == 2)
        }

        @Test func neverSendsAWriteOrABroadcast() async throws {
            let server = try ModbusServer(unitIDs: [1, 2], logger: Logger(label: "test"))
            defer { server.stop() }
            var signals: [Fixtures.Signal] = []
            for unit: UInt8 in [1, 2] {
                for (index, function) in ModbusFunction.allCases.enumerated() {
                    for address: UInt16 in [0, 3, 40] {
                        signals.append(
                            .init(
                                id: "u\(unit)-\(function.rawValue)-\(address)",
                                point: ModbusPoint(
                                    device: "plc", unitID: unit, function: function, address: address,
                                    dataType: function.isBitAddressed
                                        ? .bool : [.int16, .float32, .float64, .uint32][index])))
                    }
                }
            }
            let device = Fixtures.tcp("plc", port: server.port, interval: .milliseconds(20), timeout: .milliseconds(60))
            let (logger, _) = Fixtures.capturingLogger()
            let collector = ModbusCollector(
                plant: Fixtures.plant([(device, signals)]), sink: CollectingSink(), logger: logger, random: Self.seeded)
            _ = await collector.pollOnce()
            collector.start()
            // Walk it through every failure path: exceptions, silence, dropped connections.
            for faults: [ModbusServer.Fault] in [
                [.init(action: .exception(.illegalDataAddress))], [.init(action: .exception(.serverDeviceBusy))],
                [.silent], [.init(action: .disconnect)], [.init(unitID: 2, action: .delay(.milliseconds(100)))], [],
            ] {
                server.faults = faults
                try await Task.sleep(for: .milliseconds(150))
            }
            collector.stop()
            let statistics = server.statistics
            #expect(statistics.readRequests > 20)
            #expect(statistics.writeRequests == 0)
            #expect(statistics.otherRequests == 0)
            #expect(statistics.broadcastRequests == 0)
            #expect(Set(statistics.requestsByFunction.keys).isSubset(of: [1, 2, 3, 4]))
        }

        @Test func stopReturnsPromptlyEvenWhileADeviceHangs() async throws {
            let server = try ModbusServer(logger: Logger(label: "test"))
            defer { server.stop() }
            server.faults = [.silent]
            // A response timeout long enough that a loaded machine's scheduling delays (up to 0.6 s
            // seen in the full suite) stay well inside the bound below: two timeouts.
            let device = Fixtures.tcp(
                "plc", port: server.port, interval: .milliseconds(100), timeout: .seconds(2))
            let (logger, _) = Fixtures.capturingLogger()
            let collector = ModbusCollector(
                plant: Fixtures.plant([(device, [.init(id: "x", point: Self.holding("plc", 0))])]),
                sink: CollectingSink(),
                logger: logger)
            collector.start()
            try await Task.sleep(for: .milliseconds(150))
            let started = ContinuousClock.now
            await Fixtures.offPool { collector.stop() }
            #expect(ContinuousClock.now - started < .seconds(4), "at most one response timeout, not two")
        }
    }
}
