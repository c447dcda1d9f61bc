import Foundation

/// A simulation and a daemon taking turns on one plant clock, so that what the daemon sees and
/// decides depends on the simulation's data alone and never on how fast either process happens to
/// run (the demo's report and its test on a loaded machine).
///
/// Two small files in one folder carry the turns: the simulator serves the plant as it is at plant
/// time T (registers updated, MQTT messages stamped T and acknowledged by the broker), then writes T
/// to `clock` and waits; the daemon sees T, polls every device once, waits for the MQTT messages of
/// T, steps its models and plans at T, then writes T to `ack`; the simulator moves on.
public struct Lockstep: Sendable {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    private var clockPath: String { folder + "/clock" }
    private var ackPath: String { folder + "/ack" }

    /// The simulator: the plant is served as it is at `time`.
    public func publishClock(_ time: Double) throws { try write(time, to: clockPath) }

    /// The daemon: everything up to `time` is ingested and decided.
    public func acknowledge(_ time: Double) throws { try write(time, to: ackPath) }

    public var clock: Double? { read(clockPath) }
    public var acknowledged: Double? { read(ackPath) }

    /// Waits for a clock later than `time`; nil when the task is cancelled or `stopped()` says so.
    public func nextClock(after time: Double, stopped: () -> Bool = { false }) async -> Double? {
        await poll(stopped: stopped) { clock.flatMap { $0 > time ? $0 : nil } }
    }

    /// Waits until the daemon acknowledged `time`; false when the task is cancelled.
    public func waitForAcknowledgement(of time: Double) async -> Bool {
        await poll { acknowledged.flatMap { $0 >= time ? true : nil } } ?? false
    }

    /// Removes the turn files of an earlier run.
    public func reset() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for path in [clockPath, ackPath] { try? FileManager.default.removeItem(atPath: path) }
    }

    private func poll<T>(stopped: () -> Bool = { false }, _ check: () -> T?) async -> T? {
        while !Task.isCancelled, !stopped() {
            if let value = check() { return value }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }

    /// Written whole (a temporary file renamed over the old one), so a reader never sees half a number.
    private func write(_ time: Double, to path: String) throws {
        let temporary = path + ".new"
        try String(time).write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    private func read(_ path: String) -> Double? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Double($0) }
    }
}
