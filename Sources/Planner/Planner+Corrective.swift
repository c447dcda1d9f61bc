import PrognosCore

extension PlanningContext {
    /// A failed mode: the machine stands until it is repaired, so the plan proposes the cheapest action
    /// that restores the mode at once (in the open window if that is where it fits), ahead of any
    /// preventive work; doing nothing costs the downtime of the whole horizon.
    func corrective(asset: Asset, mode: FailureMode, health: ModeHealth) -> ModeCandidate {
        let p = prices(asset: asset, mode: mode)
        let standing = Option(
            action: nil, slot: nil, derate: nil, cost: p.failure + horizon * p.downtimePerSecond, failBefore: 1,
            failBeforeNext: 1, failHorizon: 1)
        var options = [standing]
        let open = slots.first.map { $0.start <= now } ?? false
        let timings: [SlotChoice] = open ? [.now, .window(0)] : [.now]
        let repairs = resetActions(asset: asset, mode: mode).sorted { ($0.cost, $0.id) < ($1.cost, $1.id) }
        if let (repair, timing) = repairs.lazy.compactMap({ a in timings.first { self.fits(a, $0) }.map { (a, $0) } })
            .first
        {
            options.append(
                Option(
                    action: repair, slot: timing, derate: nil, cost: p.failure, failBefore: 1, failBeforeNext: 1,
                    failHorizon: 1))
        }
        return ModeCandidate(
            asset: asset, mode: mode, health: health, options: options, nothing: 0, timeToFailure: (0, 0, 0))
    }

    /// "pump-101 bearing-wear: failed Tue 2025-01-07 22:00 (vibration_de read 13, past its failure
    /// limit (above 11)); the machine stands, losing 5,000 EUR an hour."
    func failureText(_ m: ModeCandidate, _ failure: ModeFailure) -> String {
        "\(m.asset.id) \(m.mode.id): failed \(clock(failure.time)) (\(failure.reason)); the machine stands, losing \(money(input.plant.economics.downtimeCostPerHour, input.plant.economics.currency)) an hour."
    }
}
