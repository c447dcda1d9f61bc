import PrognosCore

/// The records a healthy pump plant hands to the batch writer at one model step, by the write rules
/// of docs/schema.md at a cadence of a minute or more: every reading; one deviation row a step
/// (each step is its own minute) with the 3 largest shares, or every modelled sensor's share when
/// the step is flagged; one health row per failure mode; every 10 steps each sensor's forecast run.
/// Deterministic for the generator's state.
struct PlantRecords {
    let plan: MonthPlan

    func batch(step: Int, at time: Double, random: inout SplitMix64) -> StoreBatch {
        var batch = StoreBatch()
        batch.readings.reserveCapacity(plan.assets * (Pump.sensors.count + Pump.context.count))
        for index in 0..<plan.assets {
            let asset = Pump.id(index)
            // Each PLC is polled at its own phase of the second, with a few milliseconds of jitter.
            let polled = time + Double(index % 100) / 100 + 0.0137 + Double.random(in: 0..<0.005, using: &random)
            for signal in Pump.sensors + Pump.context {
                let value = signal.normal * (1 + 0.02 * random.nextGaussian())
                batch.readings.append(
                    Reading(asset: asset, sensor: signal.id, value: value, timestamp: polled, quality: .good))
            }
            let flagged = Double.random(in: 0..<1, using: &random) < plan.flaggedFraction
            let threshold = 3.2
            let score =
                flagged ? threshold * (1.05 + abs(random.nextGaussian())) : threshold * 0.3 * abs(random.nextGaussian())
            let shares = Pump.sensors.prefix(flagged ? Pump.sensors.count : Pump.sharesWhenHealthy).map {
                SensorShare(sensor: $0.id, share: Double.random(in: 0.02..<0.4, using: &random))
            }
            batch.deviations.append(
                DeviationRecord(
                    asset: asset, time: polled, score: score, threshold: threshold, flagged: flagged,
                    drift: 0.1 * abs(random.nextGaussian()), driftThreshold: 1.7, shares: shares))
            for mode in Pump.failureModes {
                batch.health.append(
                    HealthRecord(
                        asset: asset, failureMode: mode, time: polled,
                        health: 0.93 + 0.02 * random.nextGaussian(),
                        healthSD: 0.02 + 0.005 * abs(random.nextGaussian()),
                        trend: 1e-9 * random.nextGaussian(), state: .healthy, horizon: 30 * 86_400))
            }
            if step % Pump.forecastEvery == 0 {
                for sensor in Pump.sensors {
                    for horizon in Pump.forecastHorizons {
                        let mean = sensor.normal * (1 + 0.01 * random.nextGaussian())
                        let spread = sensor.normal * 0.01 * Double(horizon)
                        batch.forecasts.append(
                            ForecastRecord(
                                asset: asset, sensor: sensor.id, madeAt: polled,
                                targetTime: polled + Double(horizon) * plan.cadence, mean: mean,
                                lower50: mean - 0.67 * spread, upper50: mean + 0.67 * spread,
                                lower80: mean - 1.28 * spread, upper80: mean + 1.28 * spread,
                                lower90: mean - 1.64 * spread, upper90: mean + 1.64 * spread))
                    }
                }
            }
        }
        return batch
    }
}
