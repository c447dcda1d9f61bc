import PrognosCore

/// What the dashboard knows of the plant beyond the store: the ISA-95 hierarchy (area, line),
/// each asset's name, type, sensors (units, normal ranges, limits) and failure modes, and the
/// action catalogue's names. Plain data: the `prognos` command builds it from the plant file.
public struct PlantHierarchy: Sendable, Equatable {
    public struct SensorInfo: Sendable, Equatable {
        public var id: String
        public var name: String
        public var unit: String
        public var normal: ClosedRange<Double>?
        public var alarmLow: Double?
        public var alarmHigh: Double?
        /// An operating-context signal (speed, load, ambient) rather than a measured sensor.
        public var isContext: Bool

        public init(
            id: String, name: String, unit: String, normal: ClosedRange<Double>? = nil, alarmLow: Double? = nil,
            alarmHigh: Double? = nil, isContext: Bool = false
        ) {
            self.id = id
            self.name = name
            self.unit = unit
            self.normal = normal
            self.alarmLow = alarmLow
            self.alarmHigh = alarmHigh
            self.isContext = isContext
        }
    }

    public struct AssetInfo: Sendable, Equatable {
        public var id: String
        public var name: String
        public var type: String
        public var areaID: String
        public var area: String
        public var lineID: String
        public var line: String
        public var sensors: [SensorInfo]
        public var failureModes: [String]

        public init(
            id: String, name: String, type: String, areaID: String, area: String, lineID: String, line: String,
            sensors: [SensorInfo], failureModes: [String]
        ) {
            self.id = id
            self.name = name
            self.type = type
            self.areaID = areaID
            self.area = area
            self.lineID = lineID
            self.line = line
            self.sensors = sensors
            self.failureModes = failureModes
        }

        public func sensor(_ id: String) -> SensorInfo? { sensors.first { $0.id == id } }
    }

    public var site: String
    /// Assets in plant-file order (area, line, asset).
    public let assets: [AssetInfo]
    /// Action names by action id.
    public var actionNames: [String: String]
    private let index: [String: Int]

    public init(site: String, assets: [AssetInfo], actionNames: [String: String] = [:]) {
        self.site = site
        self.assets = assets
        self.actionNames = actionNames
        index = Dictionary(assets.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// No plant file: assets are known only by the ids the store holds.
    public static let empty = PlantHierarchy(site: "", assets: [])

    /// The hierarchy of a loaded plant.
    public init(plant: Plant) {
        var assets: [AssetInfo] = []
        for area in plant.areas {
            for line in area.lines {
                for asset in line.assets {
                    let sensors =
                        asset.sensors.map { Self.info($0, context: false) }
                        + asset.context.map { Self.info($0, context: true) }
                    assets.append(
                        AssetInfo(
                            id: asset.id, name: asset.name, type: asset.type, areaID: area.id, area: area.name,
                            lineID: line.id, line: line.name, sensors: sensors,
                            failureModes: asset.failureModes.map(\.id)))
                }
            }
        }
        self.init(
            site: plant.site.name, assets: assets,
            actionNames: Dictionary(plant.actions.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }))
    }

    private static func info(_ sensor: Sensor, context: Bool) -> SensorInfo {
        SensorInfo(
            id: sensor.id, name: sensor.name, unit: sensor.unit, normal: sensor.normal,
            alarmLow: sensor.limits.alarmLow,
            alarmHigh: sensor.limits.alarmHigh, isContext: context)
    }

    public func asset(_ id: String) -> AssetInfo? { index[id].map { assets[$0] } }
}
