import Foundation
import PrognosCore

/// When a proposed action happens: now (outside any window, the plant stops for it) or in a window.
public enum ProposalTiming: Sendable, Equatable, Hashable {
    case now
    case window(WindowSlot)
}

/// One proposed action with its reasoning: the evidence, the risk it removes and the money at stake.
public struct Proposal: Sendable, Equatable {
    public var asset: String
    public var failureMode: String
    /// Action id from the plant's catalogue, and its name.
    public var action: String
    public var actionName: String
    public var timing: ProposalTiming
    /// Scheduled start and end (epoch seconds) and the technicians it takes.
    public var start: Double
    public var end: Double
    public var crew: Int
    /// Derating fraction applied from now until the next window together with this proposal, if any.
    public var derate: Double?
    /// Expected cost over the horizon with this proposal, and if the mode is left alone.
    public var expectedCost: Double
    public var expectedCostIgnored: Double
    /// Probability of failure before the proposed time, before the window after it, and within the
    /// horizon if ignored.
    public var failureProbabilityBefore: Double
    public var failureProbabilityBeforeNext: Double
    public var failureProbabilityIgnored: Double
    /// Probability of failure before the proposed time if the asset is derated until the next window
    /// (nil when the asset cannot be derated).
    public var failureProbabilityBeforeIfDerated: Double?
    /// Time to failure if ignored, seconds (10th percentile, median, 90th); 1e9 stands for "not within
    /// ten horizons".
    public var timeToFailure: (p10: Double, median: Double, p90: Double)
    public var level: Double
    public var limit: Double
    public var trendPerDay: Double
    public var evidence: [SensorEvidence]
    /// The reasoning in plain words and numbers.
    public var reasoning: String

    public static func == (a: Proposal, b: Proposal) -> Bool {
        a.asset == b.asset && a.failureMode == b.failureMode && a.action == b.action && a.timing == b.timing
            && a.start == b.start
            && a.end == b.end && a.crew == b.crew && a.derate == b.derate && a.expectedCost == b.expectedCost
            && a.expectedCostIgnored == b.expectedCostIgnored
            && a.failureProbabilityBefore == b.failureProbabilityBefore
            && a.failureProbabilityBeforeNext == b.failureProbabilityBeforeNext
            && a.failureProbabilityIgnored == b.failureProbabilityIgnored
            && a.reasoning == b.reasoning
    }

    /// The window's id, or "now".
    public var when: String {
        switch timing {
        case .now: "now"
        case .window(let slot): slot.window
        }
    }
}

/// A degrading failure mode for which no action is proposed yet (what to keep an eye on).
public struct Watch: Sendable, Equatable {
    public var asset: String
    public var failureMode: String
    public var level: Double
    public var limit: Double
    public var failureProbabilityWithinHorizon: Double
    public var reasoning: String
}

/// What the plan expects of one examined failure mode (degrading, or named by a what-if).
public struct ModeOutcome: Sendable, Equatable {
    public var asset: String
    public var failureMode: String
    /// The chosen action ("" for none), when ("now", a window id, or "" for none), and derating.
    public var action: String
    public var when: String
    public var derate: Double?
    /// Expected cost over the horizon and probability of failure within it, with the plan and if ignored.
    public var expectedCost: Double
    public var failureProbability: Double
    public var expectedCostIgnored: Double
    public var failureProbabilityIgnored: Double
}

/// The planner's answer: proposals across the plant that fit the windows and crews, with the
/// expected cost of the plan and of doing nothing over the horizon.
public struct MaintenanceSchedule: Sendable, Equatable {
    public var createdAt: Double
    public var horizonEnd: Double
    public var currency: String
    public var proposals: [Proposal]
    public var watch: [Watch]
    /// Every examined failure mode, by asset and mode.
    public var modes: [ModeOutcome]
    /// Window occurrences within the horizon.
    public var slots: [WindowSlot]
    /// Sum over degrading modes of the expected cost with the plan and with no action.
    public var expectedCost: Double
    public var baselineCost: Double
    /// Failure modes examined and those found degrading.
    public var modesExamined: Int
    public var modesDegrading: Int

    /// One line for the store and the dashboard.
    public var summary: String {
        let n = proposals.count
        return
            "\(n) proposal\(n == 1 ? "" : "s"), \(watch.count) to watch; expected cost \(money(expectedCost, currency)) vs \(money(baselineCost, currency)) doing nothing over \(Int(((horizonEnd - createdAt) / 86400).rounded())) d"
    }
}

func money(_ value: Double, _ currency: String) -> String {
    let rounded = Int(value.rounded())
    var digits = String(abs(rounded))
    var groups: [String] = []
    while digits.count > 3 {
        groups.insert(String(digits.suffix(3)), at: 0)
        digits.removeLast(3)
    }
    groups.insert(digits, at: 0)
    return (rounded < 0 ? "-" : "") + groups.joined(separator: ",") + " " + currency
}

func percent(_ p: Double) -> String {
    if p <= 0 { return "0 %" }
    if p < 0.001 { return "< 0.1 %" }
    if p < 0.1 { return String(format: "%.1f %%", p * 100) }
    return String(format: "%.0f %%", p * 100)
}

func days(_ seconds: Double) -> String {
    if seconds >= 1e9 { return "never at this rate" }
    let d = seconds / 86400
    if d < 2 { return String(format: "%.0f h", seconds / 3600) }
    return String(format: d < 10 ? "%.1f d" : "%.0f d", d)
}
