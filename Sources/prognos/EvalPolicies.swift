import ArgumentParser
import Foundation
import LinearAlgebra
import Planner
import PlantFile
import PolicyEvaluation
import PrognosCore

/// `prognos eval policies PLANT.yaml`: the simulated plant under the maintenance policies with the
/// same random draws, priced with the plant's economics, against the hindsight lower bound.
struct EvalPolicies: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies",
        abstract:
            "Compare run-to-failure, fixed-interval, threshold, just-in-time, the planner and the hindsight plan with a lower bound on the simulated plant."
    )

    @Argument(help: "The plant file.") var plant: String
    @Option(help: "Simulated years.") var years: Double = 5
    @Option(help: "Seed of the simulated plant (the same for every policy).") var seed: UInt64 = 1
    @Option(help: "Simulation step in seconds.") var step: Double = 3600
    @Option(help: "Comma-separated policies to run (default: all, with the hindsight bound).") var policies: String?
    @Option(help: "Output format: table or json.") var format: PlanFormat = .table

    func validate() throws {
        guard years > 0, step > 0 else { throw ValidationError("years and step must be positive") }
        if let policies {
            for name in policies.split(separator: ",") where PolicyKind(name: String(name)) == nil {
                throw ValidationError(
                    "unknown policy '\(name)'; policies: \(PolicyKind.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
        }
    }

    func run() async throws {
        BLASThreads.useSingleThread()
        let loaded: PrognosCore.Plant
        do {
            loaded = try PlantFileLoader.load(path: plant)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        var options = PolicyEvaluationOptions()
        options.years = years
        options.seed = seed
        options.step = step
        if let policies {
            options.policies = policies.split(separator: ",").compactMap { PolicyKind(name: String($0)) }
        }
        let clock = ContinuousClock()
        let start = clock.now
        let outcomes: [PolicyOutcome]
        do {
            outcomes = try PolicyEvaluation.run(plant: loaded, options: options)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        let elapsed = clock.now - start
        let seconds = elapsed.inSeconds
        switch format {
        case .json:
            let items = outcomes.map { o in
                JSONText.object([
                    ("name", JSONText.string(o.name)), ("cost", JSONText.number(o.cost.rounded())),
                    ("failures", String(o.failures)),
                    ("downtime_hours", JSONText.number(o.downtimeHours)), ("actions", String(o.actions)),
                    // The bill by kind (added after the fields above, which keep their shape).
                    ("action_cost", JSONText.number(o.actionCost.rounded())),
                    ("failure_cost", JSONText.number(o.failureCost.rounded())),
                    ("downtime_cost", JSONText.number(o.downtimeCost.rounded())),
                    ("derating_cost", JSONText.number(o.deratingCost.rounded())),
                    ("planned_downtime_hours", JSONText.number(o.plannedDowntimeHours)),
                    (
                        "action_costs",
                        JSONText.object(
                            o.actionCosts.sorted { $0.key < $1.key }.map {
                                ($0.key, JSONText.number($0.value.rounded()))
                            })
                    ),
                    (
                        "action_counts",
                        JSONText.object(o.actionCounts.sorted { $0.key < $1.key }.map { ($0.key, String($0.value)) })
                    ),
                ])
            }
            print(
                JSONText.object([
                    ("plant", JSONText.string(loaded.site.id)), ("seed", String(seed)),
                    ("years", JSONText.number(years)),
                    ("currency", JSONText.string(loaded.economics.currency)),
                    ("policies", "[" + items.joined(separator: ",") + "]"),
                ]))
        case .table:
            let bound = outcomes.first { $0.name == PolicyKind.hindsightBound.rawValue }?.cost
            print(
                "\(loaded.site.name): \(years == years.rounded() ? String(Int(years)) : String(years)) simulated years, seed \(seed), step \(Int(step)) s (\(String(format: "%.0f", seconds)) s)"
            )
            let header = [
                "policy", "cost (\(loaded.economics.currency))", "failures", "unplanned downtime (h)", "actions",
                "× bound",
            ]
            let rows = outcomes.map { o in
                [
                    o.name, String(Int(o.cost.rounded())), String(o.failures), String(format: "%.0f", o.downtimeHours),
                    String(o.actions),
                    bound.map { $0 > 0 ? String(format: "%.2f", o.cost / $0) : "—" } ?? "—",
                ]
            }
            let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { i, cell in
                    i == 0
                        ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                        : String(repeating: " ", count: widths[i] - cell.count) + cell
                }.joined(separator: "  ")
            }
            print(line(header))
            for row in rows { print(line(row)) }
            for o in outcomes {
                if let note = o.note { print("\(o.name): \(note)") }
                // A bound above a policy's cost is no bound: say so rather than print a ratio below 1 quietly.
                if let bound, o.cost < bound - 0.5 {
                    print("\(o.name) costs less than the hindsight bound: the bound does not hold on this run")
                }
            }
        }
    }
}
