import Foundation
import LinearAlgebra
import PrognosCore
import WorldModel

/// `prognos eval cmapss`: a healthy-behaviour model fitted on the first cycles of every training
/// unit, each unit replayed through it, and a fleet RUL model learning the remaining life from the
/// health features; apart from files and printing.
public enum CMAPSSEvaluation {
    public struct Result: Sendable {
        public var predictions: [RULDistribution]
        public var cap: Double
    }

    public static func run(trainUnits: [Matrix], testUnits: [Matrix], seed: UInt64, healthyCycles: Int) throws -> Result
    {
        let sensors = (1...21).map { "s\($0)" }
        let context = ["setting1", "setting2", "setting3"]
        let healthy = trainUnits.map { $0.selectingRows(0..<min(healthyCycles, $0.rows)) }
        var config = ModelConfiguration()
        // Wear must stay visible: never learn the slow drift of an ageing engine as normal.
        config.baselineAdaptationRate = 0
        let asset = try AssetModel(
            sensorNames: sensors, contextNames: context,
            history: healthy.dropFirst().reduce(healthy[0]) { $0.appendingRows($1) },
            segments: healthy.map(\.rows), configuration: config)
        var rng = SplitMix64(seed: seed)
        let fleet = try FleetRULModel(histories: trainUnits, asset: asset, using: &rng)
        let predictions = testUnits.map { unit in
            fleet.distribution(features: FleetRULModel.featureTrajectory(history: unit, asset: asset).last!)
        }
        return Result(predictions: predictions, cap: fleet.configuration.cap)
    }

    /// RMSE against the true RUL and against the capped truth, the PHM08 score, and how often the
    /// true RUL falls inside the predicted 10–90 % interval.
    public struct Metrics: Sendable {
        public var rmse: Double
        public var score: Double
        public var rmseCapped: Double
        public var coverage80: Double

        public init(predictions: [RULDistribution], truth: [Double], cap: Double) {
            let n = Double(truth.count)
            var se = 0.0
            var seCapped = 0.0
            var s = 0.0
            var covered = 0.0
            for (p, t) in zip(predictions, truth) {
                let d = p.median - t
                se += d * d
                seCapped += (p.median - min(t, cap)) * (p.median - min(t, cap))
                s += d < 0 ? exp(-d / 13) - 1 : exp(d / 10) - 1
                if t >= p.p10 && t <= p.p90 { covered += 1 }
            }
            rmse = (se / n).squareRoot()
            rmseCapped = (seCapped / n).squareRoot()
            score = s
            coverage80 = covered / n
        }
    }
}
