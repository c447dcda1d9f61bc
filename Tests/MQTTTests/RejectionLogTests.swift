import Testing

@testable import MQTT

@Suite struct RejectionLogTests {
    private func describe(_ action: RejectionLog.Action) -> String {
        switch action {
        case .none: "none"
        case .logRejection(let suppressed): "log \(suppressed)"
        case .logRecovery(let rejected): "recovered \(rejected)"
        }
    }

    @Test func logsOncePerMinuteWithTheSuppressedCountAndOnceOnRecovery() {
        var log = RejectionLog()
        #expect(describe(log.rejected(at: 0)) == "log 0")
        #expect(describe(log.rejected(at: 10)) == "none")
        #expect(describe(log.rejected(at: 59)) == "none")
        #expect(describe(log.rejected(at: 60)) == "log 2")
        #expect(describe(log.rejected(at: 61)) == "none")
        #expect(describe(log.accepted()) == "recovered 5")
        #expect(describe(log.accepted()) == "none")
        #expect(describe(log.rejected(at: 62)) == "log 0")
    }

    @Test func acknowledgementTrackerPairsEarlyAcknowledgements() {
        var tracker = AcknowledgementTracker<String, Int>()
        tracker.beginRequest()
        #expect(tracker.acknowledge(7, 1) == nil)  // arrived before the requester stored its waiter
        #expect(tracker.endRequest(mid: 7, waiter: "a") == 1)
        #expect(tracker.count == 0)
        tracker.beginRequest()
        #expect(tracker.endRequest(mid: 8, waiter: "b") == nil)
        #expect(tracker.acknowledge(8, 2) == "b")
        // Acknowledgements nobody asked for are not remembered when no request is in progress.
        #expect(tracker.acknowledge(9, 3) == nil)
        tracker.beginRequest()
        #expect(tracker.endRequest(mid: 9, waiter: "c") == nil)
        #expect(tracker.count == 1)
    }
}
