import Foundation
import PrognosCore

/// A what-if question about the plan, in the words an engineer types.
public enum WhatIf: Sendable, Equatable {
    /// "derate pump-101 80% until next window"
    case derate(asset: String, fraction: Double)
    /// "replace replace-bearings on pump-101 at saturday-day", "apply laser-align on gearbox-211 at now"
    case apply(action: String, asset: String, window: String?)
    /// "skip pump-101"
    case skip(asset: String)

    public static let acceptedForms = [
        "derate ASSET N% [until next window]",
        "replace|apply ACTION on ASSET at WINDOW|now|next",
        "skip ASSET",
    ]

    /// Parses `text` against the plant (asset, action and window ids must exist).
    public static func parse(_ text: String, plant: Plant) throws(WhatIfError) -> WhatIf {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        func asset(_ id: String) throws(WhatIfError) -> String {
            guard plant.asset(id) != nil else {
                throw WhatIfError(
                    "no asset '\(id)' in the plant; its assets: \(plant.assets.map(\.id).joined(separator: ", "))")
            }
            return id
        }
        guard let verb = words.first else { throw WhatIfError.unknown(text) }
        switch verb {
        case "derate":
            guard words.count >= 3 else { throw WhatIfError.unknown(text) }
            let id = try asset(words[1])
            var rest = Array(words.dropFirst(2))
            if rest.first == "to" { rest.removeFirst() }
            guard var number = rest.first else { throw WhatIfError.unknown(text) }
            rest.removeFirst()
            if rest.first == "%" {
                number += "%"
                rest.removeFirst()
            }
            let percent = number.hasSuffix("%")
            guard let value = Double(percent ? String(number.dropLast()) : number) else {
                throw WhatIfError.unknown(text)
            }
            let fraction = percent || value > 1.5 ? value / 100 : value
            guard fraction > 0, fraction <= 1 else {
                throw WhatIfError("a derating lies between 0 and 100 %; got \(number)")
            }
            guard rest.isEmpty || rest == ["until", "next", "window"] || rest == ["until", "the", "next", "window"]
            else {
                throw WhatIfError.unknown(text)
            }
            return .derate(asset: id, fraction: fraction)
        case "replace", "apply", "do":
            guard words.count >= 4, let on = words.firstIndex(of: "on"), on >= 2, on + 1 < words.count else {
                throw WhatIfError.unknown(text)
            }
            let named = words[1..<on].joined(separator: "-")
            let actionID = [named, "replace-" + named].first { plant.action($0) != nil }
            guard let actionID else {
                throw WhatIfError(
                    "no action '\(named)' in the plant's catalogue; its actions: \(plant.actions.map(\.id).joined(separator: ", "))"
                )
            }
            let id = try asset(words[on + 1])
            var window: String?
            if let at = words.firstIndex(of: "at"), at > on {
                let when = words[(at + 1)...].joined(separator: " ")
                switch when {
                case "now": window = nil
                case "next", "next window", "the next window": window = "next"
                default:
                    guard plant.economics.windows.contains(where: { $0.id == when }) else {
                        throw WhatIfError(
                            "no window '\(when)'; the plant's windows: \(plant.economics.windows.map(\.id).joined(separator: ", ")), or now, or next"
                        )
                    }
                    window = when
                }
            } else {
                window = "next"
            }
            return .apply(action: actionID, asset: id, window: window)
        case "skip":
            guard words.count == 2 else { throw WhatIfError.unknown(text) }
            return .skip(asset: try asset(words[1]))
        default:
            throw WhatIfError.unknown(text)
        }
    }

    var constraint: PlanConstraint {
        switch self {
        case .derate(let asset, let fraction): .derate(asset: asset, fraction: fraction)
        case .apply(let action, let asset, let window): .apply(asset: asset, action: action, window: window)
        case .skip(let asset): .skip(asset: asset)
        }
    }

    public var asset: String {
        switch self {
        case .derate(let asset, _), .apply(_, let asset, _), .skip(let asset): asset
        }
    }

    public var description: String {
        switch self {
        case .derate(let asset, let fraction):
            "derate \(asset) to \(Int((fraction * 100).rounded())) % until the next window"
        case .apply(let action, let asset, let window):
            "\(action) on \(asset) \(window.map { $0 == "next" ? "in the next window" : "in the \($0) window" } ?? "now")"
        case .skip(let asset): "do nothing to \(asset)"
        }
    }
}

/// Why a what-if question was not understood.
public struct WhatIfError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    static func unknown(_ text: String) -> WhatIfError {
        WhatIfError(
            "cannot read the what-if '\(text)'; accepted forms:\n  " + WhatIf.acceptedForms.joined(separator: "\n  "))
    }
}

/// How risk and cost move under a what-if, against the planner's own choice.
public struct WhatIfComparison: Sendable, Equatable {
    public var question: WhatIf
    public var plan: MaintenanceSchedule
    public var alternative: MaintenanceSchedule

    /// The asset's modes under the plan and under the what-if.
    public var rows: [(mode: String, plan: ModeOutcome?, alternative: ModeOutcome?)] {
        let modes = Set(plan.modes.filter { $0.asset == question.asset }.map(\.failureMode))
            .union(alternative.modes.filter { $0.asset == question.asset }.map(\.failureMode)).sorted()
        return modes.map { mode in
            (
                mode, plan.modes.first { $0.asset == question.asset && $0.failureMode == mode },
                alternative.modes.first { $0.asset == question.asset && $0.failureMode == mode }
            )
        }
    }

    public static func == (a: WhatIfComparison, b: WhatIfComparison) -> Bool {
        a.question == b.question && a.plan == b.plan && a.alternative == b.alternative
    }

    /// Plain words and numbers.
    public var text: String {
        let currency = plan.currency
        let horizon = days(plan.horizonEnd - plan.createdAt)
        var lines = ["What if: \(question.description)"]
        for row in rows {
            func describe(_ o: ModeOutcome?) -> String {
                guard let o else { return "healthy" }
                let what = o.action.isEmpty ? (o.derate != nil ? "derate only" : "no action") : "\(o.action) \(o.when)"
                return
                    "\(what): P(failure within \(horizon)) \(percent(o.failureProbability)), expected cost \(money(o.expectedCost, currency))"
            }
            lines.append("  \(question.asset) \(row.mode)")
            lines.append("    plan     \(describe(row.plan))")
            lines.append("    what-if  \(describe(row.alternative))")
        }
        let delta = alternative.expectedCost - plan.expectedCost
        lines.append(
            "Plant expected cost over \(horizon): \(money(plan.expectedCost, currency)) with the plan, \(money(alternative.expectedCost, currency)) with the what-if (\(delta >= 0 ? "+" : "")\(money(delta, currency)))."
        )
        return lines.joined(separator: "\n")
    }
}

extension Planner {
    /// The plan, and the plan with the what-if imposed on its asset (in both, the asset's modes are
    /// examined even if healthy, so the totals compare like with like).
    public func whatIf(_ question: WhatIf, input: PlanningInput) -> WhatIfComparison {
        WhatIfComparison(
            question: question, plan: plan(input, constraints: [.examine(asset: question.asset)]),
            alternative: plan(input, constraints: [question.constraint]))
    }
}
