import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Streaming output read by pipes and scripts: every reading reaches a file at once and survives
/// SIGTERM, and `prognos poll | head -3` ends as soon as head has its lines.
@Suite(.serialized) struct PipeTests {
    /// An MQTT-only plant on `port`: one asset whose two sensors arrive as `{"v": …}`.
    static func plant(brokerPort port: Int, in folder: String) throws -> String {
        let path = folder + "/plant.yaml"
        try """
        site: {id: pipeworks, name: Pipe Works}
        economics:
          downtime_cost_per_hour: 1000
          failure_cost: 20000
          crew_capacity: 1
          windows: [{id: sat, weekday: saturday, start: "06:00", duration: 8h}]
        actions: [{id: replace-bearings, cost: 3000, duration: 4h, crew: 1, resets: [bearing-wear]}]
        brokers: [{id: broker, host: 127.0.0.1, port: \(port)}]
        areas:
          - id: area-1
            lines:
              - id: line-1
                assets:
                  - id: pump-1
                    type: centrifugal_pump
                    sensors:
                      - {id: vibration, unit: mm/s, normal: [0.3, 4.5], mqtt: {topic: pipeworks/pump-1/vibration, value: $.v}}
                      - {id: bearing_temp, unit: degC, normal: [15, 75], mqtt: {topic: pipeworks/pump-1/temp, value: $.v}}
                    failure_modes:
                      - {id: bearing-wear, sensors: [vibration], limit: {sensor: vibration, above: 11.2}}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prognos-pipe-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Publishes `count` readings with mosquitto_pub, one process for all of them (`-l`: a message a line).
    static func publish(_ count: Int, port: Int, from first: Int = 0, retain: Bool = false) throws {
        let lines = (first..<(first + count)).map { "{\"v\": \($0)}" }.joined(separator: "\n") + "\n"
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-\(UUID().uuidString).txt").path
        try lines.write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let publisher = try ChildProcess(
            "/bin/sh",
            [
                "-c",
                "mosquitto_pub -h 127.0.0.1 -p \(port) -q 1 \(retain ? "-r " : "")-t pipeworks/pump-1/vibration -l < '\(input)'",
            ])
        #expect(publisher.wait(timeout: 30) == 0)
    }

    static func lines(of path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(
            separator: "\n", omittingEmptySubsequences: false
        )
        .map(String.init)
    }

    /// Waits until `condition` holds, at most `seconds` (the files decide, not a clock; the bound only
    /// keeps a broken run from hanging).
    static func wait(seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }

    @Test("Every reading reaches a file as it arrives, and SIGTERM loses none", .timeLimit(.minutes(2)))
    func pollIntoAFileLosesNothing() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (broker, port) = try Mosquitto.start()
        defer { broker.stop() }
        let plant = try Self.plant(brokerPort: port, in: folder)
        let output = folder + "/poll.jsonl"
        // A retained reading first: the poll prints it as soon as its subscription is up, whenever that is.
        try Self.publish(1, port: port, from: -1, retain: true)
        let poll = try ChildProcess(PrognosBinary.path, ["poll", plant, "--format", "json"], outputPath: output)
        defer { poll.stop() }
        func printed() -> Int { Self.lines(of: output).filter { $0.contains("\"vibration\"") }.count }
        try #require(
            Self.wait(seconds: 60) { printed() >= 1 }, "poll never printed a reading: \(Self.lines(of: output))")
        try Self.publish(100, port: port)
        _ = Self.wait(seconds: 60) { printed() >= 101 }
        poll.signal(SIGTERM)
        _ = poll.wait(timeout: 10)
        let written = Self.lines(of: output)
        #expect(written.last == "", "the file ends with a whole line")
        let readings = written.filter { !$0.isEmpty }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(readings.count == written.filter { !$0.isEmpty }.count, "every line is a whole JSON object")
        let values = Set(readings.compactMap { $0["value"] as? Double }.filter { $0 >= 0 })
        #expect(
            values == Set((0..<100).map(Double.init)),
            "missing: \(Set((0..<100).map(Double.init)).subtracting(values).sorted())")
    }

    @Test("prognos poll | head -3 ends when head has its three lines", .timeLimit(.minutes(2)))
    func pollIntoHeadEnds() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (broker, port) = try Mosquitto.start()
        defer { broker.stop() }
        let plant = try Self.plant(brokerPort: port, in: folder)
        let output = folder + "/head.txt"
        let pipeline = try ChildProcess(
            "/bin/sh", ["-c", "'\(PrognosBinary.path)' poll '\(plant)' --format json | head -3"],
            outputPath: output)
        defer { pipeline.stop() }
        // Readings keep coming until the pipeline has ended (at most 40 s of them).
        var published = 0
        var status: Int32?
        while status == nil, published < 400 {
            try Self.publish(1, port: port, from: published)
            published += 1
            status = pipeline.wait(timeout: 0.1)
        }
        #expect(status == 0, "the pipeline did not end after \(published) readings")
        let lines = Self.lines(of: output).filter { $0.hasPrefix("{") }
        #expect(lines.count == 3, "\(Self.lines(of: output))")
        #expect(
            ChildProcess.running(mentioning: plant).isEmpty,
            "prognos poll still runs: \(ChildProcess.running(mentioning: plant))")
    }
}
