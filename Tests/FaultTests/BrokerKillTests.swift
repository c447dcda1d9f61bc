import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The broker dies (SIGKILL, no chance to save anything) in the middle of a burst of alarms and
/// comes back: every alarm transition the daemon stored reaches a persistent-session QoS 1
/// subscriber, in the store's order, with no more duplicates than the publisher's in-flight window.
@Suite("Fault injection: broker killed", .serialized, .enabled(if: FaultSuite.isRoot))
struct BrokerKillTests {
    /// AlertPublisher.maxInFlight: QoS 1 may deliver at most these again after a reconnect.
    static let inFlightWindow = 200

    @Test(
        "SIGKILL of the broker during an alarm burst: every alarm arrives, in order", .enabled(if: FaultSuite.long),
        .timeLimit(.minutes(4)))
    func brokerKilledDuringBurst() async throws {
        let cycles = 5
        let plant = try FaultPlant(tag: "broker")
        try plant.startBroker()
        try plant.startSubscriber()
        try plant.startSimulator(scenario: AlarmBursts.scenario(cycles: cycles))
        try plant.startDaemon(arguments: ["--stale-after", "2"])

        // The first burst is under way: kill the broker in the middle of it.
        let burst = plant.wait(60) { plant.alarmsReceived().count >= 4 }
        try #require(burst, "no alarm burst reached the subscriber:\n\(plant.harness.read("run.log").suffix(3000))")
        plant.killBroker()
        let killed = FaultSuite.now
        try await Task.sleep(for: .seconds(5))
        try plant.startBroker()
        let restarted = FaultSuite.now

        // The outbox empties once the broker is back.
        let drained = plant.wait(60) { try plant.outboxAlerts() == 0 }
        let recovery = FaultSuite.now - restarted
        #expect(drained, "the outbox never drained after the broker came back")

        // Let the remaining bursts happen, then stop the daemon cleanly and compare.
        try await Task.sleep(for: .seconds(Double(12 + cycles * 14 + 8) - (FaultSuite.now - killed)))
        plant.daemon?.signal(SIGTERM)
        #expect(plant.daemon?.wait(timeout: 30) == 0, "\(plant.harness.read("run.log").suffix(2000))")
        let expected = try plant.storedEventIDs()
        #expect(expected.count >= cycles * 10, "only \(expected.count) alarm transitions stored")
        _ = plant.wait(20) { Set(plant.alarmsReceived().map(\.eventID)).isSuperset(of: expected) }
        let delivery = DeliveryCount(expected: expected, arrived: plant.alarmsReceived().map(\.eventID))
        #expect(delivery.missing.isEmpty, "never arrived: \(delivery.missing)")
        #expect(delivery.inOrder, "alarm transitions arrived out of order")
        #expect(
            delivery.duplicates <= Self.inFlightWindow,
            "\(delivery.duplicates) duplicates: more than the in-flight window")
        #expect(try plant.integrityCheck() == ["ok"])
        FaultSuite.report(
            scenario: "Broker SIGKILL during an alarm burst",
            injected: "broker killed, back after 5 s; \(expected.count) transitions",
            lost: "\(delivery.missing.count) (\(delivery.duplicates) duplicates)",
            recovery: FaultSuite.seconds(recovery))
    }
}
