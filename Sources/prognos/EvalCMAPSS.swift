import ArgumentParser
import Evaluation
import Foundation
import LinearAlgebra
import PrognosCore
import WorldModel

/// `prognos eval cmapss`: RUL on NASA C-MAPSS. A healthy-behaviour model is fitted on the
/// first cycles of every training unit (the fleet's "new" condition); each unit's history is
/// replayed through it, and a fleet RUL model learns the remaining life from the health features.
struct EvalCMAPSS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cmapss", abstract: "Train on run-to-failure units, predict RUL of test units, score it.")

    @Option(help: "Training file (train_FD00x.txt).") var train: String
    @Option(help: "Test file (test_FD00x.txt).") var test: String
    @Option(help: "True RUL of the test units (RUL_FD00x.txt).") var rul: String
    @Option(help: "Seed of the random generator.") var seed: UInt64 = 1
    @Option(help: "Cycles at the start of each training unit taken as healthy.") var healthyCycles = 30
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @Option(help: "Also write each test unit's true RUL and predicted p10, median, p90 to this CSV file.")
    var predictions: String?

    func run() async throws {
        BLASThreads.useSingleThread()
        let clock = ContinuousClock()
        let start = clock.now
        let trainUnits = try EvalData.cmapssUnits(path: train)
        let testUnits = try EvalData.cmapssUnits(path: test)
        let truth = try EvalData.numbers(path: rul)
        guard truth.count == testUnits.count else {
            throw ValidationError("\(rul) has \(truth.count) values for \(testUnits.count) test units")
        }
        let result = try CMAPSSEvaluation.run(
            trainUnits: trainUnits, testUnits: testUnits, seed: seed, healthyCycles: healthyCycles)
        let elapsed = clock.now - start
        let seconds = elapsed.inSeconds
        let metrics = CMAPSSEvaluation.Metrics(predictions: result.predictions, truth: truth, cap: result.cap)
        if let predictions {
            let rows = zip(result.predictions, truth).enumerated().map { unit, pair in
                "\(unit + 1),\(pair.1),\(pair.0.p10),\(pair.0.median),\(pair.0.p90)"
            }
            try (["unit,true_rul,p10,median,p90"] + rows).joined(separator: "\n").appending("\n")
                .write(toFile: predictions, atomically: true, encoding: .utf8)
        }
        switch format {
        case .json:
            try EvalData.printJSON([
                "rmse": metrics.rmse, "score": metrics.score, "rmse_capped": metrics.rmseCapped,
                "units": truth.count, "coverage80": metrics.coverage80, "seconds": seconds,
                "training_target_cap": result.cap,
            ])
        case .text:
            print(
                "C-MAPSS \((test as NSString).lastPathComponent): \(truth.count) test units, \(trainUnits.count) training units"
            )
            print(
                "training targets capped at \(Int(result.cap)) cycles (piecewise-linear RUL); median = capped estimate")
            print(String(format: "RMSE            %8.2f   (against the true RUL as given)", metrics.rmse))
            print(String(format: "PHM08 score     %8.1f", metrics.score))
            print(
                String(
                    format: "RMSE capped     %8.2f   (truth capped at %d, as in many papers)", metrics.rmseCapped,
                    Int(result.cap)))
            print(
                String(format: "80%% coverage    %8.2f   (true RUL inside the predicted p10–p90)", metrics.coverage80))
            print(String(format: "seconds         %8.1f", seconds))
        }
    }
}
