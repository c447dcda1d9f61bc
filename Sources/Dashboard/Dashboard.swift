import Foundation
import PrognosCore
import Store

/// An operator command on an alarm: (command, alarm id, actor) → the alarm's new state.
/// The `prognos` executable passes `Daemon.OperatorCommands(store:).apply`, the path `prognos alarms` takes.
public typealias AlarmCommandHandler = @Sendable (AlarmCommand, String, String) async throws -> AlarmRecord

/// The interactive dashboard on a terminal: reads the store every `layout.refresh` seconds (and
/// when a key needs fresh data), redraws only the cells that changed, and runs alarm commands
/// through `command`. Restores the terminal however it ends.
public final class Dashboard {
    public let source: DataSource
    public let model: DashboardModel
    public let terminal: Terminal
    private let command: AlarmCommandHandler?
    private let clock: @Sendable () -> Double
    private var encoder: FrameEncoder
    private var previous: Canvas?

    public init(
        source: DataSource, model: DashboardModel, terminal: Terminal = Terminal(), command: AlarmCommandHandler?,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.source = source
        self.model = model
        self.terminal = terminal
        self.command = command
        self.clock = clock
        encoder = FrameEncoder(colors: model.options.colors, asciiOnly: !model.options.unicode)
    }

    private enum Event: Sendable {
        case terminal(TerminalEvent)
        case tick
    }

    /// Runs until `q`, Ctrl-C, a hang-up or a terminating signal.
    public func run() async throws {
        try terminal.enter()
        defer { terminal.restore() }
        let (events, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(512))
        terminal.startInput { continuation.yield(.terminal($0)) }
        let refresh = model.layout.refresh
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
        draw()
        loop: for await event in events {
            switch event {
            case .tick:
                await reload()
            case .terminal(.resize):
                previous = nil
            case .terminal(.inputClosed):
                break loop
            case .terminal(.key(let key)):
                switch model.handle(key) {
                case .quit: break loop
                case .none: break
                case .refresh:
                    if key == .control("l") { previous = nil }
                    await reload()
                case .command(let alarmCommand, let id):
                    await perform(alarmCommand, on: id)
                    await reload()
                }
            }
            draw()
        }
    }

    private func reload() async {
        model.snapshot = await source.refresh(now: clock(), openAsset: model.detailAsset)
    }

    private func perform(_ alarmCommand: AlarmCommand, on id: String) async {
        guard let command else {
            model.commandFinished(alarmCommand, alarmID: id, result: .failure(ReadOnlyError()))
            return
        }
        do {
            let alarm = try await command(alarmCommand, id, model.options.actor)
            model.commandFinished(alarmCommand, alarmID: id, result: .success(alarm))
        } catch {
            model.commandFinished(alarmCommand, alarmID: id, result: .failure(error))
        }
    }

    /// Renders the frame and writes what changed, inside a synchronized update (terminals that
    /// support mode 2026 show it at once; others ignore it).
    private func draw() {
        let size = terminal.size()
        let frame = model.render(width: size.width, height: size.height)
        let bytes = encoder.encode(from: previous, to: frame)
        previous = frame
        guard !bytes.isEmpty else { return }
        terminal.writeAll(Array("\u{1B}[?2026h".utf8) + bytes + Array("\u{1B}[?2026l".utf8))
    }
}

struct ReadOnlyError: Error, CustomStringConvertible {
    var description: String { "the dashboard runs read-only (--read-only)" }
}
