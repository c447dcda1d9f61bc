import Foundation
import PrognosCore

/// Something to do to the simulation at a simulated time (from a scenario, or queued by a caller).
public struct ScheduledEvent: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        /// Start a failure mode now; `timeToFailure` (seconds) makes it reach its limit in about that
        /// long at nominal duty (deterministically); nil progresses at the unit's natural rate.
        case fault(asset: String, mode: String, timeToFailure: Double?)
        /// Make a sensor misread for `duration` seconds (nil: until the end of the run).
        case sensorFault(asset: String, sensor: String, kind: SensorFaultKind, magnitude: Double?, duration: Double?)
        /// A Modbus device stops answering for `duration` seconds.
        case deviceDown(device: String, duration: Double)
        /// Run an asset at `fraction` of rated speed or load for `duration` seconds (nil: from now on).
        case duty(asset: String, fraction: Double, duration: Double?)
        /// Apply a maintenance action of the plant's catalogue.
        case maintenance(asset: String, action: String)
    }

    /// Simulated seconds since the start.
    public var at: Double
    public var change: Change

    public init(at: Double, change: Change) {
        self.at = at
        self.change = change
    }
}

extension PlantSimulation {
    // MARK: Maintenance

    /// Applies a maintenance action to a running simulation, as the plant's catalogue declares it:
    /// `resets` restores the named failure modes to as-new (repairing a failed asset), `slows`
    /// makes them progress at the factor of their rate until the next reset (not compounding, see
    /// `MaintenanceAction.slowed`), `derate` caps the duty at the fraction
    /// until the next maintenance window. An action that takes time stops the asset meanwhile.
    public mutating func apply(action: MaintenanceAction, to assetID: String) throws(SimulationError) {
        guard let i = assetIndex[assetID] else { throw SimulationError("no asset '\(assetID)' in the plant") }
        let asset = assets[i].asset
        if !asset.actionIDs.isEmpty, !asset.actionIDs.contains(action.id) {
            throw SimulationError(
                "action '\(action.id)' does not apply to \(assetID) (its actions: \(asset.actionIDs.joined(separator: ", ")))"
            )
        }
        let seconds =
            action.duration.inSeconds
        record(.action, asset: assetID, target: action.id, detail: action.name)
        switch action.effect {
        case .resets(let ids):
            for m in assets[i].modes.indices where ids.contains(assets[i].modes[m].modeID) {
                let mode = assets[i].modes[m]
                let wasFailed = mode.failed
                let wasStarted = mode.onset != nil
                assets[i].modes[m].onset = nil
                assets[i].modes[m].consumed = 0
                assets[i].modes[m].failed = false
                assets[i].modes[m].slowFactor = 1
                assets[i].modes[m].acceleration = 1
                assets[i].modes[m].renewals += 1
                if options.naturalDegradation {
                    let delay =
                        options.partLives
                        ? Self.partOnsetDelay(
                            options, asset: assetID, mode: mode.modeID, kind: mode.kind, renewal: mode.renewals + 1)
                        : assets[i].random.weibull(scale: mode.kind.onsetScale(options), shape: 1.5)
                    assets[i].modes[m].naturalOnset = elapsed + seconds + delay
                } else {
                    assets[i].modes[m].naturalOnset = nil
                }
                if wasStarted || wasFailed {
                    record(
                        .repair, asset: assetID, target: mode.modeID,
                        detail: wasFailed ? "failed mode restored" : "degradation removed")
                }
            }
            if let failed = assets[i].failedMode, !assets[i].modes[failed].failed {
                assets[i].failedMode = assets[i].modes.firstIndex { $0.failed }
                if assets[i].failedMode == nil, seconds <= 0 {
                    record(.restart, asset: assetID, target: nil, detail: "after repair")
                }
            }
        case .slows(let ids, let factor):
            for m in assets[i].modes.indices where ids.contains(assets[i].modes[m].modeID) {
                assets[i].modes[m].slowFactor = MaintenanceAction.slowed(assets[i].modes[m].slowFactor, by: factor)
            }
        case .derates(let fraction):
            let next = Calendar.nextWindow(after: time, windows: plant.economics.windows).map { $0 - options.start }
            let until = next ?? (elapsed + 7 * 86400)
            assets[i].operation.derate = (fraction, until)
            record(
                .operatingChange, asset: assetID, target: action.id,
                detail: String(format: "derated to %.0f %% until the next window", fraction * 100))
        }
        if seconds > 0 {
            assets[i].maintenanceUntil = max(assets[i].maintenanceUntil ?? 0, elapsed + seconds)
        }
    }

    /// Applies the plant's action `actionID` to an asset.
    public mutating func apply(actionID: String, to assetID: String) throws(SimulationError) {
        guard let action = plant.action(actionID) else {
            throw SimulationError("no action '\(actionID)' in the plant's catalogue")
        }
        try apply(action: action, to: assetID)
    }

    // MARK: Faults

    /// Starts a failure mode now. With `timeToFailure` (simulated seconds) it progresses so as to
    /// reach its limit in about that long at nominal duty, the same for every unit and seed;
    /// otherwise at the unit's own natural rate.
    public mutating func startFault(
        asset assetID: String, mode modeID: String, timeToFailure: Double? = nil
    ) throws(SimulationError) {
        guard let i = assetIndex[assetID] else { throw SimulationError("no asset '\(assetID)' in the plant") }
        guard let m = assets[i].modes.firstIndex(where: { $0.modeID == modeID }) else {
            throw SimulationError("asset \(assetID) has no failure mode '\(modeID)'")
        }
        let mode = assets[i].modes[m]
        if let timeToFailure {
            guard timeToFailure > 0 else { throw SimulationError("time to failure must be positive") }
            let interval = mode.kind.nominalDaysToFailure * 86400
            assets[i].modes[m].acceleration = interval / timeToFailure / mode.unitRate
        }
        if mode.onset == nil {
            assets[i].modes[m].onset = elapsed
            let detail =
                timeToFailure.map { String(format: "scheduled; failure in about %@", Duration.describe($0)) }
                ?? "scheduled"
            record(.faultOnset, asset: assetID, target: modeID, detail: detail)
        }
    }

    /// Makes a sensor misread, independently of the machine's health, for `duration` simulated
    /// seconds (nil: until the end). `magnitude`: noise factor (default 8), drift per hour (default
    /// 5 % of the normal span), spike size (default 30 % of the span).
    public mutating func startSensorFault(
        asset assetID: String, sensor sensorID: String, kind: SensorFaultKind, magnitude: Double? = nil,
        duration: Double? = nil
    ) throws(SimulationError) {
        guard let h = handle(asset: assetID, signal: sensorID) else {
            throw SimulationError("asset \(assetID) has no signal '\(sensorID)'")
        }
        let signal = assets[h.asset].asset.signals[h.signal]
        let span = signal.normal.map { $0.upperBound - $0.lowerBound } ?? max(abs(assets[h.asset].values[h.signal]), 1)
        let size: Double =
            switch kind {
            case .noise: magnitude ?? 8
            case .drift: magnitude ?? 0.05 * span
            case .spikes: magnitude ?? 0.3 * span
            case .stuck, .dropout: magnitude ?? 0
            }
        let stuck = kind == .stuck ? measuredValue(h) : nil
        sensorFaults.removeAll { $0.assetIndex == h.asset && $0.signalIndex == h.signal }
        sensorFaults.append(
            SensorFault(
                asset: assetID, sensor: sensorID, kind: kind, magnitude: size, start: elapsed,
                end: duration.map { elapsed + $0 },
                assetIndex: h.asset, signalIndex: h.signal, stuckValue: stuck))
        let what = kind == .drift ? String(format: "drift %+.3g %@/h", size, signal.unit) : kind.rawValue
        record(
            .sensorFaultStart, asset: assetID, target: sensorID,
            detail: what + (duration.map { " for " + Duration.describe($0) } ?? ""))
    }

    /// A Modbus device stops answering for `duration` simulated seconds (the server closes it).
    public mutating func setDeviceDown(_ device: String, for duration: Double) throws(SimulationError) {
        guard plant.device(device) != nil else { throw SimulationError("no Modbus device '\(device)' in the plant") }
        if deadDevices[device] == nil {
            record(.deviceDown, asset: nil, target: device, detail: "for " + Duration.describe(duration))
        }
        deadDevices[device] = elapsed + duration
    }

    /// Runs an asset at `fraction` of its rated speed or load for `duration` simulated seconds (nil: from now on).
    public mutating func setDuty(
        asset assetID: String, fraction: Double, for duration: Double? = nil
    ) throws(SimulationError) {
        guard let i = assetIndex[assetID] else { throw SimulationError("no asset '\(assetID)' in the plant") }
        guard fraction > 0, fraction <= 1.1 else { throw SimulationError("a duty fraction lies in (0, 1.1]") }
        assets[i].operation.override = (fraction, duration.map { elapsed + $0 })
        record(
            .operatingChange, asset: assetID, target: nil,
            detail: String(format: "duty %.0f %% of rated", fraction * 100)
                + (duration.map { " for " + Duration.describe($0) } ?? ""))
    }

    // MARK: Scheduling

    /// Queues changes to happen at their simulated times (those already due happen at the next step).
    public mutating func schedule(_ changes: [ScheduledEvent]) {
        pending.append(contentsOf: changes)
        pending.sort { $0.at < $1.at }
    }

    /// Queues a scenario's events, after checking them against the plant.
    public mutating func schedule(_ scenario: Scenario) throws(SimulationError) {
        try scenario.validate(against: plant)
        schedule(scenario.events.map(\.event))
    }

    /// Changes still waiting for their time.
    public var scheduled: [ScheduledEvent] { pending }

    mutating func runDueEvents() {
        while let first = pending.first, first.at <= elapsed + 1e-9 {
            pending.removeFirst()
            do {
                switch first.change {
                case .fault(let asset, let mode, let ttf): try startFault(asset: asset, mode: mode, timeToFailure: ttf)
                case .sensorFault(let asset, let sensor, let kind, let magnitude, let duration):
                    try startSensorFault(
                        asset: asset, sensor: sensor, kind: kind, magnitude: magnitude, duration: duration)
                case .deviceDown(let device, let duration): try setDeviceDown(device, for: duration)
                case .duty(let asset, let fraction, let duration):
                    try setDuty(asset: asset, fraction: fraction, for: duration)
                case .maintenance(let asset, let action): try apply(actionID: action, to: asset)
                }
            } catch {
                record(.operatingChange, asset: nil, target: nil, detail: "scheduled change refused: \(error.message)")
            }
        }
    }

    mutating func expireFaults() {
        if !sensorFaults.isEmpty {
            for fault in sensorFaults where fault.end.map({ elapsed >= $0 }) ?? false {
                record(.sensorFaultEnd, asset: fault.asset, target: fault.sensor, detail: fault.kind.rawValue)
            }
            sensorFaults.removeAll { $0.end.map { elapsed >= $0 } ?? false }
        }
        if !deadDevices.isEmpty {
            for (device, until) in deadDevices.sorted(by: { $0.key < $1.key }) where elapsed >= until {
                deadDevices[device] = nil
                record(.deviceUp, asset: nil, target: device, detail: "answering again")
            }
        }
    }

    mutating func startRandomSensorFaults(dt: Double) {
        let sensorCount = assets.reduce(0) { $0 + $1.asset.sensors.count }
        let probability = options.sensorFaultsPerYear * Double(sensorCount) * dt / (365.25 * 86400)
        guard random.chance(probability) else { return }
        var pick = Int(random.uniform() * Double(sensorCount))
        for asset in assets {
            if pick < asset.asset.sensors.count {
                let sensor = asset.asset.sensors[pick]
                let kinds: [SensorFaultKind] = [.noise, .drift, .stuck, .spikes, .dropout]
                let kind = kinds[Int(random.uniform() * Double(kinds.count))]
                let duration = random.uniform(1...48) * 3600
                try? startSensorFault(asset: asset.asset.id, sensor: sensor.id, kind: kind, duration: duration)
                return
            }
            pick -= asset.asset.sensors.count
        }
    }
}

extension Duration {
    /// "90 s", "20 min", "3 h", "2.5 d" for simulated seconds.
    static func describe(_ seconds: Double) -> String {
        func trim(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }
        if seconds < 120 { return trim(seconds) + " s" }
        if seconds < 7200 { return trim(seconds / 60) + " min" }
        if seconds < 172_800 { return trim(seconds / 3600) + " h" }
        return trim(seconds / 86400) + " d"
    }
}
