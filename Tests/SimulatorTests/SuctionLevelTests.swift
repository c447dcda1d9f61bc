import Foundation
import PrognosCore
import Testing

@testable import Simulator

/// A pump's suction tank level, declared as a context signal, is read from the physics: it is
/// what moves the pump's suction pressure, and declaring it changes nothing else the plant reads.
/// Declared on every pump of the demo plant and on nothing else.
@Suite struct SuctionLevelTests {
    @Test func everyPumpAndOnlyPumpsGetATankLevel() {
        let declared = demoPlant.declaringTankLevels()
        let withLevel = declared.assets.filter { $0.signal(Plant.tankLevelSignal) != nil }.map(\.id)
        #expect(withLevel == demoPlant.assets.filter { $0.type == "centrifugal_pump" }.map(\.id))
        #expect(withLevel.count == 6)
        #expect(declared.declaringTankLevels() == declared, "declaring twice adds nothing")
    }

    @Test func theTankLevelExplainsTheSuctionPressureAndChangesNoOtherReading() throws {
        let options = SimulationOptions(seed: 5, start: 1_743_465_600, step: 300, naturalDegradation: false)
        var withLevel = PlantSimulation(plant: demoPlant.declaringTankLevels(), options: options)
        var without = PlantSimulation(plant: demoPlant, options: options)
        var levels: [Double] = []
        var changed: [String] = []
        while withLevel.elapsed < 3 * 86400 {
            withLevel.step()
            without.step()
            for sensor in ["suction_pressure", "discharge_pressure", "flow", "bearing_temp_de", "seal_leak"] {
                let a = withLevel.measuredValue(asset: "pump-101", signal: sensor)
                if a != without.measuredValue(asset: "pump-101", signal: sensor) { changed.append(sensor) }
            }
            guard withLevel.status(of: "pump-101") == .running,
                let level = withLevel.measuredValue(asset: "pump-101", signal: "suction_level"),
                let suction = withLevel.trueValue(asset: "pump-101", signal: "suction_pressure")
            else { continue }
            levels.append(level)
            // The suction pressure is the tank's head less the inlet's friction loss.
            let loss = level / CentrifugalPump.metresPerBar - suction
            #expect(loss > -0.01 && loss < 0.3, "inlet loss \(loss) bar at \(withLevel.elapsed / 3600) h")
        }
        #expect(changed.isEmpty, "readings changed by declaring the level: \(Set(changed))")
        #expect(levels.count > 700, "pump-101 ran \(levels.count) of 864 steps")
        let range = (levels.max() ?? 0) - (levels.min() ?? 0)
        #expect(range > 0.05 && range < 3, "the tank level moved \(range) m in 3 days")
    }
}
