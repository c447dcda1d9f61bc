import PrognosCore
import Testing

/// The daemon's alarm machine merged with the stored one, which holds operators' commands the
/// daemon may not have seen yet (`AlarmStateMachine.adopting`).
@Suite struct AlarmCommandMergeTests {
    /// A machine whose condition activated at 0.
    private func raised() -> AlarmStateMachine {
        var machine = AlarmStateMachine()
        _ = machine.update(conditionActive: true, at: 0)
        return machine
    }

    @Test func anAcknowledgementMadeWhileTheConditionClearedIsKept() {
        var stored = raised()
        _ = stored.acknowledge(at: 5)
        var daemon = raised()
        #expect(daemon.update(conditionActive: false, at: 6)?.to == .returnedUnacknowledged)

        let merged = daemon.adopting(commandsOf: stored, sameActivation: true, at: 6)
        #expect(merged.state == .normal)
        #expect(!merged.isConditionActive)
        // The next activation asks for a new acknowledgement.
        var next = merged
        #expect(next.update(conditionActive: true, at: 7)?.to == .unacknowledged)
    }

    @Test func anAcknowledgementOfAnEarlierActivationDoesNotCarryOver() {
        var stored = raised()
        _ = stored.acknowledge(at: 5)
        let daemon = raised()
        #expect(daemon.adopting(commandsOf: stored, sameActivation: false, at: 6).state == .unacknowledged)
    }

    @Test func aShelveMadeWhileTheConditionActivatedHoldsUntilItsEnd() {
        var stored = AlarmStateMachine()
        _ = stored.shelve(until: 100, at: 1)
        var daemon = AlarmStateMachine()
        _ = daemon.update(conditionActive: true, at: 2)

        var merged = daemon.adopting(commandsOf: stored, sameActivation: false, at: 2)
        #expect(merged.state == .shelved)
        #expect(merged.shelvedUntil == 100)
        #expect(merged.isConditionActive)
        #expect(merged.update(conditionActive: true, at: 50) == nil)
        #expect(merged.update(conditionActive: true, at: 100)?.to == .unacknowledged)
    }

    @Test func liftingASuppressionTheDaemonHasNotSeenAnnunciatesItsCondition() {
        var daemon = raised()
        _ = daemon.removeFromService(at: 1)
        var stored = daemon
        _ = stored.returnToService(at: 2)
        #expect(daemon.adopting(commandsOf: stored, sameActivation: true, at: 3).state == .unacknowledged)

        var shelved = raised()
        _ = shelved.shelve(until: 100, at: 1)
        var unshelved = shelved
        _ = unshelved.unshelve(at: 2)
        let merged = shelved.adopting(commandsOf: unshelved, sameActivation: true, at: 3)
        #expect(merged.state == .unacknowledged)
        #expect(merged.shelvedUntil == nil)
    }

    @Test func aStoredShelveThatRanOutIsTheDaemonsToEnd() {
        var stored = raised()
        _ = stored.shelve(until: 100, at: 1)
        var daemon = stored
        #expect(daemon.update(conditionActive: true, at: 100)?.cause == .shelveExpired)

        let merged = daemon.adopting(commandsOf: stored, sameActivation: true, at: 100)
        #expect(merged.state == .unacknowledged)
        #expect(merged.shelvedUntil == nil)
        // Before its end, the stored shelve stands, even extended by an operator.
        var extended = stored
        _ = extended.shelve(until: 200, at: 50)
        #expect(daemon.adopting(commandsOf: extended, sameActivation: true, at: 100).shelvedUntil == 200)
    }

    @Test func aMachineMergedWithItselfIsUnchanged() {
        var machines = [AlarmStateMachine(), raised()]
        var acknowledged = raised()
        _ = acknowledged.acknowledge(at: 1)
        var returned = raised()
        _ = returned.update(conditionActive: false, at: 1)
        var shelved = raised()
        _ = shelved.shelve(until: 50, at: 2)
        var outOfService = returned
        _ = outOfService.removeFromService(at: 3)
        machines += [acknowledged, returned, shelved, outOfService]
        for machine in machines {
            #expect(machine.adopting(commandsOf: machine, sameActivation: true, at: 10) == machine)
        }
    }
}
