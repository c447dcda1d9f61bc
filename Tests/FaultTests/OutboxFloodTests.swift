import Foundation
import Logging
import PrognosCore
import TestSupport
import Testing

@testable import Daemon
@testable import Store

#if canImport(Glibc)
import Glibc
#endif

/// A long broker outage, at unit level: the daemon's own `Store` outbox and `AlertPublisher`
/// against a real mosquitto, with a synthetic flood instead of the whole daemon (a real plant would
/// need days of alarms to queue 100,000 alerts). While the broker is away the outbox keeps every
/// alert within its configured size, sheds telemetry first, and the process's memory stays flat;
/// when the broker is back the outbox drains to a QoS 1 subscriber, in order.
@Suite("Fault injection: long broker outage", .serialized)
struct OutboxFloodTests {
    @Test(
        "100,000 alerts outlast an outage within the outbox's size and drain in order", .enabled(if: FaultSuite.long),
        .timeLimit(.minutes(20)))
    func hundredThousandAlerts() async throws {
        try await flood(alerts: 100_000)
    }

    @Test("10,000 alerts outlast an outage within the outbox's size and drain in order", .timeLimit(.minutes(3)))
    func tenThousandAlerts() async throws {
        try await flood(alerts: 10_000)
    }

    func flood(alerts: Int) async throws {
        let telemetry = alerts * 3 / 10
        let capacity = alerts + alerts / 10
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prognos-flood-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Store.open(path: folder + "/prognos.sqlite", options: Store.Options(outboxCapacity: capacity))

        // The outage: alerts and telemetry interleaved (3 telemetry per 10 alerts), queued as the
        // daemon queues them (Store.enqueue's rule), 1,000 per transaction to keep the test short.
        var memory: [Int] = []
        var sequence = 0
        var shedOrDropped = 0
        while sequence < alerts {
            let first = sequence
            let results = try await store.write("flood") { db in
                var results: [OutboxEnqueueResult] = []
                for n in first..<min(first + 1000, alerts) {
                    results.append(try Store.enqueue(Self.alert(n), capacity: capacity, db))
                    if n % 10 < 3 {
                        results.append(try Store.enqueue(Self.telemetry(n), capacity: capacity, db))
                    }
                }
                return results
            }
            for result in results {
                switch result {
                case .queued(_, let shed): shedOrDropped += shed
                case .dropped: shedOrDropped += 1  // only telemetry is ever refused
                }
            }
            sequence = min(first + 1000, alerts)
            if sequence % (alerts / 10) == 0 { memory.append(Self.residentBytes()) }
        }
        let counts = try await store.outboxCount()
        #expect(counts.alerts == alerts, "the outbox kept \(counts.alerts) of \(alerts) alerts")
        #expect(
            counts.alerts + counts.telemetry <= capacity,
            "\(counts.alerts + counts.telemetry) messages in an outbox of \(capacity)")
        #expect(counts.telemetry == capacity - alerts, "telemetry kept: \(counts.telemetry)")
        #expect(shedOrDropped == telemetry - counts.telemetry, "shed \(shedOrDropped) telemetry messages")
        let growth = (memory.last ?? 0) - (memory.first ?? 0)
        #expect(growth < 24 << 20, "resident memory grew by \(growth >> 20) MiB from 10 % to 100 % of the flood")

        // The broker comes back: the publisher drains the outbox to a persistent QoS 1 subscriber.
        let port = Loopback.freePort()
        let config = folder + "/mosquitto.conf"
        // No per-client queue limit: the default (1,000) would drop QoS 1 messages a slow subscriber has not taken yet.
        try "listener \(port) 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        let broker = try ChildProcess(
            Executable.path(named: "mosquitto"), ["-c", config], outputPath: folder + "/mosquitto.log")
        defer { broker.stop() }
        #expect(Loopback.waitUntilListening(port: port))
        let subscriber = try ChildProcess(
            Executable.path(named: "mosquitto_sub"),
            ["-h", "127.0.0.1", "-p", "\(port)", "-t", "prognos/flood/+/alarm", "-q", "1", "-c", "-i", "flood-test"],
            outputPath: folder + "/alarms.log")
        defer { subscriber.stop() }
        try await Task.sleep(for: .milliseconds(500))

        var logger = Logger(label: "flood")
        logger.logLevel = .warning
        let publisher = try AlertPublisher(
            broker: Broker(id: "flood", host: "127.0.0.1", port: port, clientID: "flood-publisher"), site: "flood",
            store: store,
            logger: logger)
        let started = Date()
        let publishing = Task { await publisher.run() }
        var drainMemory: [Int] = []
        var drained = false
        for _ in 0..<(alerts / 20 + 600) {
            try await Task.sleep(for: .milliseconds(200))
            drainMemory.append(Self.residentBytes())
            if try await store.outboxCount().alerts == 0 {
                drained = true
                break
            }
        }
        let drainSeconds = Date().timeIntervalSince(started)
        publishing.cancel()
        await publishing.value
        await publisher.close()
        let left = try await store.outboxCount().alerts
        #expect(drained, "\(left) alerts still queued after \(Int(drainSeconds)) s")
        let drainGrowth = (drainMemory.max() ?? 0) - (drainMemory.first ?? 0)
        #expect(drainGrowth < 24 << 20, "resident memory grew by \(drainGrowth >> 20) MiB while draining")

        let read = {
            Self.sequenceNumbers(in: (try? String(contentsOfFile: folder + "/alarms.log", encoding: .utf8)) ?? "")
        }
        _ = PlantHarness.wait(timeout: 30) { Set(read()).count >= alerts }
        let arrived = read()
        let delivery = DeliveryCount(expected: (0..<alerts).map { "\($0)" }, arrived: arrived.map { "\($0)" })
        #expect(
            delivery.missing.isEmpty,
            "\(delivery.missing.count) alerts never arrived, e.g. \(delivery.missing.prefix(5))")
        #expect(delivery.inOrder, "alerts arrived out of order")
        #expect(delivery.duplicates <= 200, "\(delivery.duplicates) duplicates")
        FaultSuite.report(
            scenario: "Broker away, outbox flood (unit level: Store + AlertPublisher)",
            injected: "\(alerts) alerts + \(telemetry) telemetry queued, capacity \(capacity)",
            lost: "\(delivery.missing.count) alerts; \(shedOrDropped) telemetry shed; memory +\(growth >> 20) MiB",
            recovery: "\(FaultSuite.seconds(drainSeconds)) to drain (\(Int(Double(alerts) / drainSeconds)) alerts/s)")
    }

    static func alert(_ n: Int) -> OutboxMessage {
        .alert(
            topic: "prognos/flood/asset-\(n % 10)/alarm",
            payload:
                #"{"event_id":"flood-\#(n)","seq":\#(n),"state":"unacknowledged","message":"synthetic alert of the outage flood"}"#,
            createdAt: Double(n))
    }

    static func telemetry(_ n: Int) -> OutboxMessage {
        OutboxMessage(
            kind: .telemetry, topic: "prognos/flood/telemetry", payload: #"{"seq":\#(n)}"#, qos: 0, createdAt: Double(n)
        )
    }

    /// The `seq` of every alert line, in arrival order.
    static func sequenceNumbers(in output: String) -> [Int] {
        output.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: #""seq":"#) else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
    }

    /// This process's resident set size (/proc/self/statm, in pages).
    static func residentBytes() -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
