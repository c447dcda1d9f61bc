import LinearAlgebra

/// The whole model (configuration, parameters, calibration, filter state, format version) as
/// bytes and back. Doubles keep their exact bits, so a restored model is equal (`==`) to the
/// original and makes bit-identical predictions.
extension AssetModel {
    static let magic: UInt32 = 0x4D57_4750  // "PGWM" little-endian

    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.write(Self.magic)
        w.write(Self.formatVersion)
        w.write(sensorNames)
        w.write(contextNames)
        let c = configuration
        for v in [
            c.covarianceShrinkage, c.dynamicsRidge, c.contextRidge, c.driftSmoothing, c.falseAlarmRate,
            c.healthLevelNoise, c.healthSlopeNoise, c.healthObservationNoise, c.intervalAdaptationRate,
            c.baselineAdaptationRate,
        ] { w.write(v) }
        w.write(c.calibrationFolds)
        w.write(c.maxHorizon)
        w.write(c.healthFeatureSmoothing)
        for v in [c.forecastErrorSmoothing, c.localMeanSmoothing, c.trendSmoothing, c.trendDamping] { w.write(v) }
        w.write(c.forecastWeightPower)
        w.write(c.adaptationHoldSteps)
        w.write(c.maxBaselineOffset)
        w.write(c.parametricThresholds)
        w.write(c.extrapolationUncertainty)
        let b = behaviour
        w.write(b.context.mean)
        w.write(b.context.scale)
        w.write(b.context.low)
        w.write(b.context.high)
        for matrix in [
            b.baseline, b.levelWhitener, b.levelPrecision, b.dynamics, b.innovationWhitener, b.innovationPrecision,
        ] { w.write(matrix) }
        w.write(b.scale)
        w.write([thresholds.level, thresholds.innovation, thresholds.drift])
        w.write(intervalQuantiles.count)
        for perLevel in intervalQuantiles { for row in perLevel { w.write(row) } }
        let s = state
        for v in [
            s.previous, s.driftMean, s.levels, s.slopes, s.filterCovariance, s.smoothed, s.baselineOffset,
            s.lastContext,
        ] { w.write(v) }
        w.write(s.steps)
        let f = s.forecast
        for v in [f.snapshots, f.localMean, f.trend, f.recentErrors, f.quantiles] { w.write(v) }
        w.write(s.stepsSinceFlag)
        w.write(s.adaptationHeld)
        return w.bytes
    }

    public init(serialized bytes: [UInt8]) throws {
        var r = ByteReader(bytes)
        guard try r.readUInt32() == Self.magic else { throw WorldModelError("not a Prognos world model") }
        let version = try r.readUInt32()
        // Format 1 (before the forecast head) is read and given a fresh head, format 2 (before the
        // fitted context range) never extrapolates; newer ones are refused.
        guard (1...Self.formatVersion).contains(version) else {
            throw WorldModelError(
                "world model format \(version) is not supported (this build reads 1 to \(Self.formatVersion))")
        }
        let sensors = try r.readStrings()
        let contexts = try r.readStrings()
        var c = ModelConfiguration()
        c.covarianceShrinkage = try r.readDouble()
        c.dynamicsRidge = try r.readDouble()
        c.contextRidge = try r.readDouble()
        c.driftSmoothing = try r.readDouble()
        c.falseAlarmRate = try r.readDouble()
        c.healthLevelNoise = try r.readDouble()
        c.healthSlopeNoise = try r.readDouble()
        c.healthObservationNoise = try r.readDouble()
        c.intervalAdaptationRate = try r.readDouble()
        c.baselineAdaptationRate = try r.readDouble()
        c.calibrationFolds = try r.readInt()
        c.maxHorizon = try r.readInt()
        c.healthFeatureSmoothing = try r.readDoubles()
        if version >= 2 {
            c.forecastErrorSmoothing = try r.readDouble()
            c.localMeanSmoothing = try r.readDouble()
            c.trendSmoothing = try r.readDouble()
            c.trendDamping = try r.readDouble()
            c.forecastWeightPower = try r.readInt()
            c.adaptationHoldSteps = try r.readInt()
            c.maxBaselineOffset = try r.readDouble()
            c.parametricThresholds = try r.readBool()
        }
        if version >= 3 { c.extrapolationUncertainty = try r.readDouble() }
        let mean = try r.readDoubles()
        let scale = try r.readDoubles()
        let context =
            version >= 3
            ? ContextFeatures(mean: mean, scale: scale, low: try r.readDoubles(), high: try r.readDoubles())
            : ContextFeatures(mean: mean, scale: scale)
        let matrices = try (0..<6).map { _ in try r.readMatrix() }
        let behaviour = NormalBehaviour(
            sensorCount: sensors.count, context: context, baseline: matrices[0], scale: try r.readDoubles(),
            levelWhitener: matrices[1], levelPrecision: matrices[2], dynamics: matrices[3],
            innovationWhitener: matrices[4], innovationPrecision: matrices[5])
        let t = try r.readDoubles()
        guard t.count == 3 else { throw WorldModelError("model bytes hold invalid thresholds") }
        let horizons = try r.readCount()
        var quantiles: [[[Double]]] = []
        for _ in 0..<horizons {
            quantiles.append(try ForecastStep.levels.map { _ in try r.readDoubles() })
        }
        guard !quantiles.isEmpty, quantiles.allSatisfy({ $0.allSatisfy { $0.count == sensors.count } }) else {
            throw WorldModelError("model bytes are inconsistent (interval widths do not match the sensors)")
        }
        var state = ScoringState(
            sensorCount: sensors.count, contextCount: contexts.count, configuration: c, fittedIntervals: quantiles)
        state.previous = try r.readDoubles()
        state.driftMean = try r.readDoubles()
        state.levels = try r.readDoubles()
        state.slopes = try r.readDoubles()
        state.filterCovariance = try r.readDoubles()
        state.smoothed = try r.readDoubles()
        state.baselineOffset = try r.readDoubles()
        if version == 1 { _ = try r.readDoubles() }  // the 1-step interval tracker the head replaced
        state.lastContext = try r.readDoubles()
        state.steps = try r.readInt()
        if version >= 2 {
            state.forecast = ForecastMemory(
                horizons: state.forecast.horizons, snapshots: try r.readDoubles(), localMean: try r.readDoubles(),
                trend: try r.readDoubles(), recentErrors: try r.readDoubles(), quantiles: try r.readDoubles())
            state.stepsSinceFlag = try r.readInt()
            state.adaptationHeld = try r.readBool()
        } else {
            // No remembered states: as if the machine had stood where it is now.
            state.forecast.fill(deviation: state.previous, levels: state.levels, slopes: state.slopes)
        }
        guard r.offset == bytes.count else { throw WorldModelError("model bytes have trailing data") }
        self.init(
            sensorNames: sensors, contextNames: contexts, configuration: c, behaviour: behaviour,
            thresholds: DeviationStatistics(level: t[0], innovation: t[1], drift: t[2]),
            intervalQuantiles: quantiles, state: state)
        try validate()
    }

    /// Dimensions agree with each other: a corrupt snapshot must fail here, not trap later.
    func validate() throws {
        let m = sensorCount
        let b = behaviour
        let p = b.context.featureCount
        let square = [b.levelWhitener, b.levelPrecision, b.dynamics, b.innovationWhitener, b.innovationPrecision]
        guard b.baseline.rows == p, b.baseline.cols == m, b.scale.count == m,
            square.allSatisfy({ $0.rows == m && $0.cols == m }), b.context.scale.count == contextCount,
            b.context.mean.count == contextCount, b.context.low.count == contextCount,
            b.context.high.count == contextCount, !intervalQuantiles.isEmpty,
            intervalQuantiles.allSatisfy({ $0.allSatisfy { $0.count == m } }),
            state.previous.count == m, state.driftMean.count == m, state.levels.count == m, state.slopes.count == m,
            state.filterCovariance.count == 3, state.smoothed.count == m * configuration.healthFeatureSmoothing.count,
            state.baselineOffset.count == m, state.forecast.isConsistent(sensorCount: m),
            forecastDynamics.count == state.forecast.horizons.count * m * m,
            state.lastContext.count == contextCount, state.steps >= 0, state.stepsSinceFlag >= 0
        else { throw WorldModelError("model bytes are inconsistent (dimensions do not agree)") }
    }
}
