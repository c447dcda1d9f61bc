/// A maintenance action from the plant's catalogue: what it costs, how long it takes,
/// how many technicians it needs and what it does to the failure modes it applies to.
public struct MaintenanceAction: Sendable, Equatable, Identifiable {
    public enum Effect: Sendable, Equatable {
        /// Restores the named failure modes to as-new.
        case resets([String])
        /// Makes the named failure modes progress at `factor` (0 < factor < 1) of their rate until
        /// they are next reset. It restores a condition (fresh grease, dry insulation, clean oil);
        /// doing it again restores the same condition, so slowings do not compound (`slowed(_:by:)`).
        case slows([String], factor: Double)
        /// Runs the asset at `fraction` of its rated load until the next window.
        case derates(fraction: Double)
    }

    public var id: String
    public var name: String
    public var cost: Double
    public var duration: Duration
    public var crew: Int
    public var effect: Effect

    public init(id: String, name: String? = nil, cost: Double, duration: Duration, crew: Int, effect: Effect) {
        self.id = id
        self.name = name ?? id
        self.cost = cost
        self.duration = duration
        self.crew = crew
        self.effect = effect
    }

    /// A failure mode's rate multiplier after a slowing of `factor` when it was `current`: the
    /// lowest factor applied since the mode was last reset, never their product (n regreasings of a
    /// bearing are not 0.6ⁿ: a bearing does not wear ever slower for being greased again).
    public static func slowed(_ current: Double, by factor: Double) -> Double { min(current, factor) }

    /// Failure modes the action acts on (empty for a derating).
    public var failureModes: [String] {
        switch effect {
        case .resets(let modes), .slows(let modes, _): modes
        case .derates: []
        }
    }
}

/// A recurring weekly maintenance window.
public struct MaintenanceWindow: Sendable, Equatable, Identifiable {
    public enum Weekday: String, Sendable, Equatable, CaseIterable {
        case monday, tuesday, wednesday, thursday, friday, saturday, sunday
    }
    public var id: String
    public var weekday: Weekday
    /// Minutes after midnight (plant time) at which the window opens.
    public var startMinute: Int
    public var duration: Duration
    /// Technicians available in this window; nil means the plant's crew capacity.
    public var crew: Int?

    public init(id: String, weekday: Weekday, startMinute: Int, duration: Duration, crew: Int? = nil) {
        self.id = id
        self.weekday = weekday
        self.startMinute = startMinute
        self.duration = duration
        self.crew = crew
    }
}

public struct Economics: Sendable, Equatable {
    public var currency: String
    public var downtimeCostPerHour: Double
    /// Default cost of an unplanned failure, secondary damage included.
    public var failureCost: Double
    public var crewCapacity: Int
    public var windows: [MaintenanceWindow]

    public init(
        currency: String = "EUR", downtimeCostPerHour: Double, failureCost: Double, crewCapacity: Int,
        windows: [MaintenanceWindow]
    ) {
        self.currency = currency
        self.downtimeCostPerHour = downtimeCostPerHour
        self.failureCost = failureCost
        self.crewCapacity = crewCapacity
        self.windows = windows
    }
}
