// The maintenance plan as stored: its versions and proposals.

/// One version of the maintenance plan (the planner writes a new version each time it plans).
public struct PlanRecord: Codable, Sendable, Equatable {
    /// Assigned on save, increasing.
    public var version: Int64?
    public var createdAt: Double
    /// End of the period the plan covers.
    public var horizonEnd: Double?
    /// Expected cost of the plan and of doing nothing over the horizon.
    public var expectedCost: Double?
    public var baselineCost: Double?
    public var summary: String

    public init(
        version: Int64? = nil, createdAt: Double, horizonEnd: Double? = nil, expectedCost: Double? = nil,
        baselineCost: Double? = nil, summary: String = ""
    ) {
        self.version = version
        self.createdAt = createdAt
        self.horizonEnd = horizonEnd
        self.expectedCost = expectedCost
        self.baselineCost = baselineCost
        self.summary = summary
    }

    public enum CodingKeys: String, CodingKey {
        case version, summary
        case createdAt = "created_at"
        case horizonEnd = "horizon_end"
        case expectedCost = "expected_cost"
        case baselineCost = "baseline_cost"
    }
}

/// One proposed maintenance action of a plan, with its reasoning.
public struct ProposalRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var planVersion: Int64?
    public var asset: String
    public var failureMode: String?
    /// Action id from the plant's catalogue.
    public var action: String
    public var windowStart: Double?
    public var windowEnd: Double?
    public var crew: String?
    /// Expected cost with the action, and if it is ignored.
    public var expectedCost: Double?
    public var expectedCostIgnored: Double?
    /// Probability of failure before the horizon with the action, and if it is ignored.
    public var failureProbability: Double?
    public var failureProbabilityIgnored: Double?
    public var reasoning: String

    public init(
        id: Int64? = nil, planVersion: Int64? = nil, asset: String, failureMode: String?, action: String,
        windowStart: Double?, windowEnd: Double? = nil, crew: String? = nil, expectedCost: Double? = nil,
        expectedCostIgnored: Double? = nil, failureProbability: Double? = nil,
        failureProbabilityIgnored: Double? = nil, reasoning: String = ""
    ) {
        self.id = id
        self.planVersion = planVersion
        self.asset = asset
        self.failureMode = failureMode
        self.action = action
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.crew = crew
        self.expectedCost = expectedCost
        self.expectedCostIgnored = expectedCostIgnored
        self.failureProbability = failureProbability
        self.failureProbabilityIgnored = failureProbabilityIgnored
        self.reasoning = reasoning
    }

    public enum CodingKeys: String, CodingKey {
        case id, asset, action, crew, reasoning
        case planVersion = "plan_version"
        case failureMode = "failure_mode"
        case windowStart = "window_start"
        case windowEnd = "window_end"
        case expectedCost = "expected_cost"
        case expectedCostIgnored = "expected_cost_ignored"
        case failureProbability = "failure_probability"
        case failureProbabilityIgnored = "failure_probability_ignored"
    }
}

/// A plan with its proposals (ordered by window start).
public struct MaintenancePlan: Sendable, Equatable {
    public var plan: PlanRecord
    public var proposals: [ProposalRecord]
    public init(plan: PlanRecord, proposals: [ProposalRecord]) {
        self.plan = plan
        self.proposals = proposals
    }
}
