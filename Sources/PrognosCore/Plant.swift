/// A plant as its plant file describes it: the ISA-95 hierarchy (site → area → line → asset),
/// the devices and brokers its signals come from, and the economics the planner weighs.
public struct Plant: Sendable, Equatable {
    public var site: Site
    public var areas: [Area]
    public var devices: [ModbusDevice]
    public var brokers: [Broker]
    public var actions: [MaintenanceAction]
    public var economics: Economics
    public var retention: Retention
    /// Where `prognos run` serves its Prometheus metrics and health checks (nil: nowhere).
    public var metrics: ListenAddress?

    public init(
        site: Site, areas: [Area], devices: [ModbusDevice], brokers: [Broker],
        actions: [MaintenanceAction], economics: Economics, retention: Retention = Retention(),
        metrics: ListenAddress? = nil
    ) {
        self.site = site
        self.areas = areas
        self.devices = devices
        self.brokers = brokers
        self.actions = actions
        self.economics = economics
        self.retention = retention
        self.metrics = metrics
    }

    /// Every asset of the plant, in file order.
    public var assets: [Asset] { areas.flatMap { $0.lines.flatMap(\.assets) } }

    public func asset(_ id: String) -> Asset? { assets.first { $0.id == id } }
    public func device(_ id: String) -> ModbusDevice? { devices.first { $0.id == id } }
    public func broker(_ id: String) -> Broker? { brokers.first { $0.id == id } }
    public func action(_ id: String) -> MaintenanceAction? { actions.first { $0.id == id } }
}

public struct Site: Sendable, Equatable {
    public var id: String
    public var name: String
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

public struct Area: Sendable, Equatable {
    public var id: String
    public var name: String
    public var lines: [Line]
    public init(id: String, name: String, lines: [Line]) {
        self.id = id
        self.name = name
        self.lines = lines
    }
}

public struct Line: Sendable, Equatable {
    public var id: String
    public var name: String
    public var assets: [Asset]
    public init(id: String, name: String, assets: [Asset]) {
        self.id = id
        self.name = name
        self.assets = assets
    }
}

/// How long raw telemetry is kept before it is downsampled, and how long conclusions are kept.
public struct Retention: Sendable, Equatable {
    public var rawDays: Int
    public var summaryDays: Int
    public init(rawDays: Int = 14, summaryDays: Int = 730) {
        self.rawDays = rawDays
        self.summaryDays = summaryDays
    }
}
