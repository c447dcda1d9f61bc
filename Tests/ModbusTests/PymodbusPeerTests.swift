import Foundation
import Logging
import Modbus
import PrognosCore
import TestSupport
import Testing

extension NetworkTests {
    /// The collector against a Modbus server nobody here wrote: pymodbus 3.16.1 serving known
    /// values in every data type and word order, encoded by Python's `struct`.
    @Suite struct PymodbusPeerTests {
        /// Input-table points get a scale and offset, holding-table points none.
        static func point(_ entry: PymodbusPeer.Manifest.Point, unit: UInt8) -> ModbusPoint {
            let function = ModbusFunction(rawValue: entry.table)!
            let scaled = function == .inputRegister && entry.type != "bool"
            return ModbusPoint(
                device: "peer", unitID: unit, function: function, address: UInt16(entry.address),
                dataType: ModbusDataType(rawValue: entry.type)!, wordOrder: WordOrder(rawValue: entry.order)!,
                scale: scaled ? 0.25 : 1, offset: scaled ? -7 : 0)
        }

        @Test func readsEveryTypeAndWordOrderExactly() async throws {
            let peer = try PymodbusPeer()
            let manifest = peer.manifest
            #expect(manifest.points.count == 88)
            var signals = manifest.points.enumerated().map { index, entry in
                Fixtures.Signal(id: "p\(index)", point: Self.point(entry, unit: manifest.unit))
            }
            // Unmapped in the peer: answered with the illegal-data-address exception.
            signals.append(
                .init(
                    id: "unmapped",
                    point: ModbusPoint(device: "peer", function: .holdingRegister, address: 5000, dataType: .uint16)))
            let device = Fixtures.tcp("peer", port: peer.port, interval: .seconds(1), timeout: .seconds(1))
            let plant = Fixtures.plant([(device, signals)])
            let (logger, _) = Fixtures.capturingLogger()
            let collector = ModbusCollector(plant: plant, sink: CollectingSink(), logger: logger)

            let readings = await collector.pollOnce()
            #expect(readings.count == signals.count)
            let bySensor = Dictionary(uniqueKeysWithValues: readings.map { ($0.sensor, $0) })
            for (index, entry) in manifest.points.enumerated() {
                let point = Self.point(entry, unit: manifest.unit)
                let reading = bySensor["p\(index)"]
                #expect(reading?.quality == .good, "\(entry.table) \(entry.address) \(entry.type) \(entry.order)")
                #expect(
                    reading?.value == point.engineeringValue(entry.raw),
                    "\(entry.table) \(entry.address) \(entry.type) \(entry.order): raw \(entry.raw)")
            }
            #expect(bySensor["unmapped"]?.quality == .badValue)
            #expect(bySensor["unmapped"]?.value == nil)

            let statistics = try #require(collector.statistics(for: "peer"))
            #expect(statistics.polls == 1)
            #expect(statistics.failedPolls == 0)
            #expect(statistics.exceptions == 1)
            #expect(statistics.lastSuccess != nil)
            // Merged: two register tables, two bit tables, the unmapped point.
            #expect(statistics.requests == 5)
        }

        @Test func runningCollectorDeliversAtTheDeviceInterval() async throws {
            let peer = try PymodbusPeer()
            let entries = peer.manifest.points.prefix(20)
            let signals = entries.enumerated().map { index, entry in
                Fixtures.Signal(id: "p\(index)", point: Self.point(entry, unit: peer.manifest.unit))
            }
            let device = Fixtures.tcp(
                "peer", port: peer.port, interval: .milliseconds(100), timeout: .milliseconds(500))
            let sink = CollectingSink()
            let (logger, _) = Fixtures.capturingLogger()
            let collector = ModbusCollector(plant: Fixtures.plant([(device, signals)]), sink: sink, logger: logger)
            collector.start()
            try await Task.sleep(for: .milliseconds(750))
            collector.stop()
            let batches = sink.all
            #expect((5...9).contains(batches.count), "about one batch per 100 ms, got \(batches.count)")
            for batch in batches {
                #expect(batch.count == signals.count)
                #expect(batch.allSatisfy { $0.quality == .good })
            }
            let times = batches.compactMap { $0.first?.timestamp }
            for (earlier, later) in zip(times, times.dropFirst()) {
                #expect(later - earlier > 0.05 && later - earlier < 0.3)
            }
        }
    }
}
