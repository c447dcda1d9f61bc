import Foundation
import PlantFile
import PrognosCore
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A Modbus device that goes dark, resets, hangs, slows down or answers nonsense, while the daemon
/// polls the whole demo plant. Everything runs in a network namespace of the test's own; the faulted
/// device (plc-treatment: 1 s period, 300 ms timeout) is reached through a fault proxy
/// (Peers/modbus_fault_proxy.py) and iptables rules apply to the proxy's port inside the namespace.
///
/// Counted from the readings the daemon stored: the device is marked bad within one period plus its
/// timeout, it reads good again soon after the fault ends, and every other device keeps its period
/// within 10 %.
@Suite(
    "Fault injection: Modbus devices", .serialized, .enabled(if: FaultSuite.isRoot && FaultSuite.installed("iptables")))
struct ModbusFaultTests {
    static let faultedDevice = "plc-treatment"

    /// One fault: how to start and end it, and whether the device should read bad meanwhile.
    struct Fault: Sendable {
        var name: String
        var readsBad = true
        var inject: @Sendable (Context) throws -> Void
        var clear: @Sendable (Context) throws -> Void
    }

    struct Context: Sendable {
        var plant: FaultPlant
        var proxy: ChildProcess
        var proxyPort: Int
        var modeFile: String
        var timeout: Double
        func mode(_ text: String) throws { try text.write(toFile: modeFile, atomically: true, encoding: .utf8) }
    }

    static let drop = Fault(
        name: "iptables DROP", inject: { try $0.plant.namespace.addRule(rule($0, "DROP")) },
        clear: { try $0.plant.namespace.deleteRule(rule($0, "DROP")) })
    static let reset = Fault(
        name: "iptables REJECT tcp-reset",
        inject: { try $0.plant.namespace.addRule(rule($0, "REJECT", "--reject-with", "tcp-reset")) },
        clear: { try $0.plant.namespace.deleteRule(rule($0, "REJECT", "--reject-with", "tcp-reset")) })
    static let frozen = Fault(
        name: "SIGSTOP/SIGCONT", inject: { $0.proxy.signal(SIGSTOP) }, clear: { $0.proxy.signal(SIGCONT) })
    static let slow = Fault(
        name: "slowed to 0.9× timeout", readsBad: false,
        inject: { try $0.mode("delay \($0.timeout * 0.9)") }, clear: { try $0.mode("pass") })
    static let garbage = Fault(
        name: "garbage replies", inject: { try $0.mode("garbage") }, clear: { try $0.mode("pass") })
    static func exception(_ code: Int) -> Fault {
        Fault(name: "exception \(code)", inject: { try $0.mode("exception \(code)") }, clear: { try $0.mode("pass") })
    }

    static func rule(_ context: Context, _ target: String, _ more: String...) -> [String] {
        ["-p", "tcp", "--dport", "\(context.proxyPort)", "-j", target] + more
    }

    @Test(
        "A dropped or reset device is marked bad within a period plus its timeout; the others keep their period",
        .timeLimit(.minutes(3)))
    func droppedAndReset() async throws {
        try await run([Self.drop, Self.reset], hold: 3.5)
    }

    @Test(
        "Every device fault: drop, reset, freeze, slow, garbage and every exception code",
        .enabled(if: FaultSuite.long), .timeLimit(.minutes(8)))
    func everyFault() async throws {
        try await run(
            [Self.drop, Self.reset, Self.frozen, Self.slow, Self.garbage]
                + [1, 2, 3, 4, 5, 6, 8, 10, 11].map(Self.exception),
            hold: 4)
    }

    struct Window {
        var fault: Fault
        var injected: Double
        var cleared: Double
        var end: Double
    }

    func run(_ faults: [Fault], hold: Double) async throws {
        let plant = try FaultPlant(tag: "modbus")
        let loaded = try PlantFileLoader.load(path: plant.harness.plantPath)
        let device = try #require(loaded.device(Self.faultedDevice))
        let period = Self.seconds(device.pollInterval)
        let timeout = Self.seconds(device.timeout)
        let devicePort = try #require(plant.harness.devicePorts[Self.faultedDevice])
        let proxyPort = Loopback.freePort()
        let modeFile = plant.harness.path("proxy-mode")
        try "pass".write(toFile: modeFile, atomically: true, encoding: .utf8)

        try plant.startBroker()
        try plant.startSimulator()
        let proxy = try plant.spawn(
            Peers.python, [FaultSuite.peers + "/modbus_fault_proxy.py", "\(proxyPort)", "\(devicePort)", modeFile],
            log: "proxy.log")
        #expect(
            plant.namespace.waitUntilListening(port: proxyPort),
            "the proxy did not start: \(plant.harness.read("proxy.log"))")
        try plant.startDaemon(
            plant: try plant.plant(moving: Self.faultedDevice, to: proxyPort), arguments: ["--stale-after", "3"])
        let context = Context(plant: plant, proxy: proxy, proxyPort: proxyPort, modeFile: modeFile, timeout: timeout)

        // One signal per device tells its poll times (a reading is stamped when its poll ends).
        let watched = Self.watchedSignals(loaded)
        let faulted = try #require(watched[Self.faultedDevice])
        let started = FaultSuite.now
        let reading = plant.wait(60) {
            try plant.readings(asset: faulted.asset, sensor: faulted.sensor, from: started, to: FaultSuite.now + 1)
                .filter { $0.quality == "good" }.count >= 3
        }
        try #require(
            reading, "the daemon never read \(Self.faultedDevice):\n\(plant.harness.read("run.log").suffix(3000))")

        var windows: [Window] = []
        for fault in faults {
            let injected = FaultSuite.now
            try fault.inject(context)
            try await Task.sleep(for: .seconds(hold))
            let cleared = FaultSuite.now
            try fault.clear(context)
            try await Task.sleep(for: .seconds(3))
            windows.append(Window(fault: fault, injected: injected, cleared: cleared, end: FaultSuite.now))
        }
        // The batch writer flushes every 2 s (`BatchWriter.Configuration.flushInterval`): two flushes.
        try await Task.sleep(for: .seconds(4))

        for window in windows {
            let rows = try plant.readings(
                asset: faulted.asset, sensor: faulted.sensor, from: window.injected, to: window.end)
            let during = rows.filter { $0.time < window.cleared }
            let name = window.fault.name
            if window.fault.readsBad {
                let firstBad = try #require(during.first { $0.quality != "good" }, "\(name): the device never read bad")
                let detection = firstBad.time - window.injected
                #expect(detection <= period + timeout, "\(name): marked bad after \(detection) s")
                let firstGood = try #require(
                    rows.first { $0.time > window.cleared && $0.quality == "good" }, "\(name): never read good again")
                let recovery = firstGood.time - window.cleared
                #expect(recovery <= period + timeout, "\(name): read good again after \(recovery) s")
                let qualities = Set(during.map(\.quality)).subtracting(["good"]).sorted().joined(separator: ", ")
                FaultSuite.report(
                    scenario: "Modbus device: \(name)",
                    injected: "\(FaultSuite.seconds(window.cleared - window.injected)) on \(Self.faultedDevice)",
                    lost: "0 polls of other devices; marked \(qualities) after \(FaultSuite.seconds(detection))",
                    recovery: FaultSuite.seconds(recovery))
            } else {
                let bad = during.filter { $0.quality != "good" }.count
                #expect(bad == 0, "\(name): \(bad) of \(during.count) readings bad while answering within the timeout")
                #expect(during.count >= Int(hold / period) - 1, "\(name): only \(during.count) polls in \(hold) s")
                FaultSuite.report(
                    scenario: "Modbus device: \(name)",
                    injected: "\(FaultSuite.seconds(window.cleared - window.injected)) on \(Self.faultedDevice)",
                    lost: "\(bad) of \(during.count) polls bad", recovery: "— (never lost)")
            }
        }

        // Every other device kept its period within 10 % while all of this happened.
        let from = windows.first?.injected ?? started
        let to = windows.last?.end ?? FaultSuite.now
        var worst: (device: String, deviation: Double) = ("", 0)
        for (id, signal) in watched where id != Self.faultedDevice {
            let other = try #require(loaded.device(id))
            let otherPeriod = Self.seconds(other.pollInterval)
            let times = try plant.readings(asset: signal.asset, sensor: signal.sensor, from: from, to: to).map(\.time)
            #expect(times.count >= Int((to - from) / otherPeriod) - 2, "\(id): \(times.count) polls in \(to - from) s")
            let late = zip(times, times.dropFirst()).map { abs($1 - $0 - otherPeriod) / otherPeriod }
            let deviation = late.max() ?? 0
            if deviation > worst.deviation { worst = (id, deviation) }
            #expect(
                deviation <= 0.1,
                "\(id): a poll interval was off its \(otherPeriod) s period by \(Int(deviation * 100)) %")
        }
        FaultSuite.report(
            scenario: "Modbus: other devices during all of the above",
            injected: "\(windows.count) faults on \(Self.faultedDevice)",
            lost: "0 polls; worst interval \(Int((worst.deviation * 100).rounded())) % off period (\(worst.device))",
            recovery: "—")
    }

    /// The first Modbus signal of each device.
    static func watchedSignals(_ plant: Plant) -> [String: SignalRef] {
        var watched: [String: SignalRef] = [:]
        for asset in plant.assets {
            for signal in asset.signals {
                if case .modbus(let point) = signal.source, watched[point.device] == nil {
                    watched[point.device] = SignalRef(asset: asset.id, sensor: signal.id)
                }
            }
        }
        return watched
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
