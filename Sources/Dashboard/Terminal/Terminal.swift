import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the terminal tells the dashboard: keys, a new size, or that input ended (hang-up).
public enum TerminalEvent: Sendable, Equatable {
    case key(Key)
    case resize
    case inputClosed
}

/// The controlling terminal in raw mode on the alternate screen, through file descriptors only
/// (Swift 6 forbids the C `stdout` global; no curses). Restored by `restore()`, and by a signal
/// handler on SIGINT, SIGTERM, SIGHUP, SIGQUIT and on crash signals, which then re-raises the signal.
public final class Terminal: @unchecked Sendable {
    public let input: Int32
    public let output: Int32
    private let lock = NSLock()
    private var entered = false
    private var inputThread: Thread?
    private var wakePipe: [Int32] = [-1, -1]

    public init(input: Int32 = 0, output: Int32 = 1) {
        self.input = input
        self.output = output
    }

    /// Whether both descriptors are terminals.
    public var isTerminal: Bool { isatty(input) == 1 && isatty(output) == 1 }

    /// Columns and rows (80×24 when the size cannot be read).
    public func size() -> (width: Int, height: Int) {
        var size = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            return (Int(size.ws_col), Int(size.ws_row))
        }
        return (80, 24)
    }

    /// Raw mode (no echo, no line buffering, no signals from keys: Ctrl-C is read as a key), the
    /// alternate screen, cursor hidden, autowrap off; installs the restoring signal handlers.
    public func enter() throws {
        lock.lock()
        defer { lock.unlock() }
        guard !entered else { return }
        var original = termios()
        guard tcgetattr(input, &original) == 0 else { throw TerminalError("cannot read the terminal settings", errno) }
        var raw = original
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_oflag &= ~tcflag_t(OPOST)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(input, TCSAFLUSH, &raw) == 0 else { throw TerminalError("cannot set raw mode", errno) }
        TerminalRestore.install(input: input, output: output, original: original)
        writeAll(Array(TerminalRestore.enterSequence.utf8))
        entered = true
    }

    /// Leaves raw mode and the alternate screen, shows the cursor; idempotent.
    public func restore() {
        lock.lock()
        defer { lock.unlock() }
        stopInput()
        guard entered else { return }
        entered = false
        TerminalRestore.restoreNow()
        TerminalRestore.uninstall()
    }

    /// Writes every byte (retrying short writes and EINTR).
    public func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(output, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return
                }
                offset += n
            }
        }
    }

    /// Reads keys and resizes on a thread of its own (blocking reads stay off Swift's thread pool)
    /// and hands them to `handler`.
    public func startInput(_ handler: @escaping @Sendable (TerminalEvent) -> Void) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
        wakePipe = fds
        TerminalRestore.setWakeDescriptor(fds[1])
        let input = self.input
        let wakeRead = fds[0]
        let thread = Thread {
            var decoder = KeyDecoder()
            var buffer = [UInt8](repeating: 0, count: 256)
            loop: while true {
                var polls = [
                    pollfd(fd: input, events: Int16(POLLIN), revents: 0),
                    pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                ]
                let timeout: Int32 = decoder.hasPending ? 30 : -1
                let ready = poll(&polls, 2, timeout)
                if ready < 0 {
                    if errno == EINTR { continue }
                    handler(.inputClosed)
                    break
                }
                if ready == 0 {
                    for key in decoder.flush() { handler(.key(key)) }
                    continue
                }
                if polls[1].revents != 0 {
                    let n = read(wakeRead, &buffer, buffer.count)
                    if n > 0 {
                        for byte in buffer[0..<n] {
                            if byte == TerminalRestore.wakeStop { break loop }
                            if byte == TerminalRestore.wakeResize { handler(.resize) }
                        }
                    }
                }
                if polls[0].revents != 0 {
                    let n = read(input, &buffer, buffer.count)
                    if n <= 0 {
                        if n < 0, errno == EINTR || errno == EAGAIN { continue }
                        handler(.inputClosed)
                        break
                    }
                    for key in decoder.decode(Array(buffer[0..<n])) { handler(.key(key)) }
                }
            }
        }
        thread.name = "prognos.dashboard.input"
        inputThread = thread
        thread.start()
    }

    private func stopInput() {
        guard wakePipe[1] >= 0 else { return }
        TerminalRestore.setWakeDescriptor(-1)
        var stop = TerminalRestore.wakeStop
        _ = write(wakePipe[1], &stop, 1)
        // The thread closes nothing itself; give it a moment to leave its poll, then close.
        let deadline = Date().addingTimeInterval(0.5)
        while let thread = inputThread, !thread.isFinished, Date() < deadline { usleep(2_000) }
        close(wakePipe[0])
        close(wakePipe[1])
        wakePipe = [-1, -1]
        inputThread = nil
    }
}

public struct TerminalError: Error, CustomStringConvertible {
    public var message: String
    public var code: Int32
    init(_ message: String, _ code: Int32) {
        self.message = message
        self.code = code
    }
    public var description: String { "\(message): \(String(cString: strerror(code)))" }
}

/// State the signal handlers need, kept in plain C memory: a handler may only call
/// async-signal-safe functions (`tcsetattr`, `write`, `sigaction`, `raise`).
enum TerminalRestore {
    static let enterSequence = "\u{1B}[?1049h\u{1B}[?25l\u{1B}[?7l\u{1B}[0m\u{1B}[H\u{1B}[2J"
    static let leaveSequence = "\u{1B}[0m\u{1B}[?7h\u{1B}[?25h\u{1B}[?1049l"
    static let wakeResize: UInt8 = 1
    static let wakeStop: UInt8 = 2

    static let restoringSignals: [Int32] = [
        SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGABRT, SIGFPE, SIGTRAP,
    ]

    struct State {
        var active: Int32 = 0
        var input: Int32 = 0
        var output: Int32 = 1
        var wake: Int32 = -1
        var original = termios()
        var leave: (UnsafeMutablePointer<UInt8>?, Int) = (nil, 0)
        var previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    }

    nonisolated(unsafe) static let state: UnsafeMutablePointer<State> = {
        let pointer = UnsafeMutablePointer<State>.allocate(capacity: 1)
        pointer.initialize(to: State())
        let bytes = Array(leaveSequence.utf8)
        let leave = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        leave.initialize(from: bytes, count: bytes.count)
        pointer.pointee.leave = (leave, bytes.count)
        return pointer
    }()

    static func install(input: Int32, output: Int32, original: termios) {
        let s = state
        s.pointee.input = input
        s.pointee.output = output
        s.pointee.original = original
        s.pointee.active = 1
        for signal in restoringSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                TerminalRestore.restoreNow()
                // Put back whatever handled the signal before (default action, Swift's backtracer) and re-raise.
                let s = TerminalRestore.state
                sigaction(signal, s.pointee.previous + Int(signal), nil)
                raise(signal)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)
            sigaction(signal, &action, s.pointee.previous + Int(signal))
        }
        var winch = sigaction()
        winch.__sigaction_handler.sa_handler = { _ in
            let s = TerminalRestore.state
            if s.pointee.wake >= 0 {
                var byte = TerminalRestore.wakeResize
                _ = write(s.pointee.wake, &byte, 1)
            }
        }
        sigemptyset(&winch.sa_mask)
        winch.sa_flags = Int32(truncatingIfNeeded: SA_RESTART)
        sigaction(SIGWINCH, &winch, s.pointee.previous + Int(SIGWINCH))
    }

    static func uninstall() {
        let s = state
        for signal in restoringSignals + [SIGWINCH] { sigaction(signal, s.pointee.previous + Int(signal), nil) }
    }

    static func setWakeDescriptor(_ fd: Int32) { state.pointee.wake = fd }

    /// Async-signal-safe: puts the terminal settings back and leaves the alternate screen, once.
    static func restoreNow() {
        let s = state
        guard s.pointee.active == 1 else { return }
        s.pointee.active = 0
        _ = tcsetattr(s.pointee.input, TCSAFLUSH, &s.pointee.original)
        if let bytes = s.pointee.leave.0 { _ = write(s.pointee.output, bytes, s.pointee.leave.1) }
    }
}
