import Foundation
import TestSupport
import Testing

/// `make demo` without a terminal: the report a newcomer (or CI) reads.
@Suite(.serialized) struct DemoTests {
    @Test(.timeLimit(.minutes(5)))
    func nonInteractiveDemoShowsTheFailureLifecycleAndStopsEverything() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prognos-demo-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let root = Peers.repositoryRoot.path
        let (status, output) = try PrognosBinary.run(
            [
                "demo", "--report", "--folder", folder, "--span-hours", "8", "--plant", root + "/Plants/demo.yaml",
                "--scenario", root + "/Plants/scenarios/demo.yaml",
            ],
            timeout: 280)
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n").map(String.init)
        // A fault's block: its heading line and the indented lines under it.
        func block(after heading: String) -> String {
            guard let start = lines.firstIndex(where: { $0.contains(heading) }) else { return "" }
            let rest = lines[(start + 1)...].prefix { $0.hasPrefix("          ") }
            return ([lines[start]] + rest).joined(separator: "\n")
        }
        // The bearing fault is left to fail: flagged, planned for before it fails, then failed in
        // Prognos at once, with its corrective proposal.
        let bearing = block(after: "pump-101 bearing-wear")
        #expect(bearing.contains("before the failure"), "\(bearing)")
        #expect(bearing.contains("vibration_de") || bearing.contains("bearing_temp_de"), "\(bearing)")
        #expect(proposal(in: bearing).contains("planner proposed replace-bearings for bearing-wear"), "\(bearing)")
        #expect(proposal(in: bearing).hasSuffix("before the failure"), "\(bearing)")
        #expect(bearing.contains("Prognos marked it failed at"), "\(bearing)")
        #expect(bearing.contains("corrective proposal at") && bearing.contains("replace-bearings, now"), "\(bearing)")
        // The clogging filter is acted on in time: flagged by its sensor, planned for, replaced and
        // reported, and the compressor is back to normal with its alarms cleared.
        let filter = block(after: "compressor-201 filter-clogging")
        #expect(filter.contains("filter_dp") && filter.contains("no failure"), "\(filter)")
        #expect(proposal(in: filter).contains("planner proposed replace-air-filter for filter-clogging"), "\(filter)")
        #expect(filter.contains("maintenance reported done at") && filter.contains("replace-air-filter"), "\(filter)")
        #expect(filter.contains("back to normal at") && filter.contains("its alarms cleared"), "\(filter)")
        // The drifting thermometer is not taken for the motor's winding ageing, nor planned for.
        let drift = block(after: "motor-211 sensor fault")
        #expect(!drift.contains("MISTAKEN"), "\(drift)")
        #expect(drift.contains("planner proposed nothing for motor-211"), "\(drift)")
        // Every alarm transition reached the demo's MQTT subscriber.
        let alerts = try #require(lines.first { $0.hasPrefix("Alerts:") })
        let numbers = alerts.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.count == 3 && numbers[0] > 0 && numbers[0] == numbers[1] && numbers[2] == 0, "\(alerts)")
        // Nothing the demo started is left running.
        #expect(
            ChildProcess.running(mentioning: folder).isEmpty,
            "still running: \(ChildProcess.running(mentioning: folder))")

        // The simulator and the daemon take turns on one clock: a second run prints the same report.
        let again = FileManager.default.temporaryDirectory.appendingPathComponent("prognos-demo-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: again) }
        let (secondStatus, secondOutput) = try PrognosBinary.run(
            [
                "demo", "--report", "--folder", again, "--span-hours", "8", "--plant", root + "/Plants/demo.yaml",
                "--scenario", root + "/Plants/scenarios/demo.yaml",
            ],
            timeout: 280)
        #expect(secondStatus == 0, "\(secondOutput)")
        #expect(
            Self.report(secondOutput) == Self.report(output) && !Self.report(output).isEmpty,
            "\(output)\n---\n\(secondOutput)")

        // And it is the report the README quotes, from its first fault to its alerts line.
        let readme = try String(contentsOfFile: root + "/README.md", encoding: .utf8)
        let quoted = Self.report(readme, from: "Faults injected")
        #expect(
            !quoted.isEmpty && quoted == Self.report(output, from: "Faults injected"),
            "\(output)")
    }

    /// The report of a demo's output: from its heading (or the line that starts with `heading`) to
    /// the alerts line.
    static func report(_ output: String, from heading: String = "Prognos demo report") -> [String] {
        let lines = output.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(heading) }),
            let end = lines[start...].firstIndex(where: { $0.hasPrefix("Alerts:") })
        else { return [] }
        return Array(lines[start...end])
    }

    /// The first planner line of a fault's block.
    func proposal(in block: String) -> String {
        block.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first {
            $0.hasPrefix("planner proposed")
        } ?? ""
    }
}
