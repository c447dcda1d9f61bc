import ArgumentParser

/// `prognos eval`: measure the world model on public benchmark data.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the world model on benchmark data (C-MAPSS RUL, labelled anomalies, forecasts).",
        subcommands: [EvalCMAPSS.self, EvalAnomalies.self, EvalForecast.self]
    )
}

extension OutputFormat: ExpressibleByArgument {}
