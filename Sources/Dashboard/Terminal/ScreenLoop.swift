/// What the plant and the fleet dashboards share: the terminal in raw mode until the loop ends
/// (however it ends), a refresh tick, key and resize events, and frames written as the cells that
/// changed since the last one.
final class ScreenLoop {
    /// What a key asks of the loop once the dashboard has handled it.
    enum KeyResult {
        case quit
        case redraw
        /// Redraw every cell (Ctrl-L, after something else wrote to the terminal).
        case repaint
    }

    let terminal: Terminal
    private var encoder: FrameEncoder
    private var previous: Canvas?

    init(terminal: Terminal, colors: Bool, unicode: Bool) {
        self.terminal = terminal
        encoder = FrameEncoder(colors: colors, asciiOnly: !unicode)
    }

    private enum Event: Sendable {
        case terminal(TerminalEvent)
        case tick
    }

    /// Reloads and draws at once, then on every tick (each `refresh` seconds) and key, until a key
    /// says quit or the input closes (a hang-up or a terminating signal).
    func run(
        refresh: Double, reload: () async -> Void, render: (_ width: Int, _ height: Int) -> Canvas,
        key: (Key) async -> KeyResult
    ) async throws {
        try terminal.enter()
        defer { terminal.restore() }
        let (events, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(512))
        terminal.startInput { continuation.yield(.terminal($0)) }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(refresh * 1000)))
                continuation.yield(.tick)
            }
        }
        defer {
            ticker.cancel()
            continuation.finish()
        }
        await reload()
        draw(render)
        loop: for await event in events {
            switch event {
            case .tick: await reload()
            case .terminal(.resize): previous = nil
            case .terminal(.inputClosed): break loop
            case .terminal(.key(let pressed)):
                switch await key(pressed) {
                case .quit: break loop
                case .redraw: break
                case .repaint: previous = nil
                }
            }
            draw(render)
        }
    }

    /// Renders the frame and writes what changed, inside a synchronized update (terminals that
    /// support mode 2026 show it at once; others ignore it).
    private func draw(_ render: (Int, Int) -> Canvas) {
        let size = terminal.size()
        let frame = render(size.width, size.height)
        let bytes = encoder.encode(from: previous, to: frame)
        previous = frame
        guard !bytes.isEmpty else { return }
        terminal.writeAll(Array("\u{1B}[?2026h".utf8) + bytes + Array("\u{1B}[?2026l".utf8))
    }
}
