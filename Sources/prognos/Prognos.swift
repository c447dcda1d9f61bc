import ArgumentParser

@main
struct Prognos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prognos",
        abstract: "Predictive maintenance for industrial plants.",
        subcommands: [
            Check.self, Poll.self, Learn.self, Run.self, Alarms.self, Maintenance.self, ModelCommand.self, Plan.self,
            Status.self,
            Demo.self, Simulate.self, Eval.self, DashboardCommand.self, Deploy.self, FleetCommand.self,
        ]
    )
}
