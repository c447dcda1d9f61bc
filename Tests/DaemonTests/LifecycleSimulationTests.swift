import Foundation
import Planner
import PlantFile
import PrognosCore
import Simulator
import TestSupport
import Testing

@testable import PlantRuntime

/// The failure lifecycle over simulated months of whole plants, through the runtimes and the
/// replanner as the daemon runs them (readings every ten simulated minutes, models learnt on the
/// first week): after every failure the asset is failed on every output within one model step and
/// its corrective repair is proposed; the crew repairs it and reports it, and it is restored.
@Suite(.serialized) struct LifecycleSimulationTests {
    static let step = 600.0

    struct Run {
        var failures = 0
        var caughtWithinAStep = 0
        var correctiveProposed = 0
        var restored = 0
        var healthRows = 0
        var rulAlarmsOnHealthyModes = 0
        var problems: [String] = []
    }

    /// `days` of `plant` from `seed`: a healthy week to learn, then a fault every two days on the
    /// next asset (the first mode, to fail in three to five days); repairs start four hours after a
    /// failure and are reported done when they end.
    static func simulate(plantFile: String, seed: UInt64, days: Double) throws -> Run {
        let plant = try PlantFileLoader.load(path: Peers.repositoryRoot.appendingPathComponent(plantFile).path)
        var sim = PlantSimulation(
            plant: plant, options: SimulationOptions(seed: seed, step: step, naturalDegradation: false))
        var faults = plant.assets.filter { !$0.failureModes.isEmpty }.enumerated().map { k, asset in
            (
                at: sim.elapsed + (8 + 2 * Double(k)) * 86_400, asset: asset.id, mode: asset.failureModes[0].id,
                ttf: Double(3 + k % 3) * 86_400
            )
        }
        var configuration = RuntimeConfiguration()
        configuration.stepInterval = step
        configuration.staleAfter = .infinity
        configuration.refitInterval = 0
        configuration.trainingSteps = Int(7 * 86_400 / step)
        var runtimes = Dictionary(
            uniqueKeysWithValues: plant.assets.map {
                ($0.id, AssetRuntime(asset: $0, site: plant.site.id, configuration: configuration, now: sim.time))
            })
        var replanner = Replanner(plant: plant, configuration: configuration.planning)
        var run = Run()
        var seenEvents = 0
        var awaiting: [(asset: String, mode: String, checks: Int)] = []
        var unconfirmed: [(asset: String, message: String, stepsLeft: Int)] = []
        var failedBefore: Set<String> = []
        var repairs: [(asset: String, action: MaintenanceAction, start: Double)] = []
        let end = sim.elapsed + days * 86_400
        while sim.elapsed < end {
            sim.advance(by: step)
            while let fault = faults.first, sim.elapsed >= fault.at {
                try sim.startFault(asset: fault.asset, mode: fault.mode, timeToFailure: fault.ttf)
                faults.removeFirst()
            }
            var output = RuntimeOutput()
            for (asset, group) in Dictionary(grouping: sim.readings(), by: \.asset).sorted(by: { $0.key < $1.key }) {
                runtimes[asset]?.ingest(group, into: &output)
                for request in output.refits where request.asset == asset {
                    runtimes[asset]?.adopt(refitted: try AssetRuntime.fit(request))
                }
                if let runtime = runtimes[asset] { replanner.observe(runtime) }
            }
            for row in output.batch.health {
                run.healthRows += 1
                if let p10 = row.rulP10, let median = row.rulMedian {
                    if !(p10 < median) || !(median < (row.rulP90 ?? .infinity)) {
                        run.problems.append("interval not around its median: \(row)")
                    }
                }
                if row.state == .healthy, row.rulMedian != nil {
                    run.problems.append("a healthy mode with a life: \(row)")
                }
            }
            // A failure alarm only where the simulator's truth has a failure, from the step before to a
            // day after: a noisy reading may cross the limit while the true value, which trips the
            // simulated machine, is still just below it. A healthy machine never gets one.
            let failedNow = Set(sim.events[seenEvents...].filter { $0.kind == .failure }.compactMap(\.asset))
            unconfirmed += output.alarmUpdates.filter {
                $0.alarm.kind == .failure && $0.transition?.cause == .conditionActivated
                    && !failedBefore.contains($0.alarm.asset)
            }.map { ($0.alarm.asset, $0.alarm.message, 144) }
            unconfirmed = unconfirmed.compactMap { asset, message, stepsLeft in
                if failedNow.contains(asset) { return nil }
                if stepsLeft == 0 {
                    run.problems.append("a failure alarm on a machine that did not fail: \(message)")
                    return nil
                }
                return (asset, message, stepsLeft - 1)
            }
            failedBefore = failedNow
            for update in output.alarmUpdates where update.alarm.kind == .rul && update.alarm.active {
                if runtimes[update.alarm.asset]?.latestOutlook.values.allSatisfy({ $0.state == .healthy }) == true {
                    run.rulAlarmsOnHealthyModes += 1
                }
            }
            // A failure the simulator's truth reports must show at this step, or the next at the latest.
            for event in sim.events[seenEvents...] where event.kind == .failure {
                guard let asset = event.asset, let mode = event.target else { continue }
                run.failures += 1
                awaiting.append((asset, mode, 0))
                let action = plant.actions.filter {
                    if case .resets(let ids) = $0.effect { ids.contains(mode) } else { false }
                }.min { $0.cost < $1.cost }
                if let action { repairs.append((asset, action, sim.elapsed + 4 * 3600)) }
            }
            seenEvents = sim.events.count
            var stillAwaiting: [(asset: String, mode: String, checks: Int)] = []
            for (asset, mode, checks) in awaiting {
                guard let runtime = runtimes[asset] else { continue }
                if runtime.latestOutlook[mode]?.state == .failed, runtime.summary(at: sim.time).status == .failure {
                    run.caughtWithinAStep += 1
                    let plan = replanner.replanIfNeeded(now: sim.time) ?? replanner.lastPlan
                    let corrective = plan?.proposals.first { $0.asset == asset && $0.failureMode == mode }
                    if corrective?.timing == .now { run.correctiveProposed += 1 }
                } else if checks == 0 {
                    stillAwaiting.append((asset, mode, 1))
                } else {
                    run.problems.append("\(asset) \(mode) failed but is \(runtime.summary(at: sim.time).status)")
                }
            }
            awaiting = stillAwaiting
            // The crew starts each repair four hours after the failure; it is reported done as it ends.
            for (k, repair) in repairs.enumerated().reversed() where sim.elapsed >= repair.start {
                try sim.apply(action: repair.action, to: repair.asset)
                let duration = Double(repair.action.duration.components.seconds)
                if case .resets(let modes) = repair.action.effect {
                    runtimes[repair.asset]?.renew(modes: modes, at: sim.time + duration, resetModel: true)
                    replanner.renewed(asset: repair.asset, action: repair.action.id, at: sim.time + duration)
                    run.restored +=
                        runtimes[repair.asset]?.planningHealth.allSatisfy { $0.failure == nil } == true ? 1 : 0
                }
                repairs.remove(at: k)
            }
            _ = replanner.replanIfNeeded(now: sim.time)
        }
        return run
    }

    @Test(
        "Failed on every output within a step, a corrective proposal, restored when reported",
        arguments: [("Plants/demo.yaml", UInt64(1)), ("Plants/second.yaml", UInt64(2))])
    func everyFailureRunsItsLifecycle(plant: String, seed: UInt64) throws {
        // 20 simulated days in `make test` (about 25 s each in a debug build, five faults);
        // PROGNOS_LIFECYCLE_DAYS=365 runs a simulated year (a fault every two days on the next asset).
        let days = ProcessInfo.processInfo.environment["PROGNOS_LIFECYCLE_DAYS"].flatMap(Double.init) ?? 20
        let run = try Self.simulate(plantFile: plant, seed: seed, days: days)
        print("lifecycle \(plant) seed \(seed), \(days) d: \(run.failures) failures, \(run.restored) restored")
        #expect(run.failures > 0, "no failure in the run: the test would prove nothing")
        #expect(run.problems.isEmpty, "\(run.problems.prefix(5))")
        #expect(run.caughtWithinAStep == run.failures)
        #expect(run.correctiveProposed == run.failures)
        #expect(run.restored > 0)
        #expect(run.rulAlarmsOnHealthyModes == 0)
        #expect(run.healthRows > 0)
    }
}
