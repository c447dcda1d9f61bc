import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process for the demo and the tests (mosquitto, a pymodbus peer, the prognos binary).
///
/// Started with `posix_spawn`, an empty signal mask and default signal dispositions: a child
/// started by `Foundation.Process` from a test thread inherits a blocked mask and ignores
/// SIGTERM (docs/architecture.md, platform facts). Stopped on `stop()` or on deinit, whatever the test's outcome.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    public let executable: String
    public let arguments: [String]
    private let lock = NSLock()
    private var exitStatus: Int32?

    public struct SpawnError: Error, CustomStringConvertible {
        public var executable: String
        public var code: Int32
        public var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
    }

    /// Starts `executable` (a path, or a name looked up in PATH) with `arguments`.
    /// Its standard output and error go to `outputPath` when given, else to /dev/null.
    /// With `foreground`, the child shares this process's terminal, standard streams and process
    /// group (a terminal UI run in the foreground); `outputPath` is then ignored.
    public init(
        _ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
        outputPath: String? = nil, foreground: Bool = false
    ) throws {
        self.executable = executable
        self.arguments = arguments
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        if !foreground {
            let output = outputPath ?? "/dev/null"
            posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&fileActions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        // Own process group, so stop() also reaches anything the child starts.
        posix_spawnattr_setpgroup(&attributes, 0)
        let group = foreground ? 0 : POSIX_SPAWN_SETPGROUP
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | group))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { env?.forEach { free($0) } }

        var pid: pid_t = 0
        let code: Int32
        if let envp = env {
            code = envp.withUnsafeBufferPointer { e in
                posix_spawnp(
                    &pid, executable, &fileActions, &attributes, argv, UnsafeMutablePointer(mutating: e.baseAddress))
            }
        } else {
            code = posix_spawnp(&pid, executable, &fileActions, &attributes, argv, environ)
        }
        env = nil
        guard code == 0 else { throw SpawnError(executable: executable, code: code) }
        self.pid = pid
        self.ownGroup = !foreground
    }

    /// Whether the child leads a process group of its own (signals then reach its children too).
    private let ownGroup: Bool
    private var target: pid_t { ownGroup ? -pid : pid }

    deinit { stop() }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { reap(blocking: false) == nil }

    /// Sends `signal` to the child's process group.
    public func signal(_ signal: Int32) {
        if isRunning { kill(target, signal) }
    }

    /// Asks the child to stop with SIGTERM, then SIGKILL after `grace`; returns its exit status.
    @discardableResult
    public func stop(grace: Double = 3) -> Int32 {
        if let status = reap(blocking: false) { return status }
        kill(target, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if let status = reap(blocking: false) { return status }
            usleep(10_000)
        }
        kill(target, SIGKILL)
        return reap(blocking: true) ?? -1
    }

    /// Waits for the child to exit by itself, at most `timeout` seconds; nil if it is still running.
    public func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let status = reap(blocking: false) { return status }
            usleep(10_000)
        } while Date() < deadline
        return nil
    }

    /// The exit code (or 128 + signal) once the child has exited.
    private func reap(blocking: Bool) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
        guard result == pid else { return result == -1 ? (exitStatus ?? -1) : nil }
        let low = status & 0x7f
        exitStatus = low == 0 ? (status >> 8) & 0xff : 128 + low
        return exitStatus
    }
}

extension ChildProcess {
    /// Command lines of the running processes that mention `text` (a test's folder, a plant file):
    /// what a test started and should have stopped.
    public static func running(mentioning text: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid -> String? in
            guard Int(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
                return nil
            }
            let command = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return command.contains(text) ? command : nil
        }
    }
}
