/// What the fleet view shows of many plants at once: each plant's worst assets, the alarms still
/// open at every site and the work planned across sites. The fleet service's database produces
/// it (a `FleetOverviewSource`); the fleet dashboard draws it. Times are seconds since 1970 (UTC).
public struct FleetOverview: Sendable, Equatable {
    public var plants: [Plant]
    /// Alarms whose latest transition leaves them open (not normal), every site, worst first.
    public var openAlarms: [OpenAlarm]
    /// Proposals of each site's latest plan, soonest first.
    public var plannedWork: [PlannedWork]
    /// When the newest message of any kind reached the fleet database (nil: nothing yet).
    public var lastReceived: Double?

    public init(
        plants: [Plant] = [], openAlarms: [OpenAlarm] = [], plannedWork: [PlannedWork] = [], lastReceived: Double? = nil
    ) {
        self.plants = plants
        self.openAlarms = openAlarms
        self.plannedWork = plannedWork
        self.lastReceived = lastReceived
    }

    /// One plant (site) and its assets, worst first.
    public struct Plant: Sendable, Equatable {
        public var site: String
        /// The worst assets (not all of them: see `assetCount`).
        public var assets: [AssetState]
        public var assetCount: Int
        /// Assets whose status is not `normal`.
        public var notNormal: Int
        public var openAlarms: Int
        /// Open alarms waiting for an operator (unacknowledged or returned-unacknowledged).
        public var unacknowledged: Int
        /// When the plant's newest state message was published (nil: no state yet).
        public var lastState: Double?
        /// Whether the daemon's retained status says it is online (nil: never heard).
        public var online: Bool?

        public init(
            site: String, assets: [AssetState], assetCount: Int, notNormal: Int, openAlarms: Int, unacknowledged: Int,
            lastState: Double?, online: Bool?
        ) {
            self.site = site
            self.assets = assets
            self.assetCount = assetCount
            self.notNormal = notNormal
            self.openAlarms = openAlarms
            self.unacknowledged = unacknowledged
            self.lastState = lastState
            self.online = online
        }
    }

    /// The latest state message of one asset.
    public struct AssetState: Sendable, Equatable {
        public var asset: String
        /// A NAMUR NE 107 word: normal, maintenance-required, off-spec, check-function, failure.
        public var status: String
        public var score: Double?
        public var threshold: Double?
        public var activeAlarms: Int
        /// The shortest median remaining useful life of its failure modes, in seconds, and that mode.
        public var rulMedian: Double?
        public var rulMode: String?
        public var time: Double

        public init(
            asset: String, status: String, score: Double?, threshold: Double?, activeAlarms: Int, rulMedian: Double?,
            rulMode: String?, time: Double
        ) {
            self.asset = asset
            self.status = status
            self.score = score
            self.threshold = threshold
            self.activeAlarms = activeAlarms
            self.rulMedian = rulMedian
            self.rulMode = rulMode
            self.time = time
        }

        /// NE 107 severity, as the plant dashboard orders it: failure, off-spec, check-function,
        /// maintenance-required, normal (unknown words rank with check-function).
        public var severity: Int {
            switch status {
            case "normal": 0
            case "maintenance-required": 1
            case "off-spec": 3
            case "failure": 4
            default: 2
            }
        }
    }

    /// An alarm's latest transition, when that leaves it open.
    public struct OpenAlarm: Sendable, Equatable {
        public var site: String
        public var asset: String
        public var alarmID: String
        public var kind: String
        public var priority: AlarmPriority
        public var state: AlarmState
        public var message: String
        public var time: Double

        public init(
            site: String, asset: String, alarmID: String, kind: String, priority: AlarmPriority, state: AlarmState,
            message: String, time: Double
        ) {
            self.site = site
            self.asset = asset
            self.alarmID = alarmID
            self.kind = kind
            self.priority = priority
            self.state = state
            self.message = message
            self.time = time
        }
    }

    /// One proposal of a site's latest plan.
    public struct PlannedWork: Sendable, Equatable {
        public var site: String
        public var asset: String
        public var action: String
        public var failureMode: String
        public var start: Double
        public var end: Double
        public var expectedCost: Double?
        public var currency: String
        public var failureProbabilityIgnored: Double?

        public init(
            site: String, asset: String, action: String, failureMode: String, start: Double, end: Double,
            expectedCost: Double?, currency: String, failureProbabilityIgnored: Double?
        ) {
            self.site = site
            self.asset = asset
            self.action = action
            self.failureMode = failureMode
            self.start = start
            self.end = end
            self.expectedCost = expectedCost
            self.currency = currency
            self.failureProbabilityIgnored = failureProbabilityIgnored
        }
    }
}

/// Where the fleet view reads from (the fleet service's PostgreSQL database implements it).
public protocol FleetOverviewSource: Sendable {
    /// The fleet as it stands; `worstAssets` per plant at most, `limit` alarms and proposals at most.
    func overview(worstAssets: Int, limit: Int) async throws -> FleetOverview
}
