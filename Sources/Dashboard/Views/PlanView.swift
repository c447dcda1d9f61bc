import PrognosCore
import Store

extension DashboardModel {
    func actionName(_ id: String) -> String { hierarchy.actionNames[id] ?? id }

    func riskText(_ p: ProposalRecord) -> String {
        switch (p.failureProbabilityIgnored, p.failureProbability) {
        case (let ignored?, let with?): "\(format.percent(ignored))\(glyphs.arrow)\(format.percent(with))"
        case (nil, let with?): format.percent(with)
        case (let ignored?, nil): format.percent(ignored)
        default: glyphs.missing
        }
    }

    func drawPlan(_ canvas: inout Canvas, y: Int, height: Int) {
        guard let plan = snapshot.plan else {
            canvas.put("no plan yet", x: 1, y: y + 1, style: .bold)
            canvas.put(
                "The planner writes one once the world models have health estimates.", x: 1, y: y + 2,
                style: theme.muted)
            return
        }
        let p = plan.plan
        // The longest heading that fits: version and times, expected cost against doing nothing.
        let saving = p.baselineCost.flatMap { base in p.expectedCost.map { base - $0 } }
        var long = "Plan v\(p.version ?? 0) made \(format.day(p.createdAt))"
        if let end = p.horizonEnd { long += ", horizon to \(format.day(end))" }
        var costs = "expected cost \(format.money(p.expectedCost))"
        if let base = p.baselineCost { costs += " vs \(format.money(base)) doing nothing" }
        if let saving { costs += " (saves \(format.money(saving)))" }
        let short = "Plan v\(p.version ?? 0), \(format.clock(p.createdAt))"
        let shortCosts = "cost \(format.money(p.expectedCost)), \(format.money(p.baselineCost)) doing nothing"
        let heading =
            [(long, costs), (short, costs), (short, shortCosts)].first {
                columns($0.0) + 2 + columns($0.1) <= canvas.width
            }
            ?? (short, shortCosts)
        let hx = canvas.put(heading.0, x: 0, y: y, style: .bold)
        canvas.put(heading.1, x: hx + 2, y: y, style: theme.accent)

        let specs: [ColumnSpec<DashboardLayout.PlanColumn>] = layout.planColumns.map { column in
            switch column {
            case .window: ColumnSpec(key: column, title: "WINDOW", minWidth: 22, maxWidth: 22)
            case .crew: ColumnSpec(key: column, title: "CREW", minWidth: 6, maxWidth: 12, dropPriority: 2)
            case .asset: ColumnSpec(key: column, title: "ASSET", minWidth: 11, maxWidth: 16)
            case .action: ColumnSpec(key: column, title: "ACTION", minWidth: 14, maxWidth: 40)
            case .mode: ColumnSpec(key: column, title: "FAILURE MODE", minWidth: 12, maxWidth: 18, dropPriority: 1)
            case .cost: ColumnSpec(key: column, title: "COST", minWidth: 7, maxWidth: 8, align: .right)
            case .ignored:
                ColumnSpec(key: column, title: "IF IGNORED", minWidth: 10, maxWidth: 10, align: .right, dropPriority: 3)
            case .saving:
                ColumnSpec(key: column, title: "SAVES", minWidth: 7, maxWidth: 8, align: .right, dropPriority: 3)
            case .risk: ColumnSpec(key: column, title: "P(FAIL)", minWidth: 9, maxWidth: 11, align: .right)
            }
        }
        let fitted = fitColumns(specs, total: canvas.width - 1)
        for column in fitted {
            canvas.put(
                column.spec.title, x: 1 + column.x, y: y + 1, width: column.width, style: theme.heading,
                align: column.spec.align)
        }
        let proposals = plan.proposals
        guard !proposals.isEmpty else {
            canvas.put("the plan proposes no action: doing nothing is cheapest", x: 1, y: y + 2, style: theme.muted)
            return
        }
        let reasonHeight = height >= 20 ? 6 : 4
        let visible = max(1, height - 2 - reasonHeight)
        lastPage = visible
        state.selectedProposal = min(state.selectedProposal, proposals.count - 1)
        state.planScroll = scrolled(
            state.planScroll, selected: state.selectedProposal, visible: visible, count: proposals.count)
        for row in 0..<visible {
            let index = state.planScroll + row
            guard index < proposals.count else { break }
            let proposal = proposals[index]
            let ly = y + 2 + row
            let sameWindow =
                index > state.planScroll && proposals[index - 1].windowStart == proposal.windowStart
                && proposals[index - 1].windowEnd == proposal.windowEnd
            for column in fitted {
                let cx = 1 + column.x
                let w = column.width
                switch column.spec.key {
                case .window:
                    if !sameWindow {
                        canvas.put(
                            format.window(proposal.windowStart, proposal.windowEnd), x: cx, y: ly, width: w,
                            style: theme.accent)
                    }
                case .crew: canvas.put(proposal.crew ?? glyphs.missing, x: cx, y: ly, width: w)
                case .asset: canvas.put(proposal.asset, x: cx, y: ly, width: w, style: .bold, ellipsis: glyphs.ellipsis)
                case .action: canvas.put(actionName(proposal.action), x: cx, y: ly, width: w, ellipsis: glyphs.ellipsis)
                case .mode: canvas.put(proposal.failureMode ?? "", x: cx, y: ly, width: w, style: theme.muted)
                case .cost: canvas.put(format.money(proposal.expectedCost), x: cx, y: ly, width: w, align: .right)
                case .ignored:
                    canvas.put(format.money(proposal.expectedCostIgnored), x: cx, y: ly, width: w, align: .right)
                case .saving:
                    let saving = proposal.expectedCostIgnored.flatMap { i in proposal.expectedCost.map { i - $0 } }
                    canvas.put(format.money(saving), x: cx, y: ly, width: w, align: .right)
                case .risk: canvas.put(riskText(proposal), x: cx, y: ly, width: w, align: .right)
                }
            }
            if index == state.selectedProposal {
                canvas.restyle(x: 0, y: ly, count: canvas.width) { $0.adding(reverse: true) }
            }
        }
        let selected = proposals[state.selectedProposal]
        let dy = y + height - reasonHeight
        canvas.put(String(repeating: String(glyphs.horizontal), count: canvas.width), x: 0, y: dy, style: theme.muted)
        canvas.put(" Why: \(selected.asset), \(actionName(selected.action)) ", x: 2, y: dy, style: .bold)
        let facts =
            "Failure before the horizon: \(format.percent(selected.failureProbabilityIgnored)) if ignored, "
            + "\(format.percent(selected.failureProbability)) with the action; expected cost "
            + "\(format.money(selected.expectedCostIgnored)) if ignored, \(format.money(selected.expectedCost)) with it."
        let text = (selected.reasoning.isEmpty ? "" : selected.reasoning + " ") + facts
        for (i, line) in wrap(text, width: canvas.width - 2, maxLines: reasonHeight - 1).enumerated() {
            canvas.put(line, x: 1, y: dy + 1 + i)
        }
    }
}
