import Foundation
import PrognosCore

/// A variable-speed centrifugal pump on a system with static head and friction.
///
/// - Pump curve (affinity laws): Δp(Q, n) = (Δp₀·s² − k·Q²)·(1 − δ), s = n / n_rated, so at
///   homologous points (Q ∝ s) head goes with s² and shaft power with s³.
/// - System curve: Δp = p_static + r·Q²; the operating point solves both (a quadratic).
/// - Efficiency peaks at the speed-scaled best-efficiency flow: η = η_BEP·(1 − 0.6·(q − 1)²).
/// - Impeller and wear-ring wear δ lowers the head and opens an internal recirculation that the
///   pump must also move, so power for the same delivered flow rises.
/// - NPSH available from the suction pressure against NPSH required (∝ s²·q², raised by wear);
///   a margin below 1.3 adds cavitation vibration.
/// - Bearing temperatures: friction heat ∝ s^1.5 above the hall temperature, first-order with a
///   20-minute time constant. Vibration RMS: unbalance ∝ s² plus an off-BEP hydraulic part.
/// - The level of the tank the pump draws from wanders over days (an Ornstein–Uhlenbeck process,
///   σ 0.04 bar, τ 3 days) and moves suction and discharge pressure with it; `suction_level` is
///   that level in metres of water above the pump, as a level transmitter on the tank reads it
///   (a plant that declares it as a context signal tells the world model what moves its pumps).
struct CentrifugalPump: Sendable, Equatable {
    static let ratedSpeed = 1480.0
    static let quantities: [Quantity] = [
        Quantity("suction_pressure", .absolute(0.008)), Quantity("discharge_pressure", .absolute(0.012)),
        Quantity("flow", .relative(0.004)), Quantity("bearing_temp_de", .absolute(0.15)),
        Quantity("bearing_temp_nde", .absolute(0.15)), Quantity("vibration_de", .relative(0.03)),
        Quantity("vibration_nde", .relative(0.03)), Quantity("seal_leak", .relative(0.04)),
        Quantity("motor_current", .relative(0.004)), Quantity("power", .relative(0.004)),
        Quantity("npsh_margin", .none), Quantity("suction_level", .absolute(0.01)),
    ]
    /// Metres of water per bar.
    static let metresPerBar = 10.197
    static let bearingTau = 1200.0

    // Design
    let qBEP: Double  // m3/h at rated speed
    let etaBEP: Double
    let shutoff: Double  // bar at rated speed, zero flow
    let kQ: Double  // bar/(m3/h)^2
    let staticHead: Double  // bar
    let resistance: Double  // bar/(m3/h)^2
    let levelMean: Double  // bar at the suction with no flow
    let inletLoss: Double  // bar/(m3/h)^2
    let iFull: Double
    let iMag: Double
    let pRated: Double
    let vibDE: Double
    let vibNDE: Double
    let riseDE: Double
    let riseNDE: Double
    let leak0: Double
    // State
    var level: OUProcess
    var random: SimulationRandom
    var tempDE: Double
    var tempNDE: Double

    init(asset: Asset, random: inout SimulationRandom) {
        let flowNormal = asset.normal("flow") ?? 450...990
        let powerNormal = asset.normal("power") ?? 20...95
        let discharge = asset.normal("discharge_pressure") ?? 3.5...6.5
        let currentNormal = asset.normal("motor_current") ?? 40...160
        qBEP = flowNormal.upperBound / 1.1
        pRated = 0.85 * powerNormal.upperBound
        etaBEP = 0.8 + 0.01 * random.normal()
        let dpBEP = pRated * etaBEP / (qBEP / 3600) / 100
        shutoff = 1.45 * dpBEP
        kQ = (shutoff - dpBEP) / (qBEP * qBEP)
        staticHead = 0.5 * dpBEP
        resistance = 0.5 * dpBEP / (qBEP * qBEP)
        inletLoss = 0.15 / (qBEP * qBEP)
        let target = discharge.lowerBound + 0.35 * (discharge.upperBound - discharge.lowerBound)
        levelMean = target - dpBEP + 0.15 + 0.03 * random.normal()
        iFull = 0.88 * currentNormal.upperBound
        iMag = 0.3 * iFull
        vibDE = 1.6 * random.logNormal(median: 1, sigma: 0.1)
        vibNDE = 1.3 * random.logNormal(median: 1, sigma: 0.1)
        riseDE = 30 + 2 * random.normal()
        riseNDE = 25 + 2 * random.normal()
        leak0 = 0.04 * random.logNormal(median: 1, sigma: 0.15)
        level = OUProcess(sigma: 0.04, tau: 3 * 86400, random: &random)
        self.random = SimulationRandom(seed: random.next())
        tempDE = 20
        tempNDE = 20
    }

    /// The delivered flow (m3/h) and pump differential pressure (bar) at speed fraction `s` with wear `delta`.
    func operatingPoint(speed s: Double, wear delta: Double) -> (flow: Double, dp: Double, recirculation: Double) {
        let w = 1 - min(max(delta, 0), 0.97)
        let recirculation = 0.35 * (1 - w) * qBEP * s
        let a = w * kQ + resistance
        let b = 2 * w * kQ * recirculation
        let c = w * kQ * recirculation * recirculation + staticHead - w * shutoff * s * s
        let discriminant = b * b - 4 * a * c
        if c >= 0 || discriminant < 0 {
            // The pump cannot lift the static head: it dead-heads against the closed check valve.
            return (0, max(0, w * (shutoff * s * s - kQ * recirculation * recirculation)), recirculation)
        }
        let q = (-b + discriminant.squareRoot()) / (2 * a)
        return (q, staticHead + resistance * q * q, recirculation)
    }

    /// Shaft power (kW) at a pump operating point: hydraulic power over efficiency.
    func shaftPower(speed s: Double, flow: Double, recirculation: Double, dp: Double, wear delta: Double) -> Double {
        let inner = flow + recirculation
        let q = s > 0 ? inner / (qBEP * s) : 0
        let eta = max(0.25, etaBEP * (1 - 0.6 * (q - 1) * (q - 1)) * (1 - 0.3 * delta))
        // A dead-headed pump still churns: about 35 % of its BEP power at that speed.
        let churn = 0.35 * pRated * s * s * s
        return max(churn, inner / 3600 * dp * 100 / eta)
    }

    mutating func evaluate(_ c: Conditions, _ d: Damage, _ gains: Damage, _ dt: Double?, _ out: inout [Double]) {
        if let dt { level.step(dt, &random) }
        let bearing = d[.bearingWear] * gains[.bearingWear]
        let delta = d[.impellerWear] * gains[.impellerWear]
        let seal = d[.sealLeak] * gains[.sealLeak]
        let head = levelMean + level.value
        out[11] = head * Self.metresPerBar
        let s = c.running ? c.duty : 0
        if s > 0.05 {
            let point = operatingPoint(speed: s, wear: delta)
            let suction = head - inletLoss * point.flow * point.flow
            let power = shaftPower(
                speed: s, flow: point.flow, recirculation: point.recirculation, dp: point.dp, wear: delta)
            let q = (point.flow + point.recirculation) / (qBEP * s)
            let npshAvailable = (suction + 1.013 - 0.023) * 10.2
            let npshRequired = 4.5 * s * s * max(q, 0.3) * max(q, 0.3) * (1 + 2 * delta)
            let margin = npshAvailable / npshRequired
            let cavitation = margin < 1.3 ? 4 * (1.3 - margin) : 0
            let torque = power / pRated / s
            let hydraulic = 1.2 * abs(q - 1) + 0.8 * delta
            relax(
                &tempDE, toward: c.room + riseDE * pow(s, 1.5) * (0.9 + 0.1 * torque) + 22 * pow(d[.bearingWear], 1.5),
                tau: Self.bearingTau, dt: dt)
            relax(
                &tempNDE, toward: c.room + riseNDE * pow(s, 1.5) + 8 * pow(d[.bearingWear], 1.5), tau: Self.bearingTau,
                dt: dt)
            out[0] = suction
            out[1] = suction + point.dp
            out[2] = point.flow
            out[5] = vibDE * (0.35 + 0.65 * s * s) + hydraulic + cavitation + bearing
            out[6] = vibNDE * (0.35 + 0.65 * s * s) + 0.8 * hydraulic + cavitation + 0.45 * bearing
            out[7] = leak0 * (max(suction, 0.1) / 2).squareRoot() * (0.7 + 0.3 * s) + seal
            out[8] = (iMag * iMag + (iFull * iFull - iMag * iMag) * torque * torque).squareRoot()
            out[9] = power
            out[10] = margin
        } else {
            relax(&tempDE, toward: c.room, tau: 2 * Self.bearingTau, dt: dt)
            relax(&tempNDE, toward: c.room, tau: 2 * Self.bearingTau, dt: dt)
            out[0] = head
            out[1] = head + 0.9 * staticHead
            out[2] = 0
            out[5] = 0.12
            out[6] = 0.1
            out[7] = 0.3 * leak0 + 0.5 * seal
            out[8] = 0
            out[9] = 0
            out[10] = 99
        }
        out[3] = tempDE
        out[4] = tempNDE
    }
}
