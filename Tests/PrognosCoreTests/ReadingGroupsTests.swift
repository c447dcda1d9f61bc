import PrognosCore
import Testing

/// Grouping a batch by asset through its runs gives what grouping through a dictionary and sorting
/// by asset gave: the hub's runtimes see the same readings in the same order.
@Suite struct ReadingGroupsTests {
    @Test("Grouped by runs as by a dictionary, for batches in polls' order and shuffled")
    func sameAsDictionaryGrouping() {
        var random = SplitMix64(seed: 7)
        let assets = ["pump-10", "pump-2", "fan-1", "pump-1"]
        for trial in 0..<200 {
            let count = Int.random(in: 0...40, using: &random)
            var readings = (0..<count).map { n in
                Reading(
                    asset: assets[(n / 5) % assets.count], sensor: "s\(n % 5)", value: Double(n),
                    timestamp: Double(trial), quality: .good)
            }
            // Half the batches interleave their assets (several runs of one asset).
            if trial.isMultiple(of: 2) { readings.shuffle(using: &random) }
            let expected = Dictionary(grouping: readings, by: \.asset).sorted { $0.key < $1.key }
            let grouped = readings.groupedByAsset()
            #expect(grouped.map(\.key) == expected.map(\.key))
            #expect(grouped.map(\.value) == expected.map(\.value))
        }
    }

    @Test func anEmptyBatchHasNoGroups() {
        #expect([Reading]().groupedByAsset().isEmpty)
    }
}
