import Foundation
import PrognosCore
import TestSupport
import Testing

@testable import Simulator

@Suite("Scenarios")
struct ScenarioTests {
    let demoScenarioPath = Peers.repositoryRoot.appendingPathComponent("Plants/scenarios/demo.yaml").path

    @Test("The demo scenario runs as written: failure, sensor fault, dead device, repair")
    func demoScenario() throws {
        let scenario = try Scenario.load(path: demoScenarioPath)
        #expect(scenario.naturalDegradation == false)
        try scenario.validate(against: demoPlant)
        var sim = PlantSimulation(
            plant: demoPlant, options: SimulationOptions(seed: 1, step: 30, naturalDegradation: false))
        try sim.schedule(scenario)
        sim.advance(by: 12 * 3600)
        func first(_ kind: TruthEvent.Kind, _ asset: String? = nil, _ target: String? = nil) -> TruthEvent? {
            sim.events.first {
                $0.kind == kind && (asset == nil || $0.asset == asset) && (target == nil || $0.target == target)
            }
        }
        let onset = try #require(first(.faultOnset, "pump-101", "bearing-wear"))
        #expect(onset.elapsed == 600)
        let failure = try #require(first(.failure, "pump-101", "bearing-wear"))
        let hours = (failure.elapsed - onset.elapsed) / 3600
        #expect(hours > 2 && hours < 4, "pump-101 failed \(hours) h after onset (scheduled 3 h)")
        // compressor-201's filter is replaced at 3 h 40 min, before it clogs to its limit.
        #expect(first(.failure, "compressor-201", "filter-clogging") == nil)
        #expect(first(.repair, "compressor-201", "filter-clogging")?.elapsed == 13200.0)
        #expect(first(.sensorFaultStart, "motor-211", "winding_temp")?.elapsed == 1800)
        #expect(first(.sensorFaultEnd, "motor-211", "winding_temp")?.elapsed == 9000.0)
        #expect(first(.deviceDown, nil, "energy-meters")?.elapsed == 2700)
        #expect(first(.deviceUp, nil, "energy-meters")?.elapsed == 3000)
        #expect(first(.repair, "pump-101", "bearing-wear")?.elapsed == 14400.0)
        #expect(first(.restart, "pump-101")?.elapsed == 36000.0)
        #expect(sim.status(of: "pump-101") == .running)
        #expect(!sim.events.contains { $0.kind == .failure && $0.asset != "pump-101" })
        #expect(!sim.events.contains { $0.kind == .faultOnset && $0.detail == "natural" })
    }

    @Test("A drifting sensor reads away from the truth while the machine stays healthy")
    func driftIsASensorFault() throws {
        var sim = nominalSimulation(step: 60)
        try sim.startSensorFault(asset: "motor-211", sensor: "winding_temp", kind: .drift, magnitude: 6, duration: 7200)
        sim.advance(by: 3600)
        let truth = try #require(sim.trueValue(asset: "motor-211", signal: "winding_temp"))
        let read = try #require(sim.measuredValue(asset: "motor-211", signal: "winding_temp"))
        #expect(abs(read - truth - 6) < 1, "bias after 1 h: \(read - truth)")
        #expect(sim.failureModes(of: "motor-211").allSatisfy { $0.onset == nil })
        try sim.startSensorFault(asset: "pump-101", sensor: "flow", kind: .dropout, duration: 600)
        #expect(sim.measuredValue(asset: "pump-101", signal: "flow") == nil)
        try sim.startSensorFault(asset: "pump-101", sensor: "power", kind: .stuck)
        let stuck = sim.measuredValue(asset: "pump-101", signal: "power")
        sim.advance(by: 3 * 3600)
        #expect(sim.measuredValue(asset: "pump-101", signal: "power") == stuck)
        #expect(sim.measuredValue(asset: "pump-101", signal: "flow") != nil, "the dropout ended")
        let healed = try #require(sim.measuredValue(asset: "motor-211", signal: "winding_temp"))
        let actual = try #require(sim.trueValue(asset: "motor-211", signal: "winding_temp"))
        #expect(abs(healed - actual) < 1, "the drift ended after 2 h")
    }

    @Test("Scenario problems are reported with file and line")
    func badScenario() throws {
        let text = """
            name: broken
            events:
              - {at: 10m, asset: pump-101, fault: bearing-wear}
              - {at: soon, asset: pump-101, fault: bearing-wear}
              - {at: 1h, asset: pump-101, sensor_fault: wobble, sensor: flow}
              - {at: 2h, asset: pump-101, colour: red}
            """
        #expect {
            try Scenario.parse(yaml: text, file: "broken.yaml")
        } throws: { error in
            let problems = (error as? ScenarioError)?.problems ?? []
            return problems.count == 3 && problems[0].hasPrefix("broken.yaml:4:")
                && problems[1].hasPrefix("broken.yaml:5:")
                && problems[2].contains("colour")
        }
        let unknown = try Scenario.parse(
            yaml:
                "name: x\nevents:\n  - {at: 1m, asset: pump-999, fault: bearing-wear}\n  - {at: 2m, asset: fan-201, fault: seal-leak}\n",
            file: "x.yaml")
        #expect {
            try unknown.validate(against: demoPlant)
        } throws: { error in
            let message = (error as? SimulationError)?.message ?? ""
            return message.contains("x.yaml:3: no asset 'pump-999'")
                && message.contains("x.yaml:4: fan-201 has no failure mode 'seal-leak'")
        }
        #expect(parseDuration("90s") == 90)
        #expect(parseDuration("10m") == 600)
        #expect(parseDuration("1.5h") == 5400)
        #expect(parseDuration("2d") == 172_800)
        #expect(parseDuration("soon") == nil)
    }
}
