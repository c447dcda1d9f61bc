import PrognosCore

extension PlantReader {
    /// Every failure mode an action resets or slows must belong to at least one asset.
    func checkActionFailureModes(_ assets: [Asset]) {
        let modes = declaredFailureModes
        for reference in actionFailureModeReferences where !modes.contains(reference.mode) {
            let hint = suggestion(for: reference.mode, in: Array(modes))
            diagnostics.report(
                "action '\(reference.action)' names unknown failure mode '\(reference.mode)'\(hint)",
                at: reference.location)
        }
    }

    /// Two signals must not read overlapping registers (or bits) of one device, unit and table:
    /// one of them would decode the other's bytes.
    func checkRegisterOverlaps() {
        let groups = Dictionary(grouping: modbusPoints) {
            "\($0.point.device)/\($0.point.unitID)/\($0.point.function.rawValue)"
        }
        for (_, members) in groups {
            let sorted = members.sorted { ($0.point.address, $0.location) < ($1.point.address, $1.location) }
            var widest = sorted[0]
            for current in sorted.dropFirst() {
                let widestEnd = Int(widest.point.address) + widest.point.width
                if Int(current.point.address) < widestEnd {
                    let p = current.point
                    let table = p.function.isBitAddressed ? "bit" : "register"
                    let span =
                        p.width == 1
                        ? "\(table) \(p.address)" : "\(table)s \(p.address)…\(Int(p.address) + p.width - 1)"
                    diagnostics.report(
                        "\(span) of device '\(p.device)' (unit \(p.unitID), \(p.function.rawValue)) \(p.width == 1 ? "is" : "are") also read by \(widest.signal) (line \(widest.location.line))",
                        at: current.location)
                }
                if Int(current.point.address) + current.point.width > widestEnd { widest = current }
            }
        }
    }
}
