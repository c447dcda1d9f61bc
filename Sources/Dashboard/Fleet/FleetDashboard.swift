import Foundation
import PrognosCore

/// The fleet dashboard on a terminal: reads the fleet database every `refresh` seconds (and on
/// `r`), redraws only the cells that changed, and restores the terminal however it ends. Read-only:
/// alarms are acknowledged at the plant, where the operators are.
public final class FleetDashboard {
    public let source: any FleetOverviewSource
    public let model: FleetDashboardModel
    public let terminal: Terminal
    private let refresh: Double
    private let clock: @Sendable () -> Double
    private let screen: ScreenLoop

    public init(
        source: any FleetOverviewSource, model: FleetDashboardModel, terminal: Terminal = Terminal(),
        refresh: Double = 2,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.source = source
        self.model = model
        self.terminal = terminal
        self.refresh = refresh
        self.clock = clock
        screen = ScreenLoop(terminal: terminal, colors: model.options.colors, unicode: model.options.unicode)
    }

    /// Runs until `q`, Ctrl-C, a hang-up or a terminating signal.
    public func run() async throws {
        try await screen.run(refresh: refresh, reload: reload, render: model.render) { key in
            switch model.handle(key) {
            case .quit: return .quit
            case .none, .command: return .redraw
            case .refresh:
                await reload()
                return key == .control("l") ? .repaint : .redraw
            }
        }
    }

    /// Reads the overview; on failure keeps the last one and shows why.
    public func reload() async {
        await Self.load(source, into: model, now: clock())
    }

    /// One read of `source` into `model` (also what `prognos dashboard --fleet --print` does).
    public static func load(_ source: any FleetOverviewSource, into model: FleetDashboardModel, now: Double) async {
        do {
            model.overview = try await source.overview(worstAssets: model.worstAssets, limit: 500)
            model.error = nil
        } catch {
            model.error = "\(error)"
        }
        model.now = now
    }
}
