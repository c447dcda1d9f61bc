import Foundation
import PrognosCore
import TestSupport

@testable import Store

/// A temporary folder removed when the value goes away.
final class TemporaryFolder: Sendable {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("prognos-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
}

/// The Python the peer scripts run with: the test venv's, else the system's.
var python: String {
    FileManager.default.isExecutableFile(atPath: Peers.python) ? Peers.python : Executable.path(named: "python3")
}

/// Readings of one sensor every `step` seconds from `start`, values 0, 1, 2…
func ramp(
    asset: String = "pump-1", sensor: String = "temp", start: Double = 1_700_000_000, step: Double = 1, count: Int
)
    -> [Reading]
{
    (0..<count).map { i in
        Reading(asset: asset, sensor: sensor, value: Double(i), timestamp: start + Double(i) * step, quality: .good)
    }
}

/// An alarm point whose condition became active at `time` (unacknowledged).
func raisedAlarm(
    id: String = "pump-1/limit/temp/high", asset: String = "pump-1", at time: Double = 1_000
)
    -> (AlarmRecord, AlarmTransition)
{
    var machine = AlarmStateMachine()
    let transition = machine.update(conditionActive: true, at: time)!
    let alarm = AlarmRecord(
        id: id, asset: asset, kind: .limit, sensors: ["temp"], priority: .high, machine: machine,
        message: "temp above 80 °C", value: 85, threshold: 80, raisedAt: time, updatedAt: time)
    return (alarm, transition)
}

func alert(_ text: String, at time: Double = 1_000) -> OutboxMessage {
    .alert(topic: "prognos/site/pump-1/alarm", payload: text, createdAt: time)
}

func telemetry(_ text: String, topic: String = "prognos/site/pump-1/telemetry", retain: Bool = false) -> OutboxMessage {
    OutboxMessage(kind: .telemetry, topic: topic, payload: text, qos: 0, retain: retain, createdAt: 1_000)
}

/// Polls `condition` every 10 ms for at most `timeout` seconds.
func eventually(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}
