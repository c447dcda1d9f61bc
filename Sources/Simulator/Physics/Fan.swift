import Foundation
import PrognosCore

/// A variable-speed centrifugal fan on a duct system without static pressure (p ∝ Q²), so the
/// operating point follows the fan laws exactly: airflow ∝ s, pressure ∝ s², shaft power ∝ s³.
///
/// Rotor fouling (deposits on the blades) lowers the flow and pressure the rotor delivers and
/// its efficiency, and unbalances it: the vibration acceleration peak rises.
struct Fan: Sendable, Equatable {
    static let ratedSpeed = 1480.0
    static let quantities: [Quantity] = [
        Quantity("airflow", .relative(0.005)), Quantity("static_pressure", .relative(0.005)),
        Quantity("motor_current", .relative(0.005)), Quantity("power", .relative(0.005)),
        Quantity("bearing_temp", .absolute(0.15)), Quantity("vibration", .relative(0.03)),
        Quantity("vibration_peak", .relative(0.04)),
    ]
    static let bearingTau = 1200.0

    let qRated: Double  // m3/h at rated speed
    let pRated: Double  // Pa at rated speed
    let eta: Double
    let iFull: Double
    let iMag: Double
    let vib0: Double
    let peak0: Double
    let rise: Double
    var bearing: Double = 25

    init(asset: Asset, random: inout SimulationRandom) {
        qRated = 0.9 * (asset.normal("airflow") ?? 15000...42000).upperBound
        pRated = 0.92 * (asset.normal("static_pressure") ?? 400...1200).upperBound
        eta = 0.75 + 0.01 * random.normal()
        iFull = 0.7 * (asset.normal("motor_current") ?? 10...45).upperBound
        iMag = 0.3 * iFull
        vib0 = 1.4 * random.logNormal(median: 1, sigma: 0.1)
        peak0 = 0.45 * random.logNormal(median: 1, sigma: 0.1)
        rise = 24 + 2 * random.normal()
    }

    var fullShaftPower: Double { qRated / 3600 * pRated / eta / 1000 }

    /// Airflow (m3/h), static pressure (Pa) and shaft power (kW) at speed fraction `s` and fouling `f`.
    func operatingPoint(speed s: Double, fouling f: Double) -> (flow: Double, pressure: Double, shaftPower: Double) {
        let k = 1 - min(max(f, 0), 0.95)
        let flow = qRated * s * k
        let pressure = pRated * s * s * k * k
        let efficiency = eta * (1 - 0.4 * (1 - k))
        return (flow, pressure, flow / 3600 * pressure / efficiency / 1000)
    }

    mutating func evaluate(_ c: Conditions, _ d: Damage, _ gains: Damage, _ dt: Double?, _ out: inout [Double]) {
        let wear = d[.bearingWear] * gains[.bearingWear]
        let fouling = d[.rotorFouling] * gains[.rotorFouling]
        if c.running {
            let s = c.duty
            let point = operatingPoint(speed: s, fouling: fouling)
            let electrical = point.shaftPower / 0.92 + 0.4
            let fullElectrical = fullShaftPower / 0.92 + 0.4
            let active = (iFull * iFull - iMag * iMag).squareRoot() * electrical / fullElectrical
            relax(
                &bearing, toward: c.room + rise * pow(s, 1.5) + 20 * pow(d[.bearingWear], 1.5), tau: Self.bearingTau,
                dt: dt)
            out[0] = point.flow
            out[1] = point.pressure
            out[2] = (iMag * iMag + active * active).squareRoot()
            out[3] = electrical
            out[5] = vib0 * (0.4 + 0.6 * s * s) + 1.2 * fouling + wear
            out[6] = peak0 * s * s * (1 + 4 * fouling) + 0.15 * wear
        } else {
            relax(&bearing, toward: c.room, tau: 2 * Self.bearingTau, dt: dt)
            out[0] = 0
            out[1] = 0
            out[2] = 0
            out[3] = 0
            out[5] = 0.08
            out[6] = 0.02
        }
        out[4] = bearing
    }
}
