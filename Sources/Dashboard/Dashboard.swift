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
    private let screen: ScreenLoop

    public init(
        source: DataSource, model: DashboardModel, terminal: Terminal = Terminal(), command: AlarmCommandHandler?,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.source = source
        self.model = model
        self.terminal = terminal
        self.command = command
        self.clock = clock
        screen = ScreenLoop(terminal: terminal, colors: model.options.colors, unicode: model.options.unicode)
    }

    /// Runs until `q`, Ctrl-C, a hang-up or a terminating signal.
    public func run() async throws {
        try await screen.run(refresh: model.layout.refresh, reload: reload, render: model.render) { key in
            switch model.handle(key) {
            case .quit: return .quit
            case .none: return .redraw
            case .refresh:
                await reload()
                return key == .control("l") ? .repaint : .redraw
            case .command(let alarmCommand, let id):
                await perform(alarmCommand, on: id)
                await reload()
                return .redraw
            }
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
}

struct ReadOnlyError: Error, CustomStringConvertible {
    var description: String { "the dashboard runs read-only (--read-only)" }
}
