import Planner
import PrognosCore
import WorldModel

/// The latest health summary of one asset (the retained `state` message).
public struct AssetSummary: Sendable, Equatable {
    public var asset: String
    public var status: NE107Status
    public var score: Double?
    public var threshold: Double?
    public var drivers: [String]
    /// Every failure mode's outlook (the one estimate the health table and the plan share).
    public var modes: [ModeOutlook]
    public var activeAlarms: Int
    public var learning: Bool
    public var time: Double

    public init(
        asset: String, status: NE107Status, score: Double?, threshold: Double?, drivers: [String],
        modes: [ModeOutlook], activeAlarms: Int, learning: Bool, time: Double
    ) {
        self.asset = asset
        self.status = status
        self.score = score
        self.threshold = threshold
        self.drivers = drivers
        self.modes = modes
        self.activeAlarms = activeAlarms
        self.learning = learning
        self.time = time
    }
}

extension AssetRuntime {
    /// The asset's NE 107 status and figures now.
    public func summary(at time: Double) -> AssetSummary {
        let annunciated = annunciatedAlarms
        let status = NE107Status.of(alarms: annunciated)
        let drivers = latest.map { self.drivers($0).map(\.sensor) } ?? []
        return AssetSummary(
            asset: asset.id, status: status, score: latest?.score, threshold: latest?.threshold, drivers: drivers,
            modes: asset.failureModes.compactMap { latestOutlook[$0.id] },
            activeAlarms: annunciated.count, learning: model == nil, time: time)
    }
}
