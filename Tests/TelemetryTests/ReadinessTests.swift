import Telemetry
import Testing

/// `/readyz` says ready only when collecting, writing and draining, and names the first thing wrong.
@Suite struct ReadinessTests {
    static func seen(
        silence: Double? = 1, writeError: String? = nil, broker: Bool? = true, oldest: Double? = nil
    ) -> Readiness.Observation {
        .init(
            sinceGoodReading: silence, silenceAllowed: 10, writeError: writeError, brokerConnected: broker,
            outboxAlerts: oldest == nil ? 0 : 3, outboxOldestAge: oldest, drainAllowed: 60)
    }

    @Test func collectingWritingAndDrainingIsReady() {
        #expect(Readiness.judge(Self.seen()) == Readiness(isReady: true, reason: "ready"))
        #expect(Readiness.judge(Self.seen(broker: nil, oldest: 59)).isReady)
    }

    @Test func eachFailureIsNamed() {
        #expect(Readiness.judge(Self.seen(silence: nil)) == .starting)
        #expect(Readiness.judge(Self.seen(silence: 12.7)).reason == "not collecting: no good reading for 12 s")
        #expect(Readiness.judge(Self.seen(writeError: "disk full")).reason == "not writing: disk full")
        #expect(
            Readiness.judge(Self.seen(broker: false)).reason == "outbox not draining: the broker is not connected")
        #expect(
            Readiness.judge(Self.seen(oldest: 61)).reason
                == "outbox not draining: 3 alerts waiting, the oldest for 61 s")
        #expect(!Readiness.judge(Self.seen(silence: 11, writeError: "x")).isReady)
    }
}
