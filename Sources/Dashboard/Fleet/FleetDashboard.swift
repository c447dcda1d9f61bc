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
    private var encoder: FrameEncoder
    private var previous: Canvas?

    public init(
        source: any FleetOverviewSource, model: FleetDashboardModel, terminal: Terminal = Terminal(), refresh: Double = 2,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.source = source
        self.model = model
        self.terminal = terminal
        self.refresh = refresh
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
        let interval = refresh
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
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
            case .tick: await reload()
            case .terminal(.resize): previous = nil
            case .terminal(.inputClosed): break loop
            case .terminal(.key(let key)):
                switch model.handle(key) {
                case .quit: break loop
                case .refresh:
                    if key == .control("l") { previous = nil }
                    await reload()
                case .none, .command: break
                }
            }
            draw()
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

    private func draw() {
        let size = terminal.size()
        let frame = model.render(width: size.width, height: size.height)
        let bytes = encoder.encode(from: previous, to: frame)
        previous = frame
        guard !bytes.isEmpty else { return }
        terminal.writeAll(Array("\u{1B}[?2026h".utf8) + bytes + Array("\u{1B}[?2026l".utf8))
    }
}
