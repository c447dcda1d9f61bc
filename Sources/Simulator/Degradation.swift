import Foundation
import PrognosCore

/// The physical mechanisms the simulator knows, recognised from a failure mode's id
/// (`bearing-wear`, `impeller-wear`, …). Anything else is `generic`: it drives the mode's
/// limit sensor straight toward its limit.
public enum DegradationKind: Int, Sendable, Equatable, CaseIterable {
    case bearingWear, impellerWear, sealLeak, filterClogging, windingAgeing, misalignment, rotorFouling, gearWear,
        generic

    public init(modeID: String) {
        let id = modeID.lowercased()
        if id.contains("bearing") {
            self = .bearingWear
        } else if id.contains("impeller") || id.contains("wear-ring") {
            self = .impellerWear
        } else if id.contains("seal") {
            self = .sealLeak
        } else if id.contains("filter") || id.contains("clog") {
            self = .filterClogging
        } else if id.contains("winding") || id.contains("insulation") {
            self = .windingAgeing
        } else if id.contains("misalign") {
            self = .misalignment
        } else if id.contains("fouling") || id.contains("rotor") {
            self = .rotorFouling
        } else if id.contains("gear") {
            self = .gearWear
        } else {
            self = .generic
        }
    }

    /// How the damage grows once started, in life consumed `x` (1 = the failure limit at nominal
    /// load): `shape(x) = (e^{a·x} − 1) / (e^{a} − 1)`, so 0 → 0 and 1 → 1; a larger `a` stays
    /// quiet longer and accelerates harder at the end (a bearing's P–F curve), a small one is
    /// nearly linear (erosion of an impeller).
    var curvature: Double {
        switch self {
        case .bearingWear: 3.5
        case .impellerWear: 0.8
        case .sealLeak: 3.0
        case .filterClogging: 2.2
        case .windingAgeing: 1.5
        case .misalignment: 1.2
        case .rotorFouling: 1.0
        case .gearWear: 2.5
        case .generic: 2.0
        }
    }

    /// Typical time from onset to failure at nominal load (the P–F interval), in days.
    var nominalDaysToFailure: Double {
        switch self {
        case .bearingWear: 60
        case .impellerWear: 240
        case .sealLeak: 45
        case .filterClogging: 90
        case .windingAgeing: 365
        case .misalignment: 120
        case .rotorFouling: 120
        case .gearWear: 180
        case .generic: 90
        }
    }

    /// Characteristic time before the mode starts in a new unit (Weibull scale, days), and its shape.
    var onsetScaleDays: Double {
        switch self {
        case .bearingWear: 500
        case .impellerWear: 700
        case .sealLeak: 400
        case .filterClogging: 0
        case .windingAgeing: 1500
        case .misalignment: 450
        case .rotorFouling: 200
        case .gearWear: 1000
        case .generic: 500
        }
    }

    /// How strongly the rate grows with the duty (speed or load fraction), relative to nominal:
    /// `rate ∝ (duty / nominal)^exponent`. Bearing life goes with load cubed (L10), erosion with
    /// flow velocity cubed, filter loading with airflow; winding ageing also follows temperature
    /// (Arrhenius, handled by the motor model).
    var loadExponent: Double {
        switch self {
        case .bearingWear: 3
        case .impellerWear: 3
        case .sealLeak: 2
        case .filterClogging: 1
        case .windingAgeing: 1
        case .misalignment: 2
        case .rotorFouling: 1
        case .gearWear: 3
        case .generic: 2
        }
    }

    /// Weibull scale of the delay from a new part to the mode's onset, seconds (a filter element
    /// starts loading within weeks).
    func onsetScale(_ options: SimulationOptions) -> Double {
        (self == .filterClogging ? 30 : onsetScaleDays) * 86400 * options.onsetTimeScale
    }

    /// Damage at life consumed `x` (see `curvature`), and its inverse.
    public func damage(consumed x: Double) -> Double { shape(x) }
    public func consumed(damage d: Double) -> Double { log(1 + d * (exp(curvature) - 1)) / curvature }

    func shape(_ x: Double) -> Double {
        let a = curvature
        return (exp(a * x) - 1) / (exp(a) - 1)
    }
}

/// The damage of every mechanism of one asset, each 0 when as new and 1 when it reaches its limit
/// at nominal conditions (it keeps growing past 1 if nothing stops the asset).
struct Damage: Sendable, Equatable {
    // Stored fields, not an array: one of these is made per asset and step, and must not allocate.
    var bearing = 0.0, impeller = 0.0, seal = 0.0, filter = 0.0, winding = 0.0
    var misalignment = 0.0, fouling = 0.0, gear = 0.0, generic = 0.0

    subscript(kind: DegradationKind) -> Double {
        get {
            switch kind {
            case .bearingWear: bearing
            case .impellerWear: impeller
            case .sealLeak: seal
            case .filterClogging: filter
            case .windingAgeing: winding
            case .misalignment: misalignment
            case .rotorFouling: fouling
            case .gearWear: gear
            case .generic: generic
            }
        }
        set {
            switch kind {
            case .bearingWear: bearing = newValue
            case .impellerWear: impeller = newValue
            case .sealLeak: seal = newValue
            case .filterClogging: filter = newValue
            case .windingAgeing: winding = newValue
            case .misalignment: misalignment = newValue
            case .rotorFouling: fouling = newValue
            case .gearWear: gear = newValue
            case .generic: generic = newValue
            }
        }
    }
    static let none = Damage()
}

/// Where a failure mode of one asset stands.
public struct FailureModeState: Sendable, Equatable {
    public var modeID: String
    public var kind: DegradationKind
    public var limit: FailureLimit
    /// Simulated seconds (since start) at which the mode started; nil while it has not.
    public var onset: Double?
    /// When the mode will start by itself (natural degradation); nil never.
    public var naturalOnset: Double?
    /// Life consumed since onset, 1 being the failure limit at nominal conditions.
    public var consumed: Double = 0
    /// Multiplier of the progression rate from this unit's make-up (unit-to-unit scatter).
    public var unitRate: Double = 1
    /// Multiplier of the progression rate from the "slows" actions applied since the last reset
    /// (the lowest of their factors, see `MaintenanceAction.slowed`).
    public var slowFactor: Double = 1
    /// Extra speed-up set by a scenario (1 for natural degradation).
    public var acceleration: Double = 1
    /// Whether the mode has made the asset fail.
    public var failed = false
    /// How many times the mode has been reset (the part in place is renewal number `renewals`).
    public var renewals = 0

    /// The damage, 0 as new, 1 at the limit under nominal conditions.
    public var damage: Double { onset == nil ? 0 : kind.shape(consumed) }
}
