import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A network namespace of a test's own (`ip netns`, needs root), with its loopback up.
///
/// Network faults (iptables DROP, REJECT) are applied inside it and never touch the machine's
/// loopback, where other tests and engineers run. Processes join it by starting through
/// `ip netns exec` (`spawn`), which replaces itself with the program: the `ChildProcess`'s pid is
/// the program's, so SIGSTOP and SIGKILL reach it directly. The namespace, and the rules in it,
/// go away on `remove()` or deinit.
public final class NetworkNamespace: @unchecked Sendable {
    public let name: String
    private let lock = NSLock()
    private var removed = false

    public struct CommandError: Error, CustomStringConvertible {
        public var command: [String]
        public var status: Int32
        public var output: String
        public var description: String { "\(command.joined(separator: " ")) exited \(status): \(output)" }
    }

    /// Makes `prognos-<tag>-<random>` and brings its loopback up.
    public init(tag: String = "fault") throws {
        name = "prognos-\(tag)-\(UInt32.random(in: 0...UInt32.max) % 1_000_000)"
        try Self.run(["ip", "netns", "add", name])
        do {
            try run(["ip", "link", "set", "lo", "up"])
        } catch {
            remove()
            throw error
        }
    }

    deinit { remove() }

    /// Deletes the namespace (processes still inside keep it alive until they exit: stop them first).
    public func remove() {
        let first = lock.withLock { () -> Bool in
            defer { removed = true }
            return !removed
        }
        if first { _ = try? Self.run(["ip", "netns", "delete", name]) }
    }

    /// Starts `executable` inside the namespace (see `ChildProcess` for output and stopping).
    public func spawn(
        _ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
        outputPath: String? = nil
    ) throws -> ChildProcess {
        try ChildProcess(
            Executable.path(named: "ip"), ["netns", "exec", name, executable] + arguments, environment: environment,
            outputPath: outputPath)
    }

    /// Runs a command inside the namespace to completion (iptables, a probe); throws if it fails.
    @discardableResult
    public func run(_ command: [String]) throws -> String {
        try Self.run(["ip", "netns", "exec", name] + command)
    }

    /// Appends an iptables rule to the namespace's INPUT chain, e.g. `["-p", "tcp", "--dport", "502", "-j", "DROP"]`.
    public func addRule(_ rule: [String]) throws { try run(["iptables", "-A", "INPUT"] + rule) }

    /// Deletes a rule added with `addRule`.
    public func deleteRule(_ rule: [String]) throws { try run(["iptables", "-D", "INPUT"] + rule) }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` inside the namespace.
    public func isListening(port: Int) -> Bool {
        (try? run(["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/\(port)"])) != nil
    }

    /// Waits until 127.0.0.1:`port` accepts connections inside the namespace; false after `timeout` seconds.
    public func waitUntilListening(port: Int, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if isListening(port: port) { return true }
            usleep(50_000)
        }
        return false
    }

    /// Runs a program (looked up in PATH and the sbin folders) to completion; its output if it exits 0.
    @discardableResult
    static func run(_ command: [String]) throws -> String {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("netns-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let child = try ChildProcess(Executable.path(named: command[0]), Array(command.dropFirst()), outputPath: log)
        let status = child.wait(timeout: 30) ?? child.stop()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard status == 0 else { throw CommandError(command: command, status: status, output: output) }
        return output
    }
}
