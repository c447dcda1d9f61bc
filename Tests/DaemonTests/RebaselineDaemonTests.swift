import Foundation
import PrognosCore
import Store
import TestSupport
import Testing

/// `prognos model rebaseline` against a running daemon: recorded, checked against the plant the
/// daemon runs, and adopted by it (what the asset's runtime then does: `RebaselineRuntimeTests`).
@Suite("prognos model rebaseline with a running daemon", .serialized)
struct RebaselineDaemonTests {
    @Test(.timeLimit(.minutes(3)))
    func theRunningDaemonAdoptsARecordedRebaseline() async throws {
        let plant = try RunningPlant()
        try plant.startSimulator()
        try plant.startDaemon()
        #expect(
            await eventually(timeout: 30) {
                ((try? await Store.openReadOnly(path: plant.database).status().readings) ?? 0) > 0
            })
        let mark = plant.log.count
        let (status, output) = try PrognosBinary.run([
            "model", "rebaseline", "--db", plant.database, "pump-101", "--by", "alice", "--note", "new trim",
        ])
        #expect(status == 0, "\(output)")
        #expect(
            PlantHarness.wait(timeout: 20) {
                let log = plant.log(after: mark)
                return log.contains("Re-baseline adopted") && log.contains("pump-101")
            }, "\(plant.log(after: mark).suffix(2000))")
        let records = try await Store.openReadOnly(path: plant.database).recentRebaselines()
        #expect(records.map(\.asset) == ["pump-101"] && records.first?.recordedBy == "alice")

        // Checked against the plant the daemon runs when no --plant is given.
        let (refused, message) = try PrognosBinary.run(["model", "rebaseline", "--db", plant.database, "pump-999"])
        #expect(refused == 2 && message.contains("no asset 'pump-999'"), "\(message)")
    }
}
