import LinearAlgebra

/// Settings of the fleet RUL model, chosen by 5-fold cross-validation over training units of
/// C-MAPSS FD001 (variants with 64 hidden units, 100 epochs or 10× weight decay did worse).
public struct FleetRULConfiguration: Sendable, Equatable {
    /// Training targets are capped here (piecewise-linear RUL): early in life nothing in the
    /// sensors says how much life is left, so the model predicts "at least `cap`".
    public var cap = 125.0
    /// Ensemble members, each trained without one fold of units; the left-out fold gives
    /// honest residuals for the interval calibration.
    public var folds = 5
    public var hidden = 32
    public var epochs = 60
    public var learningRate = 3e-3
    public var weightDecay = 1e-4

    public init() {}
}

/// Remaining useful life learned from a fleet's past run-to-failure histories: the persistent
/// memory across units of one type. Maps an asset model's health features (its filtered memory
/// of wear) to a distribution of the steps left.
///
/// The median is the ensemble's estimate of the capped RUL; p10 and p90 add the 10% and 90%
/// quantiles of out-of-fold errors against the uncapped truth, in bins of the estimate (errors
/// grow with the estimate, and a healthy-looking unit may have far more than `cap` left).
///
/// Those errors are each of one member (the one that did not see the unit), but the estimate is
/// the mean of all members, whose error is smaller by the members' disagreement: a member's error
/// is the ensemble's plus its own departure from the mean. So the quantiles are narrowed about the
/// bin's median error by √(1 − s²/σ²), with s² the members' spread at the asset and σ² the bin's
/// error variance (never below half their width).
public struct FleetRULModel: Sendable, Equatable {
    public let configuration: FleetRULConfiguration
    var members: [MultilayerPerceptron]
    /// Upper edges of the estimate bins, and per bin the error quantiles (q10, q90).
    var binEdges: [Double]
    var binQuantiles: [[Double]]
    /// Per bin, the weighted median and variance of the out-of-fold errors.
    var binCentres: [Double]
    var binVariances: [Double]

    /// Trains on run-to-failure histories (each ends at failure; rows are sensors then context,
    /// as for `asset`). `asset` is a model of healthy behaviour for this type of unit; each
    /// history is replayed through a fresh copy of it to get the features at every step.
    public init<G: RandomNumberGenerator>(
        histories: [Matrix], asset: AssetModel, configuration: FleetRULConfiguration = FleetRULConfiguration(),
        using rng: inout G
    ) throws {
        guard histories.count >= 2 else { throw WorldModelError("fleet RUL needs at least 2 run-to-failure histories") }
        self.configuration = configuration
        var rows: [[Double]] = []
        var capped: [Double] = []
        var truth: [Double] = []
        var unitOf: [Int] = []
        for (k, history) in histories.enumerated() {
            let features = Self.featureTrajectory(history: history, asset: asset)
            for (t, f) in features.enumerated() {
                let rul = Double(history.rows - 1 - t)
                rows.append(f)
                capped.append(min(rul, configuration.cap))
                truth.append(rul)
                unitOf.append(k)
            }
        }
        let x = Matrix(rows)
        let folds = max(2, min(configuration.folds, histories.count))
        var unitFold = (0..<histories.count).map { $0 % folds }
        unitFold.shuffle(using: &rng)
        let settings = MultilayerPerceptron.Settings(
            hidden: configuration.hidden, epochs: configuration.epochs, learningRate: configuration.learningRate,
            weightDecay: configuration.weightDecay)
        var members: [MultilayerPerceptron] = []
        var outOfFold = [Double](repeating: 0, count: rows.count)
        for fold in 0..<folds {
            let trainRows = rows.indices.filter { unitFold[unitOf[$0]] != fold }
            let heldRows = rows.indices.filter { unitFold[unitOf[$0]] == fold }
            let net = MultilayerPerceptron.train(
                x: x.selectingRows(trainRows), y: trainRows.map { capped[$0] }, settings: settings, using: &rng)
            for (i, p) in zip(heldRows, net.predict(x.selectingRows(heldRows))) { outOfFold[i] = p }
            members.append(net)
        }
        self.members = members
        let weights = unitOf.map { 1 / Double(histories[$0].rows) }
        let bins = Self.calibrate(estimates: outOfFold, truth: truth, weights: weights)
        binEdges = bins.edges
        binQuantiles = bins.quantiles
        binCentres = bins.centres
        binVariances = bins.variances
    }

    /// Five bins of equal weight by estimate; per bin the weighted 10% and 90% quantiles of
    /// truth − estimate.
    ///
    /// `weights` make every training unit count once (1/length for each of its rows), as every
    /// test unit does: a unit is judged at one point of its life, so a long unit's many early
    /// rows (far more than `cap` left, the largest errors) must not outweigh the short units.
    /// With equal weight per row, FD002's long-lived units widened the 80% intervals to 88%
    /// coverage on test units.
    static func calibrate(
        estimates: [Double], truth: [Double], weights: [Double]
    )
        -> (edges: [Double], quantiles: [[Double]], centres: [Double], variances: [Double])
    {
        let order = estimates.indices.sorted { estimates[$0] < estimates[$1] }
        let total = weights.reduce(0, +)
        let bins = 5
        // Rows in order of estimate, each in the bin where the middle of its weight falls.
        var members = [[Int]](repeating: [], count: bins)
        var cumulative = 0.0
        for i in order {
            let middle = (cumulative + weights[i] / 2) / total
            members[min(bins - 1, Int(middle * Double(bins)))].append(i)
            cumulative += weights[i]
        }
        let filled = members.filter { !$0.isEmpty }
        var edges: [Double] = []
        var quantiles: [[Double]] = []
        var centres: [Double] = []
        var variances: [Double] = []
        for (b, bin) in filled.enumerated() {
            let errors = bin.map { truth[$0] - estimates[$0] }
            let w = bin.map { weights[$0] }
            edges.append(b == filled.count - 1 ? .infinity : estimates[bin.last!])
            quantiles.append([weightedQuantile(errors, w, 0.1), weightedQuantile(errors, w, 0.9)])
            centres.append(weightedQuantile(errors, w, 0.5))
            let total = w.reduce(0, +)
            let mean = zip(errors, w).reduce(0) { $0 + $1.0 * $1.1 } / total
            variances.append(zip(errors, w).reduce(0) { $0 + $1.1 * ($1.0 - mean) * ($1.0 - mean) } / total)
        }
        return (edges, quantiles, centres, variances)
    }

    /// The ensemble's error quantiles from one member's (`member`, about their median `centre`,
    /// variance `variance`): narrowed by √(1 − spread/variance), at most to half.
    static func ensembleErrorQuantiles(
        member: (Double, Double), centre: Double, variance: Double, spread: Double
    )
        -> (Double, Double)
    {
        let factor = variance > 0 ? max(0.5, max(0, 1 - spread / variance).squareRoot()) : 1
        return (centre + (member.0 - centre) * factor, centre + (member.1 - centre) * factor)
    }

    /// The health features after every step of `history`, replayed from a fresh filter state.
    public static func featureTrajectory(history: Matrix, asset: AssetModel) -> [[Double]] {
        var model = asset
        model.resetState()
        let m = model.sensorCount
        var out: [[Double]] = []
        out.reserveCapacity(history.rows)
        for r in 0..<history.rows {
            let row = history.row(r)
            // Wear must not be learned as normal: no baseline adaptation while replaying.
            _ = model.score(y: Array(row[0..<m]), u: Array(row[m...]), learn: false)
            out.append(model.healthFeatures)
        }
        return out
    }

    /// The RUL distribution for an asset whose health features are `features`.
    public func distribution(features: [Double]) -> RULDistribution {
        let x = Matrix(rows: 1, cols: features.count, elements: features)
        let votes = members.map { $0.predict(x)[0] }
        let estimate = votes.reduce(0, +) / Double(votes.count)
        let median = max(estimate, 0)
        let bin = binEdges.firstIndex { median <= $0 } ?? (binEdges.count - 1)
        // The members' spread about their mean (population variance: a random member's departure).
        let spread = votes.reduce(0) { $0 + ($1 - estimate) * ($1 - estimate) } / Double(votes.count)
        let (low, high) = Self.ensembleErrorQuantiles(
            member: (binQuantiles[bin][0], binQuantiles[bin][1]), centre: binCentres[bin], variance: binVariances[bin],
            spread: spread)
        // The interval always brackets the median, and life is never negative.
        return RULDistribution(median: median, p10: max(0, min(median, median + low)), p90: max(median, median + high))
    }

    /// The RUL distribution of the asset in its current state.
    public func distribution(for asset: AssetModel) -> RULDistribution {
        distribution(features: asset.healthFeatures)
    }
}
