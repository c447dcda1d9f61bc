import Foundation
import TestSupport
import Testing

/// `eval anomalies` holds a deviation through a start-up transient as the daemon does, where a
/// C-MAPSS-layout file's cycles show the machine stood still (`prognos simulate --export-cmapss`).
@Suite struct EvalStartTransientTests {
    /// One unit: 260 rows of noise on three sensors (200 to train on), then s1 off by `offsets`
    /// (in spreads) a row each, then 60 rows of noise; every label 0. With `stopBefore`, the cycles
    /// skip 20 before the offsets: the machine stood still, and they are its first rows back.
    static func file(offsets: [Double], stopBefore: Bool) -> String {
        var state: UInt64 = 7
        func noise() -> Double {
            // A fixed linear congruential sequence: the same file every run.
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        var lines: [String] = []
        var cycle = 0
        func row(s1Offset: Double = 0) {
            cycle += 1
            // Uniform noise on [-1, 1] has a spread of 0.58.
            let sensors =
                [10 + 0.58 * s1Offset + noise(), 20 + noise(), 30 + noise()] + [Double](repeating: 0, count: 18)
            let fields = [1.0, Double(cycle), 0, 0, 0] + sensors + [0]
            lines.append(fields.map { String(format: "%.4f", $0) }.joined(separator: " "))
        }
        for _ in 0..<260 { row() }
        if stopBefore { cycle += 20 }
        for offset in offsets { row(s1Offset: offset) }
        for _ in 0..<60 { row() }
        return lines.joined(separator: "\n") + "\n"
    }

    static func raisedFalseAlarms(offsets: [Double], stopBefore: Bool) throws -> Int {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warm-up-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("unit.txt").path
        try file(offsets: offsets, stopBefore: stopBefore).write(toFile: path, atomically: true, encoding: .utf8)
        let (status, output) = try PrognosBinary.run([
            "eval", "anomalies", "--cmapss", path, "--train-rows", "200", "--model-per-unit", "--rows-per-week", "1008",
            "--format", "json",
        ])
        #expect(status == 0, "\(output)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        return try #require(json["raised_false_alarms"] as? Int, "\(output)")
    }

    @Test(.timeLimit(.minutes(2)))
    func aWarmUpAfterAStopIsHeldButTheSameRowsWithoutTheStopAndALastingDeviationAreAlarmed() throws {
        // Two rows 8 and 4 spreads off: held as a start's first steps (`restartSettleSteps`).
        let warmUp: [Double] = [8, 4]
        #expect(try Self.raisedFalseAlarms(offsets: warmUp, stopBefore: false) == 1)
        #expect(try Self.raisedFalseAlarms(offsets: warmUp, stopBefore: true) == 0)
        // A deviation that holds after the start is alarmed all the same.
        #expect(try Self.raisedFalseAlarms(offsets: [Double](repeating: 8, count: 10), stopBefore: true) == 1)
    }
}
