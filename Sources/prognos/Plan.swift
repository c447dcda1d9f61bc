import ArgumentParser
import Foundation
import Planner
import PlantFile
import PrognosCore
import Store

/// `prognos plan --db FILE`: the current maintenance plan from the daemon's store, with the reasons
/// for every proposal; `--what-if "…"` shows how risk and cost move under another choice.
struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the maintenance plan with its reasons, or how risk and cost move under a what-if.",
        discussion: """
            What-if forms: \(WhatIf.acceptedForms.map { "\"\($0)\"" }.joined(separator: ", ")).
            Example: prognos plan --db prognos.sqlite --what-if "derate pump-101 80% until next window"
            """)

    @Option(help: "The daemon's SQLite database.") var db: String
    @Option(help: "Show proposals starting within this long after the plan was made (30d, 2w, 72h).") var horizon =
        "30d"
    @Option(help: "Output format: table or json.") var format: PlanFormat = .table
    @Option(name: .customLong("what-if"), help: "A what-if question (see below).") var whatIf: String?
    @Option(help: "Plant file for --what-if (default: the one the daemon runs).") var plant: String?
    @Option(help: "Seed of the what-if's Monte-Carlo draws.") var seed: UInt64 = 1

    func validate() throws {
        guard PlanFormat.seconds(horizon) != nil else {
            throw ValidationError("cannot read the horizon '\(horizon)': use a number and s, min, h, d or w (30d)")
        }
    }

    func run() async throws {
        let store = try openStoreOrExit(db, readOnly: true)
        let seconds = PlanFormat.seconds(horizon) ?? 30 * 86400
        if let whatIf {
            try await answer(whatIf, store: store, horizon: seconds)
            return
        }
        guard let current = try await store.latestPlan() else {
            if format == .json {
                print("{\"plan\":null}")
            } else {
                print(
                    "No plan yet: the daemon plans once its world models have learned the assets (see prognos status).")
            }
            return
        }
        let plan = current.plan
        let end = plan.createdAt + seconds
        let proposals = current.proposals.filter { ($0.windowStart ?? plan.createdAt) <= end }
        switch format {
        case .json: print(Self.json(plan, proposals))
        case .table: Self.printTable(plan, proposals, horizon: horizon)
        }
    }

    static func json(_ plan: PlanRecord, _ proposals: [ProposalRecord]) -> String {
        let items = proposals.map { p in
            JSONText.object([
                ("asset", JSONText.string(p.asset)), ("failure_mode", p.failureMode.map(JSONText.string) ?? "null"),
                ("action", JSONText.string(p.action)),
                ("window_start", p.windowStart.map { JSONText.time($0) } ?? "null"),
                ("window_end", p.windowEnd.map { JSONText.time($0) } ?? "null"),
                ("crew", p.crew.map(JSONText.string) ?? "null"),
                ("expected_cost", p.expectedCost.map(JSONText.number) ?? "null"),
                ("expected_cost_ignored", p.expectedCostIgnored.map(JSONText.number) ?? "null"),
                ("p_fail_before", p.failureProbability.map(JSONText.number) ?? "null"),
                ("p_fail_ignored", p.failureProbabilityIgnored.map(JSONText.number) ?? "null"),
                ("reasoning", JSONText.string(p.reasoning)),
            ])
        }
        return JSONText.object([
            ("version", plan.version.map(String.init) ?? "null"), ("created_at", JSONText.time(plan.createdAt)),
            ("horizon_end", plan.horizonEnd.map { JSONText.time($0) } ?? "null"),
            ("expected_cost", plan.expectedCost.map(JSONText.number) ?? "null"),
            ("baseline_cost", plan.baselineCost.map(JSONText.number) ?? "null"),
            ("summary", JSONText.string(plan.summary)), ("proposals", "[" + items.joined(separator: ",") + "]"),
        ])
    }

    static func printTable(_ plan: PlanRecord, _ proposals: [ProposalRecord], horizon: String) {
        print("Plan v\(plan.version.map(String.init) ?? "?") made \(clock(plan.createdAt)) UTC: \(plan.summary)")
        guard !proposals.isEmpty else {
            print("No action proposed within \(horizon).")
            return
        }
        func pct(_ p: Double?) -> String { p.map { String(format: "%.1f %%", $0 * 100) } ?? "—" }
        func cost(_ c: Double?) -> String { c.map { String(Int($0.rounded())) } ?? "—" }
        let header = [
            "WHEN", "ASSET", "FAILURE MODE", "ACTION", "CREW", "P(FAIL BEFORE)", "P(FAIL IF IGNORED)", "COST",
            "IF IGNORED",
        ]
        let rows = proposals.map { p in
            [
                p.windowStart.map(clock) ?? "now", p.asset, p.failureMode ?? "—", p.action, p.crew ?? "—",
                pct(p.failureProbability),
                pct(p.failureProbabilityIgnored), cost(p.expectedCost), cost(p.expectedCostIgnored),
            ]
        }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(
                separator: "  ")
        }
        print(line(header))
        for row in rows { print(line(row)) }
        print("")
        for (i, p) in proposals.enumerated() { print("\(i + 1). \(p.reasoning)\n") }
    }

    /// Re-plans from the store's latest health with and without the what-if.
    func answer(_ text: String, store: Store, horizon: Double) async throws {
        let path: String
        if let plant {
            path = plant
        } else if let status = try await store.daemonStatus() {
            path = status.plant
        } else {
            printError("no plant file: give --plant PLANT.yaml (the daemon never ran on \(db))")
            throw ExitCode(1)
        }
        let plantFile: PrognosCore.Plant
        do {
            plantFile = try PlantFileLoader.load(path: path)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        let question: WhatIf
        do {
            question = try WhatIf.parse(text, plant: plantFile)
        } catch {
            printError(error.message)
            throw ExitCode(2)
        }
        var assets: [AssetHealth] = []
        var newest = 0.0
        for asset in plantFile.assets {
            var modes: [ModeHealth] = []
            for record in try await store.latestHealth(asset: asset.id) {
                guard let mode = asset.failureModes.first(where: { $0.id == record.failureMode }),
                    let health = record.health
                else { continue }
                newest = max(newest, record.time)
                // The row holds the mode's outlook: 1 − health of the way to a limit of 1, and its state
                // (a degrading mode is one the planner's gate passed when the row was written).
                let trend = -(record.trend ?? 0)
                var modeHealth = ModeHealth(
                    failureMode: mode.id, level: 1 - health, levelSD: record.healthSD ?? 0, trend: trend,
                    trendSD: abs(trend) * 0.2, limit: 1,
                    deviation: record.state == .degrading ? PlannerConfiguration().detectionLevel : 0,
                    evidence: [SensorEvidence(sensor: mode.limit.sensor, deviation: 0, trendPerDay: trend * 86400)])
                if record.state == .failed {
                    modeHealth.failure = ModeFailure(time: record.time, reason: "reported failed")
                }
                modes.append(modeHealth)
            }
            if !modes.isEmpty { assets.append(AssetHealth(asset: asset.id, modes: modes)) }
        }
        var configuration = PlannerConfiguration()
        configuration.horizon = horizon
        configuration.seed = seed
        let now = newest > 0 ? newest : Date().timeIntervalSince1970
        let comparison = Planner(configuration: configuration).whatIf(
            question, input: PlanningInput(plant: plantFile, now: now, assets: assets))
        switch format {
        case .table: print(comparison.text)
        case .json:
            print(
                JSONText.object([
                    ("what_if", JSONText.string(question.description)),
                    ("plan", comparison.plan.json(site: plantFile.site.id, version: nil)),
                    ("alternative", comparison.alternative.json(site: plantFile.site.id, version: nil)),
                ]))
        }
    }
}

/// `table` or `json`.
enum PlanFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    case table, json

    /// Seconds of "30d", "2w", "72h", "90min", "600s" (a bare number is days).
    static func seconds(_ text: String) -> Double? {
        if let days = Double(text) { return days > 0 && days.isFinite ? days * 86400 : nil }
        return DurationText.seconds(text).flatMap { $0 > 0 ? $0 : nil }
    }
}
