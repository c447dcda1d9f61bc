import Foundation
import PrognosCore

/// A fixed-speed induction motor driving a mixer.
///
/// - Losses: constant (iron, friction) plus copper ∝ load²; efficiency = out / (out + losses).
/// - Current: magnetising and active parts in quadrature, the active part ∝ electrical power.
/// - Winding temperature: first-order thermal model, rise ∝ losses, time constant 30 min.
/// - Insulation resistance halves every 10 K (IEEE 43 correction to 40 °C) and falls
///   exponentially as the insulation ages; ageing speed doubles every 10 K (Arrhenius).
/// - Winding ageing also shows as current imbalance (turn-to-turn weakness) and a hotter hot spot.
struct InductionMotor: Sendable, Equatable {
    static let quantities: [Quantity] = [
        Quantity("current", .relative(0.004)), Quantity("current_imbalance", .absolute(0.03)),
        Quantity("winding_temp", .absolute(0.2)), Quantity("bearing_temp_de", .absolute(0.15)),
        Quantity("bearing_temp_nde", .absolute(0.15)), Quantity("vibration", .relative(0.03)),
        Quantity("power", .relative(0.004)), Quantity("insulation_resistance", .relative(0.03)),
    ]
    static let windingTau = 1800.0
    static let bearingTau = 1200.0

    let ratedOutput: Double  // kW
    let fixedLoss: Double
    let copperLoss: Double
    let riseRated: Double  // K at rated losses
    let iFull: Double
    let iMag: Double
    let ir40: Double
    let imbalance0: Double
    let vib0: Double
    let nominalWinding: Double
    var winding: Double = 40
    var bearingDE: Double = 30
    var bearingNDE: Double = 30

    init(asset: Asset, random: inout SimulationRandom) {
        let power = asset.normal("power") ?? 10...40
        let current = asset.normal("current") ?? 20...70
        ratedOutput = 0.9 * power.upperBound * 0.94
        fixedLoss = 0.8 * ratedOutput / 37
        copperLoss = 1.6 * ratedOutput / 37
        riseRated = 70 + 2 * random.normal()
        iFull = 0.94 * current.upperBound
        iMag = 0.35 * iFull
        ir40 = 4000 * random.logNormal(median: 1, sigma: 0.2)
        imbalance0 = 0.6 + 0.1 * random.normal()
        vib0 = 1.0 * random.logNormal(median: 1, sigma: 0.1)
        let nominalLoss = fixedLoss + copperLoss * 0.72 * 0.72
        nominalWinding = 15 + riseRated * nominalLoss / (fixedLoss + copperLoss)
    }

    /// Ageing speed relative to nominal: doubles for every 10 K the winding runs hotter.
    var arrheniusFactor: Double { pow(2, (winding - nominalWinding) / 10) }

    mutating func evaluate(_ c: Conditions, _ d: Damage, _ gains: Damage, _ dt: Double?, _ out: inout [Double]) {
        let ageing = d[.windingAgeing]
        let bearing = d[.bearingWear] * gains[.bearingWear]
        if c.running {
            let load = c.duty
            let output = ratedOutput * load
            let losses = fixedLoss + copperLoss * load * load
            let electrical = output + losses
            let fullElectrical = ratedOutput + fixedLoss + copperLoss
            let active = (iFull * iFull - iMag * iMag).squareRoot() * electrical / fullElectrical
            relax(
                &winding, toward: c.room + riseRated * losses / (fixedLoss + copperLoss) + 12 * ageing * ageing,
                tau: Self.windingTau, dt: dt)
            relax(
                &bearingDE, toward: c.room + 22 + 8 * load + 20 * pow(d[.bearingWear], 1.5), tau: Self.bearingTau,
                dt: dt)
            relax(
                &bearingNDE, toward: c.room + 18 + 6 * load + 6 * pow(d[.bearingWear], 1.5), tau: Self.bearingTau,
                dt: dt)
            out[0] = (iMag * iMag + active * active).squareRoot() * (1 + 0.02 * ageing)
            out[1] = imbalance0 + 1.6 * ageing * ageing
            out[5] = vib0 * (0.8 + 0.5 * load) + bearing
            out[6] = electrical
        } else {
            relax(&winding, toward: c.room, tau: 2 * Self.windingTau, dt: dt)
            relax(&bearingDE, toward: c.room, tau: 2 * Self.bearingTau, dt: dt)
            relax(&bearingNDE, toward: c.room, tau: 2 * Self.bearingTau, dt: dt)
            out[0] = 0
            out[1] = 0
            out[5] = 0.1
            out[6] = 0
        }
        out[2] = winding
        out[3] = bearingDE
        out[4] = bearingNDE
        out[7] = ir40 * pow(2, (40 - winding) / 10) * exp(-gains[.windingAgeing] * ageing)
    }
}
