import Foundation
import PrognosCore

/// Settings of a simulation run.
public struct SimulationOptions: Sendable, Equatable {
    /// Everything random (units' make-up, onsets, weather, demand, noise) follows from it.
    public var seed: UInt64
    /// Epoch seconds of simulated time zero (the clock is passed in, never read).
    public var start: Double
    /// The fixed simulated step, seconds. 1 s for serving; 60–600 s for long runs (the thermal
    /// models are discretised exactly, so a coarse step stays stable and unbiased).
    public var step: Double
    /// Failure modes start by themselves at random times (Weibull), each unit at its own rate.
    public var naturalDegradation: Bool
    /// Multiplies the natural onset times (below 1 brings failures sooner: run-to-failure exports).
    public var onsetTimeScale: Double
    /// Daily and weekly demand cycles, weather, regime changes and on/off schedules; false holds
    /// every asset at its nominal duty at 15 °C (for physics tests).
    public var operatingVariation: Bool
    /// Random sensor faults per sensor and simulated year (0: only those a scenario schedules).
    public var sensorFaultsPerYear: Double
    /// Measurement noise on the values `measuredValue` returns.
    public var measurementNoise: Bool
    /// Each renewed part of a failure mode draws its life (the delay to its onset) from its own
    /// stream, keyed by asset, mode and renewal number, instead of the asset's running stream.
    /// Then maintenance never shifts the asset's other draws, so the plant's future under any
    /// action sequence is a fixed function of the seed (hindsight evaluation needs that).
    public var partLives = false

    public init(
        seed: UInt64 = 1, start: Double = 1_735_689_600, step: Double = 1, naturalDegradation: Bool = true,
        onsetTimeScale: Double = 1, operatingVariation: Bool = true, sensorFaultsPerYear: Double = 0,
        measurementNoise: Bool = true
    ) {
        self.seed = seed
        self.start = start
        self.step = step
        self.naturalDegradation = naturalDegradation
        self.onsetTimeScale = onsetTimeScale
        self.operatingVariation = operatingVariation
        self.sensorFaultsPerYear = sensorFaultsPerYear
        self.measurementNoise = measurementNoise
    }
}

/// Why the simulation refused a request.
public struct SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What an asset is doing.
public enum AssetStatus: Sendable, Equatable {
    case running
    /// Stopped by its schedule (healthy).
    case scheduledStop
    /// Tripped by a failure mode reaching its limit; stays stopped until an action resets that mode.
    case failed(mode: String)
    /// Stopped for maintenance until `until` (simulated seconds since start).
    case maintenance(until: Double)
}

/// A signal's place in the simulation, for fast repeated access (`measuredValue(_:)`).
public struct SignalHandle: Sendable, Hashable {
    public let asset: Int
    public let signal: Int
}

/// The simulated plant: physics of every asset, driven by its operating context, with failure
/// modes that progress to failure, maintenance actions that reset or slow them, and sensor
/// faults. Pure: no I/O, no clock, deterministic for a seed. A value type, so a copy is an
/// independent "what if" that can be rolled forward (the planner's policy evaluation).
///
/// ```swift
/// var sim = PlantSimulation(plant: plant, options: SimulationOptions(seed: 7, step: 600))
/// sim.advance(by: 5 * 365 * 86400)                 // five simulated years
/// let failures = sim.events.filter { $0.kind == .failure }
/// ```
public struct PlantSimulation: Sendable {
    public let plant: Plant
    public let options: SimulationOptions
    /// Simulated seconds since the start.
    public internal(set) var elapsed: Double = 0
    /// Steps taken.
    public internal(set) var stepCount: Int = 0
    /// Every truth event so far, in order.
    public internal(set) var events: [TruthEvent] = []
    /// Sensor faults in progress.
    public internal(set) var sensorFaults: [SensorFault] = []
    /// Modbus devices that do not answer, with the simulated second they come back.
    public internal(set) var deadDevices: [String: Double] = [:]

    var random: SimulationRandom
    var weather: Weather
    var demands: [Demand]
    var assets: [SimAsset]
    var pending: [ScheduledEvent] = []
    let noiseKey: UInt64
    let assetIndex: [String: Int]

    public init(plant: Plant, options: SimulationOptions = SimulationOptions()) {
        self.plant = plant
        self.options = options
        random = SimulationRandom.stream(seed: options.seed, "process")
        noiseKey = SplitMix64.mix(options.seed ^ 0x6E6F_6973_65)
        var weatherRandom = SimulationRandom.stream(seed: options.seed, "weather")
        weather = Weather(variation: options.operatingVariation, start: options.start, random: &weatherRandom)
        var lines: [String] = []
        var built: [SimAsset] = []
        for area in plant.areas {
            for line in area.lines {
                lines.append(area.id + "/" + line.id)
                for asset in line.assets {
                    var unitRandom = SimulationRandom.stream(seed: options.seed, "asset", asset.id)
                    built.append(SimAsset(asset: asset, line: lines.count - 1, options: options, random: &unitRandom))
                }
            }
        }
        demands = lines.map { line in
            var r = SimulationRandom.stream(seed: options.seed, "demand", line)
            return Demand(variation: options.operatingVariation, random: &r)
        }
        assets = built
        assetIndex = Dictionary(built.enumerated().map { ($1.asset.id, $0) }, uniquingKeysWith: { a, _ in a })
        settle()
    }

    /// Simulated time, epoch seconds.
    public var time: Double { options.start + elapsed }

    /// The outdoor temperature the weather station reports, °C.
    public var ambient: Double { weather.ambient(time) }

    // MARK: Stepping

    /// Advances one fixed step.
    public mutating func step() {
        let dt = options.step
        stepCount += 1
        elapsed = Double(stepCount) * dt
        runDueEvents()
        let epoch = time
        weather.step(to: epoch, dt: dt, random: &random)
        for i in demands.indices {
            if let change = demands[i].step(elapsed: elapsed, dt: dt, random: &random) {
                record(.operatingChange, asset: nil, target: nil, detail: "line \(lineName(i)): \(change)")
            }
        }
        let outdoor = weather.ambient(epoch)
        for i in assets.indices { stepAsset(i, dt: dt, ambient: outdoor) }
        expireFaults()
        if options.sensorFaultsPerYear > 0 { startRandomSensorFaults(dt: dt) }
    }

    /// Advances whole steps until at least `seconds` more simulated time has passed.
    public mutating func advance(by seconds: Double) {
        advance(to: elapsed + seconds)
    }

    /// Advances whole steps until `elapsed` reaches `target` (simulated seconds since start).
    public mutating func advance(to target: Double) {
        while elapsed + options.step * 1e-9 < target { step() }
    }

    /// Advances until `condition` holds or `limit` simulated seconds have passed; true if it held.
    @discardableResult
    public mutating func advance(upTo limit: Double, until condition: (PlantSimulation) -> Bool) -> Bool {
        let end = elapsed + limit
        while elapsed < end {
            step()
            if condition(self) { return true }
        }
        return false
    }

    /// Brings every model to the steady state of its starting conditions.
    mutating func settle() {
        for i in assets.indices {
            let conditions = conditionsFor(i)
            assets[i].evaluate(conditions, dt: nil)
        }
    }

    func conditionsFor(_ i: Int) -> Conditions {
        let a = assets[i]
        return Conditions(
            duty: a.operation.duty, running: a.isRunning(elapsed), ambient: weather.ambient(time), room: weather.hall,
            setpoint: a.operation.setpoint)
    }

    mutating func stepAsset(_ i: Int, dt: Double, ambient: Double) {
        let now = elapsed
        // Maintenance over: the asset restarts unless a failure mode still holds it down.
        if let until = assets[i].maintenanceUntil, now >= until {
            assets[i].maintenanceUntil = nil
            if assets[i].failedMode == nil {
                record(.restart, asset: assets[i].asset.id, target: nil, detail: "after maintenance")
            }
        }
        // Natural onsets.
        for m in assets[i].modes.indices where assets[i].modes[m].onset == nil {
            if let natural = assets[i].modes[m].naturalOnset, now >= natural {
                assets[i].modes[m].onset = now
                record(.faultOnset, asset: assets[i].asset.id, target: assets[i].modes[m].modeID, detail: "natural")
            }
        }
        let demand = demands[assets[i].line].value(time)
        let spec = assets[i].duty
        var unitRandom = assets[i].random
        assets[i].operation.step(
            spec: spec, demand: demand, epoch: time, elapsed: now, dt: dt, variation: options.operatingVariation,
            random: &unitRandom)
        assets[i].random = unitRandom
        let running = assets[i].isRunning(now)
        // Degradation progresses while the machine runs, faster under higher duty.
        if running {
            for m in assets[i].modes.indices where assets[i].modes[m].onset != nil {
                assets[i].modes[m].consumed += progress(i, m, dt: dt, slowFactor: assets[i].modes[m].slowFactor)
            }
        }
        let conditions = Conditions(
            duty: assets[i].operation.duty, running: running, ambient: ambient, room: weather.hall,
            setpoint: assets[i].operation.setpoint)
        assets[i].evaluate(conditions, dt: dt)
        // Failure: a started mode whose limit sensor crosses its limit trips the asset.
        if running {
            for m in assets[i].modes.indices where assets[i].modes[m].onset != nil && !assets[i].modes[m].failed {
                let mode = assets[i].modes[m]
                guard let signal = assets[i].limitSignal[m] else { continue }
                let value = assets[i].values[signal]
                if mode.limit.isCrossed(by: value) {
                    assets[i].modes[m].failed = true
                    assets[i].failedMode = assets[i].failedMode ?? m
                    record(
                        .failure, asset: assets[i].asset.id, target: mode.modeID,
                        detail: String(
                            format: "%@ %.3g %@ limit %.3g; tripped", mode.limit.sensor, value,
                            mode.limit.direction.rawValue, mode.limit.value))
                    // The trip takes effect at once: the machine coasts down from the next step.
                }
            }
        }
    }

    /// Life a started mode consumes in `dt` of running at the asset's present duty.
    func progress(_ i: Int, _ m: Int, dt: Double, slowFactor: Double) -> Double {
        let mode = assets[i].modes[m]
        let ratio = assets[i].operation.duty / assets[i].duty.nominal
        let stress = pow(max(ratio, 0), mode.kind.loadExponent) * assets[i].physics.extraStress(mode.kind)
        let interval = mode.kind.nominalDaysToFailure * 86400
        return dt / interval * mode.unitRate * slowFactor * mode.acceleration * stress
    }

    mutating func record(_ kind: TruthEvent.Kind, asset: String?, target: String?, detail: String) {
        events.append(
            TruthEvent(elapsed: elapsed, time: time, kind: kind, asset: asset, target: target, detail: detail))
    }

    func lineName(_ index: Int) -> String {
        var i = 0
        for area in plant.areas {
            for line in area.lines {
                if i == index { return line.id }
                i += 1
            }
        }
        return "?"
    }

    // MARK: Reading the plant

    /// The asset ids, in plant order.
    public var assetIDs: [String] { assets.map(\.asset.id) }

    /// A handle to a signal (sensor or context signal) of an asset.
    public func handle(asset: String, signal: String) -> SignalHandle? {
        guard let a = assetIndex[asset], let s = assets[a].signalIndex[signal] else { return nil }
        return SignalHandle(asset: a, signal: s)
    }

    /// The noise-free physical value of a signal now (what the machine really does).
    public func trueValue(asset: String, signal: String) -> Double? {
        handle(asset: asset, signal: signal).map { assets[$0.asset].values[$0.signal] }
    }

    public func trueValue(_ handle: SignalHandle) -> Double { assets[handle.asset].values[handle.signal] }

    /// What the sensor reads now: the true value with measurement noise and any sensor fault;
    /// nil while it drops out. The same step always gives the same reading.
    public func measuredValue(asset: String, signal: String) -> Double? {
        handle(asset: asset, signal: signal).flatMap { measuredValue($0) }
    }

    public func measuredValue(_ handle: SignalHandle) -> Double? {
        // Read in place: a copy of the asset would retain every array it holds, on every reading.
        var value = assets[handle.asset].values[handle.signal]
        var noiseScale = 1.0
        var fault: SensorFault?
        if !sensorFaults.isEmpty {
            fault = sensorFaults.first { $0.assetIndex == handle.asset && $0.signalIndex == handle.signal }
        }
        if let fault {
            switch fault.kind {
            case .dropout: return nil
            case .stuck: return fault.stuckValue ?? value
            case .noise: noiseScale = fault.magnitude
            case .drift: value += fault.magnitude * (elapsed - fault.start) / 3600
            case .spikes:
                let key = noiseKey ^ UInt64(truncatingIfNeeded: stepCount) &* 0x2545_F491_4F6C_DD1D ^ 0x5350_494B
                let u = SplitMix.uniform(key ^ UInt64(handle.asset << 32 | handle.signal))
                if u < 0.05 { value += (u < 0.025 ? 1 : -1) * fault.magnitude }
            }
        }
        if options.measurementNoise {
            let sigma: Double =
                switch assets[handle.asset].noise[handle.signal] {
                case .none: 0
                case .absolute(let s): s
                case .relative(let r): r * abs(value)
                }
            if sigma > 0 {
                // The weather station is one instrument, however many assets list it.
                let source: UInt64 =
                    if case .ambient = assets[handle.asset].slots[handle.signal] { 0xFFFF_FFFF } else {
                        UInt64(handle.asset) << 40 | UInt64(handle.signal) << 20
                    }
                let key = noiseKey ^ (UInt64(truncatingIfNeeded: stepCount) &* 0x9E37_79B9_7F4A_7C15) ^ source
                value += sigma * noiseScale * SplitMix.normal(key)
            }
        }
        return assets[handle.asset].lowerBound[handle.signal].map { max($0, value) } ?? value
    }

    /// Every signal of the plant as readings stamped with simulated time: measured values, `.commFail`
    /// without a value for signals of a dead Modbus device, `.badValue` for a dropout.
    public func readings() -> [Reading] {
        var result: [Reading] = []
        for (a, asset) in assets.enumerated() {
            for (s, signal) in asset.asset.signals.enumerated() {
                if case .modbus(let point) = signal.source, deadDevices[point.device] != nil {
                    result.append(
                        Reading(
                            asset: asset.asset.id, sensor: signal.id, value: nil, timestamp: time, quality: .commFail))
                    continue
                }
                let value = measuredValue(SignalHandle(asset: a, signal: s))
                result.append(
                    Reading(
                        asset: asset.asset.id, sensor: signal.id, value: value, timestamp: time,
                        quality: value == nil ? .badValue : .good))
            }
        }
        return result
    }

    /// What an asset is doing now.
    public func status(of asset: String) -> AssetStatus? {
        guard let i = assetIndex[asset] else { return nil }
        if let failed = assets[i].failedMode { return .failed(mode: assets[i].modes[failed].modeID) }
        if let until = assets[i].maintenanceUntil { return .maintenance(until: until) }
        return assets[i].operation.scheduledOff(elapsed) ? .scheduledStop : .running
    }

    /// The state of every failure mode of an asset.
    public func failureModes(of asset: String) -> [FailureModeState] {
        assetIndex[asset].map { assets[$0].modes } ?? []
    }

    /// The duty (speed or load fraction of rated) the asset runs at now.
    public func duty(of asset: String) -> Double? { assetIndex[asset].map { assets[$0].operation.duty } }

    /// Whether a Modbus device answers now.
    public func isDeviceDown(_ device: String) -> Bool { deadDevices[device] != nil }
}
