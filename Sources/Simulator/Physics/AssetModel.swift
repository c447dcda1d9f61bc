import Foundation
import PrognosCore

/// The operating conditions an asset model sees in one step.
struct Conditions: Sendable, Equatable {
    /// Speed fraction (pumps, fans) or load fraction (motors, gearboxes, compressors) of rated, actual.
    var duty: Double
    var running: Bool
    /// Outdoor air temperature, °C (the weather station).
    var ambient: Double
    /// Temperature of the machine hall, °C.
    var room: Double
    /// Pressure setpoint, bar (compressors).
    var setpoint: Double
}

/// How a sensor's measurement noise is sized.
enum Noise: Sendable, Equatable {
    case none
    /// Standard deviation in engineering units.
    case absolute(Double)
    /// Standard deviation as a fraction of the value.
    case relative(Double)
}

/// One quantity an asset model produces: the sensor id it answers to, and its noise.
struct Quantity: Sendable, Equatable {
    var id: String
    var noise: Noise
    init(_ id: String, _ noise: Noise) {
        self.id = id
        self.noise = noise
    }
}

/// The physical model of one asset, by type. A closed set (an enum, not a protocol) so that
/// a `PlantSimulation` stays a plain value that the planner can copy and roll forward.
enum AssetPhysics: Sendable, Equatable {
    case pump(CentrifugalPump)
    case motor(InductionMotor)
    case compressor(AirCompressor)
    case fan(Fan)
    case gearbox(Gearbox)
    case generic(GenericMachine)

    init(asset: Asset, random: inout SimulationRandom) {
        switch asset.type.lowercased() {
        case "centrifugal_pump", "pump": self = .pump(CentrifugalPump(asset: asset, random: &random))
        case "induction_motor", "motor": self = .motor(InductionMotor(asset: asset, random: &random))
        case "air_compressor", "compressor": self = .compressor(AirCompressor(asset: asset, random: &random))
        case "fan", "blower": self = .fan(Fan(asset: asset, random: &random))
        case "gearbox": self = .gearbox(Gearbox(asset: asset, random: &random))
        default: self = .generic(GenericMachine(asset: asset))
        }
    }

    var quantities: [Quantity] {
        switch self {
        case .pump: CentrifugalPump.quantities
        case .motor: InductionMotor.quantities
        case .compressor: AirCompressor.quantities
        case .fan: Fan.quantities
        case .gearbox: Gearbox.quantities
        case .generic(let m): m.quantities
        }
    }

    /// Kinds of degradation this model turns into physics; others fall back to a generic drift of the limit sensor.
    var supported: Set<DegradationKind> {
        switch self {
        case .pump: [.bearingWear, .impellerWear, .sealLeak]
        case .motor: [.bearingWear, .windingAgeing]
        case .compressor: [.bearingWear, .filterClogging]
        case .fan: [.bearingWear, .rotorFouling]
        case .gearbox: [.gearWear, .misalignment]
        case .generic: []
        }
    }

    /// What the duty means and where it lives in healthy operation.
    var duty: DutySpec {
        switch self {
        case .pump: DutySpec(kind: .speed, range: 0.8...1.0, nominal: 0.9, rated: CentrifugalPump.ratedSpeed)
        case .fan: DutySpec(kind: .speed, range: 0.72...1.0, nominal: 0.86, rated: Fan.ratedSpeed)
        case .motor, .gearbox: DutySpec(kind: .load, range: 0.55...0.9, nominal: 0.72, rated: 1)
        case .compressor: DutySpec(kind: .load, range: 0.55...1.0, nominal: 0.78, rated: 1)
        case .generic: DutySpec(kind: .load, range: 0.6...0.9, nominal: 0.75, rated: 1)
        }
    }

    /// Advances the model by `dt` seconds (nil: jump to the steady state of these conditions)
    /// and writes every quantity, in `quantities` order, into `out`.
    mutating func evaluate(_ c: Conditions, _ d: Damage, gains: Damage, dt: Double?, into out: inout [Double]) {
        switch self {
        case .pump(var m):
            m.evaluate(c, d, gains, dt, &out)
            self = .pump(m)
        case .motor(var m):
            m.evaluate(c, d, gains, dt, &out)
            self = .motor(m)
        case .compressor(var m):
            m.evaluate(c, d, gains, dt, &out)
            self = .compressor(m)
        case .fan(var m):
            m.evaluate(c, d, gains, dt, &out)
            self = .fan(m)
        case .gearbox(var m):
            m.evaluate(c, d, gains, dt, &out)
            self = .gearbox(m)
        case .generic(var m):
            m.evaluate(c, d, gains, dt, &out)
            self = .generic(m)
        }
    }

    /// Stress multiplier of a mechanism's progression beyond the duty law (winding ageing doubles
    /// every 10 K of hot-spot temperature: the motor knows its winding temperature).
    func extraStress(_ kind: DegradationKind) -> Double {
        switch self {
        case .motor(let m) where kind == .windingAgeing: m.arrheniusFactor
        default: 1
        }
    }
}

/// The meaning of an asset's duty: a speed (rpm at 1.0 = `rated`) or a load fraction.
struct DutySpec: Sendable, Equatable {
    enum Kind: Sendable, Equatable { case speed, load }
    var kind: Kind
    var range: ClosedRange<Double>
    var nominal: Double
    var rated: Double
}

extension Asset {
    /// The healthy range of a sensor, if the plant gives one.
    func normal(_ id: String) -> ClosedRange<Double>? { sensors.first { $0.id == id }?.normal }
}

/// A sensor the simulator has no physics for: it sits in the middle of its normal range, moving
/// a little with the duty, and follows the machine's temperature-like lag.
struct GenericMachine: Sendable, Equatable {
    var quantities: [Quantity]
    var centres: [Double]
    var spans: [Double]
    var state: [Double]

    init(asset: Asset) {
        quantities = asset.sensors.map {
            Quantity($0.id, .absolute(0.004 * (($0.normal?.upperBound ?? 1) - ($0.normal?.lowerBound ?? 0))))
        }
        centres = asset.sensors.map { s in s.normal.map { ($0.lowerBound + $0.upperBound) / 2 } ?? 0 }
        spans = asset.sensors.map { s in s.normal.map { $0.upperBound - $0.lowerBound } ?? 0 }
        state = centres
    }

    mutating func evaluate(_ c: Conditions, _ d: Damage, _ gains: Damage, _ dt: Double?, _ out: inout [Double]) {
        for i in state.indices {
            let target = c.running ? centres[i] + 0.25 * spans[i] * (c.duty - 0.75) : centres[i] - 0.3 * spans[i]
            relax(&state[i], toward: target, tau: 600, dt: dt)
            out[i] = state[i]
        }
    }
}
