import PrognosCore
import WorldModel

/// The latest health summary of one asset (the retained `state` message).
public struct AssetSummary: Sendable, Equatable {
    public var asset: String
    public var status: NE107Status
    public var score: Double?
    public var threshold: Double?
    public var drivers: [String]
    public var rul: [(mode: String, median: Double, p10: Double, p90: Double)]
    public var activeAlarms: Int
    public var learning: Bool
    public var time: Double

    public init(
        asset: String, status: NE107Status, score: Double?, threshold: Double?, drivers: [String],
        rul: [(mode: String, median: Double, p10: Double, p90: Double)], activeAlarms: Int, learning: Bool, time: Double
    ) {
        self.asset = asset
        self.status = status
        self.score = score
        self.threshold = threshold
        self.drivers = drivers
        self.rul = rul
        self.activeAlarms = activeAlarms
        self.learning = learning
        self.time = time
    }

    public static func == (a: AssetSummary, b: AssetSummary) -> Bool {
        a.asset == b.asset && a.status == b.status && a.score == b.score && a.drivers == b.drivers
            && a.activeAlarms == b.activeAlarms && a.learning == b.learning && a.time == b.time
            && a.rul.map(\.mode) == b.rul.map(\.mode) && a.rul.map(\.median) == b.rul.map(\.median)
    }
}

extension AssetRuntime {
    /// The asset's NE 107 status and figures now.
    public func summary(at time: Double) -> AssetSummary {
        let annunciated = annunciatedAlarms
        let status = NE107Status.of(alarms: annunciated)
        let drivers = latest.map { self.drivers($0).map(\.sensor) } ?? []
        let rul = asset.failureModes.compactMap { mode in
            latestRUL[mode.id].map { (mode.id, $0.median, $0.p10, $0.p90) }
        }
        return AssetSummary(
            asset: asset.id, status: status, score: latest?.score, threshold: latest?.threshold, drivers: drivers,
            rul: rul,
            activeAlarms: annunciated.count, learning: model == nil, time: time)
    }
}
