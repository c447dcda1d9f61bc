/// The counts `prognos check` prints: what a plant file describes and what one poll of it costs.
public struct PlantSummary: Sendable, Equatable {
    public var site: String
    public var areas: Int
    public var lines: Int
    public var assetsByType: [(type: String, count: Int)]
    public var modbusSignals: Int
    public var mqttSignals: Int
    public var measurements: Int
    public var contextSignals: Int
    public var modbusDevices: Int
    public var brokers: Int
    public var actions: Int
    public var windows: Int
    /// Read requests one poll of every Modbus device issues after merging neighbouring registers.
    public var modbusRequestsPerPoll: Int
    /// Requests one poll would issue with one request per signal (for comparison).
    public var modbusRequestsUnmerged: Int

    public init(_ plant: Plant) {
        let assets = plant.assets
        let signals = assets.flatMap(\.signals)
        site = plant.site.id
        areas = plant.areas.count
        lines = plant.areas.reduce(0) { $0 + $1.lines.count }
        let byType = Dictionary(grouping: assets, by: \.type).mapValues(\.count)
        assetsByType = byType.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) }
        modbusSignals = signals.filter { if case .modbus = $0.source { true } else { false } }.count
        mqttSignals = signals.count - modbusSignals
        measurements = assets.reduce(0) { $0 + $1.sensors.count }
        contextSignals = assets.reduce(0) { $0 + $1.context.count }
        modbusDevices = plant.devices.count
        brokers = plant.brokers.count
        actions = plant.actions.count
        windows = plant.economics.windows.count
        modbusRequestsPerPoll = ModbusPollPlan.requests(for: plant).count
        modbusRequestsUnmerged = modbusSignals
    }

    public var assets: Int { assetsByType.reduce(0) { $0 + $1.count } }

    public static func == (a: PlantSummary, b: PlantSummary) -> Bool {
        a.site == b.site && a.areas == b.areas && a.lines == b.lines
            && a.assetsByType.map(\.type) == b.assetsByType.map(\.type)
            && a.assetsByType.map(\.count) == b.assetsByType.map(\.count)
            && a.modbusSignals == b.modbusSignals && a.mqttSignals == b.mqttSignals && a.measurements == b.measurements
            && a.contextSignals == b.contextSignals && a.modbusDevices == b.modbusDevices && a.brokers == b.brokers
            && a.actions == b.actions && a.windows == b.windows && a.modbusRequestsPerPoll == b.modbusRequestsPerPoll
    }
}
