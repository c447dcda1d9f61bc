import ArgumentParser

/// `prognos eval`: measure the world model on public benchmark data.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Measure the world model on benchmark data (C-MAPSS RUL, labelled anomalies, forecasts) and the planner on the simulated plant.",
        subcommands: [EvalCMAPSS.self, EvalAnomalies.self, EvalForecast.self, EvalPolicies.self, EvalAlarms.self]
    )
}

extension OutputFormat: ExpressibleByArgument {}
