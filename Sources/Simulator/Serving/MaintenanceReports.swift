import PrognosCore

/// The simulation's maintenance jobs as an engineer reports them: each action of the scenario is
/// reported done when its job ends (its start plus the action's duration), in simulated time.
public struct MaintenanceReports: Sendable {
    public struct Job: Sendable, Equatable {
        public var asset: String
        public var action: String
        public var doneAt: Double
    }

    private var pending: [Job] = []
    private var seen = 0

    public init() {}

    /// The jobs of `simulation` that have ended since the last call, in the order they ended.
    public mutating func due(in simulation: PlantSimulation) -> [Job] {
        for event in simulation.events[seen...] where event.kind == .action {
            guard let asset = event.asset, let id = event.target, let action = simulation.plant.action(id) else {
                continue
            }
            pending.append(Job(asset: asset, action: id, doneAt: event.time + action.duration.inSeconds))
        }
        seen = simulation.events.count
        let done = pending.filter { $0.doneAt <= simulation.time }.sorted { $0.doneAt < $1.doneAt }
        pending.removeAll { $0.doneAt <= simulation.time }
        return done
    }
}
