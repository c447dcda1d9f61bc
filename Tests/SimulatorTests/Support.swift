import Foundation
import Logging
import PlantFile
import PrognosCore
import Simulator
import TestSupport

/// The demo plant, loaded once per test process.
let demoPlantPath = Peers.repositoryRoot.appendingPathComponent("Plants/demo.yaml").path
let demoPlant: Plant = try! PlantFileLoader.load(path: demoPlantPath)

/// A logger that discards everything (tests never bootstrap logging).
let quietLogger = Logger(label: "prognos.simulator.tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// The normal-range violations of running assets in a simulation's current readings.
func normalRangeViolations(_ sim: PlantSimulation, measured: Bool) -> [String] {
    var problems: [String] = []
    for asset in sim.plant.assets where sim.status(of: asset.id) == .running {
        for sensor in asset.sensors {
            guard let normal = sensor.normal else { continue }
            let value =
                measured
                ? sim.measuredValue(asset: asset.id, signal: sensor.id)
                : sim.trueValue(asset: asset.id, signal: sensor.id)
            guard let value else {
                problems.append("\(asset.id).\(sensor.id) has no value")
                continue
            }
            if !normal.contains(value) {
                problems.append(
                    String(
                        format: "%@.%@ = %.4g outside [%g, %g] at %.0f h", asset.id, sensor.id, value,
                        normal.lowerBound, normal.upperBound, sim.elapsed / 3600))
            }
        }
    }
    return problems
}

/// A scratch directory removed when the value is dropped.
final class TemporaryDirectory: @unchecked Sendable {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("prognos-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
