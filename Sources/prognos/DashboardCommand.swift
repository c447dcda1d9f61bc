import ArgumentParser
import Daemon
import Dashboard
import Fleet
import Foundation
import Logging
import PlantFile
import PrognosCore
import Store

/// `prognos dashboard --db FILE [--layout Dashboards/operator.yaml] [--plant PLANT.yaml]`, or
/// `prognos dashboard --fleet postgres://…` for every plant the fleet service stores.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "The operator's terminal dashboard: plant, asset, alarms and plan, from the daemon's database.",
        discussion: """
            Reads the database read-only while the daemon writes it (WAL); acknowledgements and shelves go
            through the same path as 'prognos alarms'. The plant hierarchy comes from the plant file the
            daemon runs (its status row names it) or --plant.

            Keys: 1-4 or Tab switch view, arrows or j/k move, Enter opens an asset, Esc goes back, / filters,
            o sorts, g groups, a acknowledges, s shelves, u unshelves, r reloads, ? lists keys, q quits.
            NO_COLOR turns colour off; a non-UTF-8 locale (or --ascii) draws with ASCII only.

            With --fleet postgres://… it shows every plant from the fleet service's database instead: views \
            plants (each with its worst assets), alarms and planned work across sites; Enter on a plant keeps \
            its alarms and work only. Read-only: alarms are acknowledged at the plant.
            """)

    @Option(help: "The daemon's SQLite database.") var db: String?
    @Option(help: "The fleet database (postgres://USER@HOST:PORT/DATABASE), instead of --db.") var fleet: String?
    @Option(
        help: "Layout file (YAML), e.g. Dashboards/maintenance.yaml (default: Dashboards/operator.yaml if present).")
    var layout: String?
    @Option(help: "Plant file for the hierarchy (default: the one the daemon runs).") var plant: String?
    @Option(help: "Who acknowledges and shelves (default: the login name).")
    var by: String = ProcessInfo.processInfo.environment["USER"] ?? "operator"
    @Flag(help: "Draw with ASCII only.") var ascii = false
    @Flag(name: .customLong("no-color"), help: "No colour (as NO_COLOR does).") var noColor = false
    @Flag(name: .customLong("read-only"), help: "Refuse alarm commands.") var readOnly = false
    @Option(help: "Print one frame of this view (plant, asset, alarms, plan) as text and exit, instead of running.")
    var print: String?
    @Option(help: "With --print: the frame size, e.g. 80x24.") var size: String = "80x24"
    @Option(help: "With --print asset: the asset to show.") var asset: String?

    func validate() throws {
        guard (db == nil) != (fleet == nil) else {
            throw ValidationError("give either --db (one plant) or --fleet (every plant)")
        }
        if fleet != nil {
            if let print, FleetDashboardModel.View(rawValue: print) == nil {
                throw ValidationError("with --fleet, --print takes plants, alarms or work")
            }
        } else if let print, DashboardLayout.View(rawValue: print) == nil {
            throw ValidationError("--print takes plant, asset, alarms or plan")
        }
        if parseSize(size) == nil { throw ValidationError("--size takes COLUMNSxROWS, such as 80x24 or 160x48") }
    }

    private func parseSize(_ text: String) -> (Int, Int)? {
        let parts = text.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 20, parts[1] >= 6, parts[0] <= 1000, parts[1] <= 500 else { return nil }
        return (parts[0], parts[1])
    }

    func run() async throws {
        if let fleet { return try await runFleet(fleet) }
        let db = self.db!
        var layoutModel = DashboardLayout()
        let layoutPath =
            layout
            ?? (FileManager.default.fileExists(atPath: "Dashboards/operator.yaml") ? "Dashboards/operator.yaml" : nil)
        if let layoutPath {
            do {
                layoutModel = try DashboardLayout.load(path: layoutPath)
            } catch {
                printError(error.description)
                throw ExitCode(1)
            }
        }
        let store = try openStoreOrExit(db, readOnly: true)
        let hierarchy = try await loadHierarchy(store, db: db)

        var options = DashboardOptions.fromEnvironment(ProcessInfo.processInfo.environment, actor: by)
        if noColor { options.colors = false }
        if ascii { options.unicode = false }
        let source = DataSource(store: store, hierarchy: hierarchy, layout: layoutModel)
        let model = DashboardModel(layout: layoutModel, hierarchy: hierarchy, options: options)

        if let view = print.flatMap(DashboardLayout.View.init(rawValue:)) {
            let (width, height) = parseSize(size)!
            model.state.view = view
            if view == .asset { model.state.openAsset = asset ?? source.assetIDs.first }
            // Two reads: the first loads histories, the second sees the newest rows.
            model.snapshot = await source.refresh(now: Date().timeIntervalSince1970, openAsset: model.detailAsset)
            let frame = model.render(width: width, height: height)
            Swift.print(frame.text)
            return
        }

        let terminal = Terminal()
        guard terminal.isTerminal else {
            printError("prognos dashboard needs a terminal (use --print VIEW for a text capture)")
            throw ExitCode(1)
        }
        var handler: AlarmCommandHandler?
        if !readOnly {
            let commands = CommandStore(path: db)
            handler = { @Sendable command, id, actor in try await commands.apply(command, to: id, by: actor) }
        }
        let dashboard = Dashboard(source: source, model: model, terminal: terminal, command: handler)
        try await dashboard.run()
    }

    private func runFleet(_ url: String) async throws {
        let parsed: PostgresURL
        do {
            parsed = try PostgresURL(url)
        } catch {
            printError("prognos dashboard: \(error.description)")
            throw ExitCode(1)
        }
        var options = DashboardOptions.fromEnvironment(ProcessInfo.processInfo.environment, actor: by)
        if noColor { options.colors = false }
        if ascii { options.unicode = false }
        let model = FleetDashboardModel(options: options)
        // Nothing is logged from the pool: the dashboard owns the terminal.
        let database = FleetDatabase(
            url: parsed, logger: Logger(label: "prognos.fleet", factory: { _ in SwiftLogNoOpLogHandler() }))
        do {
            try await database.checkConnection()
        } catch {
            await database.close()
            printError("prognos dashboard: \(error)")
            throw ExitCode(1)
        }
        if let view = print.flatMap(FleetDashboardModel.View.init(rawValue:)) {
            let (width, height) = parseSize(size)!
            model.state.view = view
            await FleetDashboard.load(database, into: model, now: Date().timeIntervalSince1970)
            await database.close()
            Swift.print(model.render(width: width, height: height).text)
            if let error = model.error {
                printError("prognos dashboard: \(error)")
                throw ExitCode(1)
            }
            return
        }
        let terminal = Terminal()
        guard terminal.isTerminal else {
            await database.close()
            printError("prognos dashboard needs a terminal (use --print VIEW for a text capture)")
            throw ExitCode(1)
        }
        let dashboard = FleetDashboard(source: database, model: model, terminal: terminal)
        do {
            try await dashboard.run()
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }

    /// The plant hierarchy: --plant, else the plant file in the daemon's status row (as written,
    /// then relative to the database's folder); no hierarchy when neither can be read.
    private func loadHierarchy(_ store: Store, db: String) async throws -> PlantHierarchy {
        if let plant {
            do {
                return PlantHierarchy(plant: try PlantFileLoader.load(path: plant))
            } catch {
                printError(error.description)
                throw ExitCode(1)
            }
        }
        guard let named = try? await store.daemonStatus()?.plant, !named.isEmpty else { return .empty }
        let folder = URL(fileURLWithPath: db).deletingLastPathComponent().path
        for candidate in [named, folder + "/" + named] where FileManager.default.fileExists(atPath: candidate) {
            if let loaded = try? PlantFileLoader.load(path: candidate) { return PlantHierarchy(plant: loaded) }
        }
        printError(
            "prognos dashboard: cannot read the plant file \(named) the daemon runs; assets are shown without areas and lines (use --plant)"
        )
        return .empty
    }
}

/// The writable store for operator commands, opened on the first command only: a dashboard that
/// is only watched never opens a write connection.
private actor CommandStore {
    let path: String
    private var commands: OperatorCommands?

    init(path: String) { self.path = path }

    func apply(_ command: AlarmCommand, to id: String, by actor: String) async throws -> AlarmRecord {
        if commands == nil { commands = OperatorCommands(store: try Store.open(path: path)) }
        return try await commands!.apply(command, to: id, by: actor, at: Date().timeIntervalSince1970)
    }
}
