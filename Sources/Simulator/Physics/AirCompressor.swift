import Foundation
import PrognosCore

/// An oil-injected screw compressor holding a pressure setpoint.
///
/// - Pressure ratio from the discharge pressure and the inlet pressure after the intake filter;
///   adiabatic discharge temperature T_in·(PR^((κ−1)/κ) − 1) above the inlet, mostly absorbed by
///   the injected oil: discharge = oil + 7.5 % of the adiabatic rise.
/// - Oil temperature held by the thermostatic valve, rising with load and inlet temperature
///   (first-order, 15 min).
/// - Intake filter: Δp = Δp_clean·(1 + clogging)·(flow/rated)²; clogging also raises the pressure
///   ratio and so the power and discharge temperature.
/// - Power: unloaded plus load-proportional part, times (PR/PR_nominal)^0.35; current ∝ power.
struct AirCompressor: Sendable, Equatable {
    static let quantities: [Quantity] = [
        Quantity("discharge_pressure", .absolute(0.012)), Quantity("discharge_temp", .absolute(0.2)),
        Quantity("inlet_temp", .absolute(0.1)), Quantity("filter_dp", .relative(0.01)),
        Quantity("oil_temp", .absolute(0.15)), Quantity("oil_pressure", .absolute(0.01)),
        Quantity("vibration", .relative(0.03)), Quantity("motor_current", .relative(0.004)),
        Quantity("run_hours", .none), Quantity("power", .relative(0.004)),
    ]

    let powerFull: Double
    let powerUnloaded: Double
    let iFull: Double
    let dpClean: Double  // mbar at rated flow, clean
    let vib0: Double
    var runHours: Double
    var inlet: Double = 15
    var oil: Double = 60
    var ripple: OUProcess
    var random: SimulationRandom

    init(asset: Asset, random: inout SimulationRandom) {
        let power = asset.normal("power") ?? 35...80
        let current = asset.normal("motor_current") ?? 60...140
        powerFull = 0.94 * power.upperBound
        powerUnloaded = 0.3 * powerFull
        iFull = 0.89 * current.upperBound
        dpClean = 22 * random.logNormal(median: 1, sigma: 0.08)
        vib0 = 1.5 * random.logNormal(median: 1, sigma: 0.1)
        runHours = (8000 + 22000 * random.uniform()).rounded()
        ripple = OUProcess(sigma: 0.03, tau: 60, random: &random)
        self.random = SimulationRandom(seed: random.next())
    }

    mutating func evaluate(_ c: Conditions, _ d: Damage, _ gains: Damage, _ dt: Double?, _ out: inout [Double]) {
        if let dt { ripple.step(dt, &random) }
        let bearing = d[.bearingWear] * gains[.bearingWear]
        let clogging = d[.filterClogging] * gains[.filterClogging]
        relax(&inlet, toward: c.ambient + 1.5, tau: 600, dt: dt)
        if c.running {
            let load = c.duty
            let filter = dpClean * (1 + clogging) * load * load
            let discharge = c.setpoint + ripple.value
            let ratio = (discharge + 1.013) / (1.013 - filter / 1000)
            let adiabaticRise = (inlet + 273.15) * (pow(ratio, 0.2857) - 1)
            relax(&oil, toward: 58 + 0.3 * (inlet - 10) + 8 * load + 15 * pow(d[.bearingWear], 1.5), tau: 900, dt: dt)
            let power = (powerUnloaded + (powerFull - powerUnloaded) * load) * pow(ratio / 8.4, 0.35)
            if let dt { runHours += dt / 3600 }
            out[0] = discharge
            out[1] = oil + 0.075 * adiabaticRise
            out[3] = filter
            out[5] = 3.0 + 0.3 * (discharge - 7.5) - 0.3 * (oil - 65) / 20 - 0.3 * d[.bearingWear]
            out[6] = vib0 * (0.75 + 0.45 * load) + bearing
            out[7] = iFull * (0.05 + 0.95 * power / powerFull)
            out[9] = power
        } else {
            relax(&oil, toward: c.room, tau: 3600, dt: dt)
            out[0] = 0
            out[1] = oil
            out[3] = 0
            out[5] = 0
            out[6] = 0.1
            out[7] = 0
            out[9] = 0
        }
        out[2] = inlet
        out[4] = oil
        out[8] = runHours.rounded(.down)
    }
}
