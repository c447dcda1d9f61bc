import Foundation
import PrognosCore
import Store
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A tmux server of the test's own (its own socket), to run the real binary in a real terminal and
/// read the pane the way a person sees it.
final class Tmux {
    let socket = "prognos-dash-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let session = "dash"
    let directory: String

    init(directory: String) { self.directory = directory }

    @discardableResult
    func run(_ arguments: [String], timeout: Double = 10) throws -> String {
        let log = directory + "/tmux-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let child = try ChildProcess(
            Executable.path(named: "tmux"), ["-L", socket] + arguments,
            environment: [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "TERM": "xterm-256color",
                "LANG": "C.UTF-8", "HOME": directory,
            ],
            outputPath: log)
        _ = child.wait(timeout: timeout) ?? child.stop()
        return (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    }

    func start(_ command: String, width: Int = 80, height: Int = 24) throws {
        try run(["new-session", "-d", "-s", session, "-x", String(width), "-y", String(height), command])
        try run(["set-option", "-t", session, "remain-on-exit", "on"])
    }

    func send(_ keys: String...) throws { try run(["send-keys", "-t", session] + keys) }

    func capture() throws -> String { try run(["capture-pane", "-p", "-t", session]) }

    /// Captures until `predicate` holds or `timeout` passes; returns the last capture.
    func wait(timeout: Double = 15, _ what: String, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        repeat {
            screen = try capture()
            if predicate(screen) { return screen }
            usleep(150_000)
        } while Date() < deadline
        Issue.record("timed out waiting for \(what); the pane shows:\n\(screen)")
        return screen
    }

    /// Pid of the process the pane runs (the shell), and of that shell's child (the dashboard).
    func panePID() throws -> pid_t? {
        pid_t(
            try run(["list-panes", "-t", session, "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func kill() { _ = try? run(["kill-server"]) }
}

func childPID(of parent: pid_t) -> pid_t? {
    guard let text = try? String(contentsOfFile: "/proc/\(parent)/task/\(parent)/children", encoding: .utf8) else {
        return nil
    }
    return text.split(separator: " ").first.flatMap { pid_t(String($0)) }
}

func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("prognos-dash-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

@Suite("prognos dashboard in tmux", .serialized)
struct TmuxTests {
    /// The terminal settings the shell finds after the dashboard ends: raw mode undone.
    func expectRestored(_ sttyPath: String, _ how: String) {
        let stty = (try? String(contentsOfFile: sttyPath, encoding: .utf8)) ?? ""
        let flags = Set(stty.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        #expect(
            ["icanon", "echo", "isig", "icrnl", "opost"].allSatisfy(flags.contains),
            "terminal restored after \(how): \(stty)")
    }

    @Test(
        "Navigate, open an asset, acknowledge an alarm; the acknowledgement reaches the store", .timeLimit(.minutes(3)))
    func keyboardSession() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let db = directory + "/prognos.db"
        let now = Date().timeIntervalSince1970
        do {
            let store = try Store.open(path: db)
            try await Fixture.fill(store, now: now)
        }
        let plant = Peers.repositoryRoot.appendingPathComponent("Plants/demo.yaml").path
        let layout = Peers.repositoryRoot.appendingPathComponent("Dashboards/operator.yaml").path
        let tmux = Tmux(directory: directory)
        defer { tmux.kill() }
        let command = [
            PrognosBinary.path, "dashboard", "--db", db, "--plant", plant, "--layout", layout, "--by", "tmux-operator",
        ].map(shellQuote)
            .joined(separator: " ")
        try tmux.start("\(command); stty -a > \(shellQuote(directory + "/stty.txt"))")

        var screen = try tmux.wait("the plant view") { $0.contains("STATUS") && $0.contains("pump-101") }
        #expect(screen.contains("Raw-water intake › Intake pumping station"))
        #expect(screen.contains("1 Plant"))
        #expect(screen.contains("undelivered 1"))
        // The riskiest asset of the intake line comes first.
        let lines = screen.split(separator: "\n")
        let firstPump = lines.first { $0.contains("pump-10") }
        #expect(firstPump?.contains("pump-101") == true && firstPump?.contains("off-spec") == true, "\(screen)")

        // Alarms: oldest unacknowledged first; acknowledge it.
        try tmux.send("2")
        screen = try tmux.wait("the alarms view") { $0.contains("unacknowledged") && $0.contains("PRI") }
        let store = try Store.openReadOnly(path: db)
        let first = try #require(try await store.activeAlarms().first)
        #expect(first.state == .unacknowledged)
        try tmux.send("a")
        screen = try tmux.wait("the acknowledgement") { $0.contains("\(first.id): acknowledged (by tmux-operator)") }
        let stored = try await store.alarm(id: first.id)
        #expect(stored?.state == .acknowledged)
        #expect(stored?.acknowledgedBy == "tmux-operator")
        #expect(try await store.alarmHistory(alarmID: first.id).last?.actor == "tmux-operator")
        #expect(
            try await store.status().outbox.alerts == 2,
            "the acknowledgement's alert is in the outbox, as with prognos alarms")

        // Plant, down one asset, open it.
        try tmux.send("1")
        _ = try tmux.wait("the plant view again") { $0.contains("STATUS") }
        try tmux.send("Home")
        try tmux.send("Enter")
        screen = try tmux.wait("the asset view") { $0.contains("SENSOR") && $0.contains("FORECAST 90%") }
        #expect(screen.contains("vibration_de"))
        try tmux.send("?")
        _ = try tmux.wait("the key list") { $0.contains("acknowledge the alarm") }
        try tmux.send("x")
        try tmux.send("q")
        _ = try tmux.wait("the shell after q") { _ in FileManager.default.fileExists(atPath: directory + "/stty.txt") }
        usleep(200_000)
        expectRestored(directory + "/stty.txt", "q")
    }

    @Test(
        "The terminal is restored on SIGTERM and on a crash signal", .timeLimit(.minutes(3)),
        arguments: [SIGTERM, SIGSEGV])
    func restoredOnSignal(_ signal: Int32) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let db = directory + "/prognos.db"
        do {
            let store = try Store.open(path: db)
            try await Fixture.fill(store, now: Date().timeIntervalSince1970)
        }
        let tmux = Tmux(directory: directory)
        defer { tmux.kill() }
        let command = [PrognosBinary.path, "dashboard", "--db", db].map(shellQuote).joined(separator: " ")
        // SWIFT_BACKTRACE off: the crash report would wait for the backtracer.
        try tmux.start("SWIFT_BACKTRACE=enable=no \(command); stty -a > \(shellQuote(directory + "/stty.txt"))")
        _ = try tmux.wait("the plant view") { $0.contains("STATUS") }
        let shell = try #require(try tmux.panePID())
        let dashboard = try #require(childPID(of: shell))
        kill(dashboard, signal)
        _ = try tmux.wait("the shell after the signal") { _ in
            FileManager.default.fileExists(atPath: directory + "/stty.txt")
        }
        usleep(200_000)
        expectRestored(directory + "/stty.txt", "signal \(signal)")
    }
}
