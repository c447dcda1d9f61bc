import Foundation
import PrognosCore

/// Run-to-failure histories of simulated fleets, laid out like NASA's C-MAPSS training files
/// (one row per unit and cycle: unit, time, operational settings, sensors) plus the true failure
/// time and mode, so a world model can be trained and scored on simulated fleets exactly as on
/// C-MAPSS.
///
/// Each unit is a fresh copy of the first asset of its type in the plant, with its own make-up,
/// season of start and degradation (natural onsets, brought forward by `onsetTimeScale`), run until
/// its first failure; one row per `cycle` of simulated time (a snapshot with measurement noise).
/// Header: `unit,hour,<context signals>,<sensors>,failure_hour,failure_mode`; the last row of a
/// unit is its last cycle before the failure, so RUL = failure_hour − hour.
public enum FleetExport {
    public struct Options: Sendable, Equatable {
        public var units: Int
        public var seed: UInt64
        /// Seconds between rows.
        public var cycle: Double
        /// Simulation step, seconds.
        public var step: Double
        /// Natural onset times are multiplied by this (below 1: units fail sooner).
        public var onsetTimeScale: Double
        /// A unit that has not failed by then is written as censored (empty failure columns).
        public var maximumLife: Double

        public init(
            units: Int, seed: UInt64, cycle: Double = 3600, step: Double = 600, onsetTimeScale: Double = 0.1,
            maximumLife: Double = 5 * 365 * 86400
        ) {
            self.units = units
            self.seed = seed
            self.cycle = cycle
            self.step = step
            self.onsetTimeScale = onsetTimeScale
            self.maximumLife = maximumLife
        }
    }

    /// One unit's history.
    public struct UnitHistory: Sendable, Equatable {
        public var unit: Int
        /// One row per cycle: settings then sensors.
        public var rows: [[Double]]
        public var failureHour: Double?
        public var failureMode: String?
    }

    /// What was written for one asset type.
    public struct Written: Sendable, Equatable {
        public var type: String
        public var path: String
        public var units: Int
        public var rows: Int
        public var failed: Int
    }

    /// The asset types of the plant with the asset each is exported from (first of its type).
    public static func templates(_ plant: Plant) -> [(type: String, asset: Asset)] {
        var seen: Set<String> = []
        var result: [(String, Asset)] = []
        for asset in plant.assets where !seen.contains(asset.type) {
            seen.insert(asset.type)
            result.append((asset.type, asset))
        }
        return result
    }

    /// The column names of a type's file.
    public static func header(_ template: Asset) -> [String] {
        ["unit", "hour"] + template.context.map(\.id) + template.sensors.map(\.id) + ["failure_hour", "failure_mode"]
    }

    /// Simulates one unit of `template` until it fails (or `maximumLife`).
    public static func history(of template: Asset, unit: Int, plant: Plant, options: Options) -> UnitHistory {
        let single = Plant(
            site: plant.site,
            areas: [Area(id: "fleet", name: "fleet", lines: [Line(id: "fleet", name: "fleet", assets: [template])])],
            devices: plant.devices, brokers: plant.brokers, actions: plant.actions, economics: plant.economics,
            retention: plant.retention)
        var random = SimulationRandom.stream(seed: options.seed, "fleet", template.type, String(unit))
        // Each unit starts on its own day of the year 2025, so seasons differ between units.
        let start = 1_735_689_600 + (random.uniform() * 365).rounded(.down) * 86400
        var sim = PlantSimulation(
            plant: single,
            options: SimulationOptions(
                seed: random.next(), start: start, step: options.step, naturalDegradation: true,
                onsetTimeScale: options.onsetTimeScale))
        let handles = (template.context + template.sensors).compactMap { sim.handle(asset: template.id, signal: $0.id) }
        var rows: [[Double]] = []
        var nextSample = options.cycle
        while sim.elapsed < options.maximumLife {
            sim.step()
            if let failure = sim.events.first(where: { $0.kind == .failure }) {
                return UnitHistory(
                    unit: unit, rows: rows, failureHour: failure.elapsed / 3600, failureMode: failure.target)
            }
            if sim.elapsed + 1e-9 >= nextSample {
                rows.append(handles.map { sim.measuredValue($0) ?? .nan })
                nextSample += options.cycle
            }
        }
        return UnitHistory(unit: unit, rows: rows, failureHour: nil, failureMode: nil)
    }

    /// The CSV text of `units` histories of `template`.
    public static func csv(_ histories: [UnitHistory], template: Asset, cycle: Double) -> String {
        var text = header(template).joined(separator: ",") + "\n"
        for history in histories {
            let failure = history.failureHour.map { String(format: "%.3f", $0) } ?? ""
            for (i, row) in history.rows.enumerated() {
                let hour = Double(i + 1) * cycle / 3600
                text += "\(history.unit),\(format(hour))"
                for value in row { text += "," + format(value) }
                text += ",\(failure),\(history.failureMode ?? "")\n"
            }
        }
        return text
    }

    static func format(_ x: Double) -> String {
        guard x.isFinite else { return "" }
        if x == x.rounded(), abs(x) < 1e12 { return String(Int64(x)) }
        return String(format: "%.6g", x)
    }

    /// Writes `<directory>/<type>.csv` for every asset type of the plant.
    public static func write(plant: Plant, to directory: String, options: Options) throws(SimulationError) -> [Written]
    {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SimulationError("cannot create \(directory): \(error.localizedDescription)")
        }
        var written: [Written] = []
        for (type, template) in templates(plant) {
            let histories = (1...max(1, options.units)).map {
                history(of: template, unit: $0, plant: plant, options: options)
            }
            let path = (directory as NSString).appendingPathComponent("\(type).csv")
            let text = csv(histories, template: template, cycle: options.cycle)
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                throw SimulationError("cannot write \(path)")
            }
            written.append(
                Written(
                    type: type, path: path, units: histories.count, rows: histories.reduce(0) { $0 + $1.rows.count },
                    failed: histories.filter { $0.failureHour != nil }.count))
        }
        return written
    }
}
