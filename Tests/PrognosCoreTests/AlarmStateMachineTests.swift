import PrognosCore
import Testing

@Suite struct AlarmStateMachineTests {
    @Test func fullCycleAcknowledgedWhileActive() {
        var alarm = AlarmStateMachine()
        #expect(alarm.update(conditionActive: true, at: 0)?.to == .unacknowledged)
        #expect(
            alarm.acknowledge(at: 5)
                == AlarmTransition(from: .unacknowledged, to: .acknowledged, cause: .acknowledged, time: 5))
        #expect(alarm.update(conditionActive: false, at: 10)?.to == .normal)
        #expect(alarm.state == .normal)
    }

    @Test func returnsUnacknowledgedThenAcknowledgedToNormal() {
        var alarm = AlarmStateMachine()
        _ = alarm.update(conditionActive: true, at: 0)
        #expect(alarm.update(conditionActive: false, at: 1)?.to == .returnedUnacknowledged)
        #expect(alarm.state.needsAttention)
        #expect(alarm.update(conditionActive: true, at: 2)?.to == .unacknowledged)
        _ = alarm.update(conditionActive: false, at: 3)
        #expect(alarm.acknowledge(at: 4)?.to == .normal)
        #expect(alarm.acknowledge(at: 5) == nil)
    }

    @Test func onDelayIgnoresShortExcursions() {
        var alarm = AlarmStateMachine(onDelay: 10, offDelay: 0)
        #expect(alarm.update(conditionActive: true, at: 0) == nil)
        #expect(alarm.update(conditionActive: true, at: 9) == nil)
        #expect(alarm.update(conditionActive: false, at: 9.5) == nil)  // the excursion ended: timer resets
        #expect(alarm.update(conditionActive: true, at: 10) == nil)
        #expect(alarm.update(conditionActive: true, at: 19.9) == nil)
        #expect(alarm.update(conditionActive: true, at: 20)?.to == .unacknowledged)
    }

    @Test func offDelayKeepsAFlickeringConditionFromChattering() {
        var alarm = AlarmStateMachine(onDelay: 0, offDelay: 30)
        _ = alarm.update(conditionActive: true, at: 0)
        var transitions = 0
        for second in 1...120 {
            // Clear for 20 s, active for 1 s, repeatedly: never clear for 30 s.
            if alarm.update(conditionActive: second % 21 == 0, at: Double(second)) != nil { transitions += 1 }
        }
        #expect(transitions == 0)
        #expect(alarm.state == .unacknowledged)
        #expect(alarm.update(conditionActive: false, at: 121) == nil)
        #expect(alarm.update(conditionActive: false, at: 151)?.to == .returnedUnacknowledged)
    }

    @Test func aBlipShorterThanTheOnDelayDoesNotHoldAClearingAlarm() {
        var alarm = AlarmStateMachine(onDelay: 5, offDelay: 30)
        _ = alarm.update(conditionActive: true, at: 0)
        #expect(alarm.update(conditionActive: true, at: 5)?.to == .unacknowledged)
        // Clearing from 10 on; active again for 4 s at 20–23: noise, the off-delay runs on.
        _ = alarm.update(conditionActive: false, at: 10)
        for second in 20...23 { #expect(alarm.update(conditionActive: true, at: Double(second)) == nil) }
        #expect(alarm.update(conditionActive: false, at: 24) == nil)
        #expect(alarm.update(conditionActive: false, at: 40)?.to == .returnedUnacknowledged)
        // Raised again; a return that holds for the on-delay restarts the off-delay.
        _ = alarm.update(conditionActive: true, at: 50)
        #expect(alarm.update(conditionActive: true, at: 55)?.to == .unacknowledged)
        _ = alarm.update(conditionActive: false, at: 60)
        for second in 70...75 { _ = alarm.update(conditionActive: true, at: Double(second)) }
        #expect(alarm.update(conditionActive: false, at: 76) == nil)
        #expect(alarm.update(conditionActive: false, at: 95) == nil, "clear since 76 only")
        #expect(alarm.update(conditionActive: false, at: 106)?.to == .returnedUnacknowledged)
    }

    @Test func shelvingSuppressesUntilExpiryAndComesBackInTheRightState() {
        var alarm = AlarmStateMachine()
        _ = alarm.update(conditionActive: true, at: 0)
        #expect(alarm.shelve(until: 100, at: 1)?.to == .shelved)
        #expect(alarm.update(conditionActive: false, at: 50) == nil)
        #expect(alarm.update(conditionActive: true, at: 60) == nil)
        #expect(alarm.state == .shelved)
        let expiry = alarm.update(conditionActive: true, at: 100)
        #expect(expiry == AlarmTransition(from: .shelved, to: .unacknowledged, cause: .shelveExpired, time: 100))
        #expect(alarm.shelvedUntil == nil)
    }

    @Test func unshelveWhileClearGoesToNormalOnceAcknowledged() {
        var alarm = AlarmStateMachine()
        _ = alarm.update(conditionActive: true, at: 0)
        _ = alarm.acknowledge(at: 1)
        _ = alarm.shelve(until: 1000, at: 2)
        _ = alarm.update(conditionActive: false, at: 3)
        #expect(alarm.unshelve(at: 4)?.to == .normal)
        #expect(alarm.unshelve(at: 5) == nil)
    }

    @Test func outOfServiceSuppressesEverythingUntilReturned() {
        var alarm = AlarmStateMachine()
        #expect(alarm.removeFromService(at: 0)?.to == .outOfService)
        #expect(alarm.update(conditionActive: true, at: 1) == nil)
        #expect(alarm.shelve(until: 100, at: 2) == nil)
        #expect(alarm.acknowledge(at: 3) == nil)
        #expect(alarm.returnToService(at: 4)?.to == .unacknowledged)
    }

    @Test func limitDeadbandStopsHoveringValuesFromToggling() {
        let condition = LimitCondition(side: .high, limit: 85, deadband: 2)
        var active = false
        var toggles = 0
        for value in [84.0, 85.5, 84.5, 83.5, 85.2, 84.0, 82.9, 83.5] {
            let next = condition.isActive(value, wasActive: active)
            if next != active { toggles += 1 }
            active = next
        }
        // Activates at 85.5, stays through 84.5/83.5/85.2/84.0, clears at 82.9 (below 83): two toggles.
        #expect(toggles == 2)
        #expect(!active)
        let low = LimitCondition(side: .low, limit: 3, deadband: 0.5)
        #expect(low.isActive(2.9, wasActive: false))
        #expect(low.isActive(3.4, wasActive: true))
        #expect(!low.isActive(3.6, wasActive: true))
    }
}
