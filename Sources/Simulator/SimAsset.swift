import Foundation
import PrognosCore

/// One asset inside a `PlantSimulation`: its physics, its failure modes and how it is run.
struct SimAsset: Sendable {
    /// Where a signal's value comes from.
    enum Slot: Sendable, Equatable {
        case quantity(Int)
        case speed, setpoint, ambient, running
        /// Load, in percent (`scale` 100) or as a fraction (1).
        case load(scale: Double)
        /// No physics for it: held at the middle of its normal range.
        case unknown(Double)
    }

    let asset: Asset
    let line: Int
    var physics: AssetPhysics
    let duty: DutySpec
    let slots: [Slot]
    let noise: [Noise]
    let lowerBound: [Double?]
    let signalIndex: [String: Int]
    var out: [Double]
    var values: [Double]
    var modes: [FailureModeState]
    var gains = Damage()
    /// Failure modes without physics drive their limit sensor directly: value += slope × damage.
    var genericShifts: [(signal: Int, mode: Int, slope: Double)] = []
    var limitSignal: [Int?]
    var operation: Operation
    var failedMode: Int?
    var maintenanceUntil: Double?
    var random: SimulationRandom

    init(asset: Asset, line: Int, options: SimulationOptions, random: inout SimulationRandom) {
        self.asset = asset
        self.line = line
        physics = AssetPhysics(asset: asset, random: &random)
        duty = physics.duty
        let quantities = physics.quantities
        let ids = quantities.map(\.id)
        var slots: [Slot] = []
        var noise: [Noise] = []
        var lower: [Double?] = []
        for sensor in asset.sensors {
            if let q = ids.firstIndex(of: sensor.id) {
                slots.append(.quantity(q))
                noise.append(quantities[q].noise)
            } else {
                let centre = sensor.normal.map { ($0.lowerBound + $0.upperBound) / 2 } ?? 0
                slots.append(.unknown(centre))
                noise.append(.absolute(0.004 * (sensor.normal.map { $0.upperBound - $0.lowerBound } ?? 0)))
            }
            lower.append((sensor.normal?.lowerBound ?? -1) >= 0 ? 0 : nil)
        }
        for signal in asset.context {
            // A context signal the physics produces (a pump's suction tank level) is measured like a sensor.
            if let q = ids.firstIndex(of: signal.id) {
                slots.append(.quantity(q))
                noise.append(quantities[q].noise)
                lower.append(nil)
                continue
            }
            switch signal.role {
            case .speed: slots.append(.speed)
            case .load: slots.append(.load(scale: signal.unit == "%" ? 100 : 1))
            case .setpoint: slots.append(.setpoint)
            case .ambient: slots.append(.ambient)
            case .context, .measurement:
                slots.append(signal.unit == "bool" || signal.id.contains("running") ? .running : .unknown(0))
            }
            noise.append(signal.role == .ambient ? .absolute(0.1) : .none)
            lower.append(signal.role == .ambient ? nil : 0)
        }
        self.slots = slots
        self.noise = noise
        lowerBound = lower
        signalIndex = Dictionary(asset.signals.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        out = Array(repeating: 0, count: quantities.count)
        values = Array(repeating: 0, count: slots.count)
        let hasSchedule = slots.contains(.running)
        operation = Operation(
            spec: duty, variation: options.operatingVariation, hasSchedule: hasSchedule, random: &random)
        modes = asset.failureModes.map { mode in
            let kind = DegradationKind(modeID: mode.id)
            var state = FailureModeState(modeID: mode.id, kind: kind, limit: mode.limit)
            state.unitRate = random.logNormal(median: 1, sigma: 0.35)
            let onset = random.weibull(scale: kind.onsetScale(options), shape: 1.5)
            state.naturalOnset = options.naturalDegradation ? onset : nil
            return state
        }
        limitSignal = asset.failureModes.map { mode in
            asset.signals.firstIndex { $0.id == mode.limit.sensor }
        }
        self.random = SimulationRandom(seed: random.next())
        calibrate()
    }

    func isRunning(_ elapsed: Double) -> Bool {
        failedMode == nil && maintenanceUntil == nil && !operation.scheduledOff(elapsed)
    }

    var nominalConditions: Conditions {
        Conditions(duty: duty.nominal, running: true, ambient: 11, room: 15, setpoint: 7.5)
    }

    /// The steady value of signal `signal` under nominal conditions with damage `damage` and `gains`.
    func steadyValue(_ signal: Int, damage: Damage, gains: Damage) -> Double {
        var copy = self
        copy.gains = gains
        copy.genericShifts = []
        copy.physics.evaluate(nominalConditions, damage, gains: gains, dt: nil, into: &copy.out)
        copy.map(nominalConditions, damage: damage)
        return copy.values[signal]
    }

    /// Sizes each mechanism so that damage 1 puts its limit sensor exactly on the limit under
    /// nominal conditions; mechanisms without physics for that sensor drift it linearly instead.
    mutating func calibrate() {
        let supported = physics.supported
        for (m, mode) in modes.enumerated() {
            guard let signal = limitSignal[m] else { continue }
            let healthy = steadyValue(signal, damage: .none, gains: Damage())
            var calibrated = false
            if supported.contains(mode.kind), case .quantity = slots[signal] {
                var damage = Damage()
                damage[mode.kind] = 1
                func value(_ g: Double) -> Double {
                    var trial = gains
                    trial[mode.kind] = g
                    return steadyValue(signal, damage: damage, gains: trial)
                }
                var high = 1e-3
                while !mode.limit.isCrossed(by: value(high)), high < 1e7 { high *= 2 }
                if mode.limit.isCrossed(by: value(high)), !mode.limit.isCrossed(by: healthy) {
                    var low = 0.0
                    for _ in 0..<60 {
                        let mid = (low + high) / 2
                        if mode.limit.isCrossed(by: value(mid)) { high = mid } else { low = mid }
                    }
                    gains[mode.kind] = max(gains[mode.kind], high)
                    calibrated = true
                }
            }
            if !calibrated {
                genericShifts.append(
                    (signal, m, mode.limit.value - healthy + (mode.limit.direction == .above ? 1e-9 : -1e-9)))
            }
        }
    }

    var damage: Damage {
        var d = Damage()
        for mode in modes where mode.onset != nil {
            d[mode.kind] = max(d[mode.kind], mode.damage)
        }
        return d
    }

    mutating func evaluate(_ c: Conditions, dt: Double?) {
        let d = damage
        physics.evaluate(c, d, gains: gains, dt: dt, into: &out)
        map(c, damage: d)
        for shift in genericShifts where c.running {
            values[shift.signal] += shift.slope * modes[shift.mode].damage
        }
    }

    mutating func map(_ c: Conditions, damage: Damage) {
        let on = c.running ? 1.0 : 0
        for i in slots.indices {
            switch slots[i] {
            case .quantity(let q): values[i] = out[q]
            case .speed: values[i] = duty.kind == .speed ? c.duty * duty.rated * on : 1485 * on
            case .load(let scale): values[i] = scale * c.duty * on
            case .setpoint: values[i] = c.setpoint
            case .ambient: values[i] = c.ambient
            case .running: values[i] = on
            case .unknown(let centre): values[i] = centre
            }
        }
    }
}
