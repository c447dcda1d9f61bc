import Foundation
import PrognosCore
import TestSupport
import Testing

/// `prognos poll` against a Sparkplug B edge node that nobody here wrote (pysparkplug, in
/// Tests/CLITests/Peers/sparkplug_edge_node.py) through a real mosquitto. The test drives the edge
/// node one command at a time and waits for what poll prints; the time bounds only keep a broken
/// run from hanging.
@Suite(.serialized) struct SparkplugPollTests {
    /// The readings poll printed as CSV, `asset,sensor,value,unit,quality,timestamp`.
    final class Run {
        let folder: String
        let broker: ChildProcess
        let port: Int
        let poll: ChildProcess
        let edge: ChildProcess
        let pollOutput: String
        let edgeOutput: String
        let commands: String
        var sent = 0

        init(rebirth: Bool) throws {
            folder = try PipeTests.folder()
            (broker, port) = try Mosquitto.start()
            let plant = folder + "/plant.yaml"
            try Self.plant(port: port, rebirth: rebirth).write(toFile: plant, atomically: true, encoding: .utf8)
            pollOutput = folder + "/poll.csv"
            edgeOutput = folder + "/edge.txt"
            commands = folder + "/commands.txt"
            try Data().write(to: URL(fileURLWithPath: commands))
            poll = try ChildProcess(PrognosBinary.path, ["poll", plant, "--format", "csv"], outputPath: pollOutput)
            let script = Peers.repositoryRoot.appendingPathComponent("Tests/CLITests/Peers/sparkplug_edge_node.py").path
            edge = try ChildProcess(
                Peers.sparkplugPython, [script, String(port), "Testworks", "Edge1", commands], outputPath: edgeOutput)
        }

        deinit {
            edge.stop()
            poll.stop()
            broker.stop()
            try? FileManager.default.removeItem(atPath: folder)
        }

        static func plant(port: Int, rebirth: Bool) -> String {
            """
            site: {id: testworks, name: Test Works}
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
                          - id: bearing_temp
                            unit: degC
                            normal: [15, 75]
                            sparkplug: {group: Testworks, edge_node: Edge1, device: Pump1, metric: Bearing Temp, rebirth: \(rebirth)}
                          - id: speed
                            unit: rpm
                            sparkplug: {group: Testworks, edge_node: Edge1, device: Pump1, metric: Speed}
                          - id: line_pressure
                            unit: bar
                            sparkplug: {group: Testworks, edge_node: Edge1, metric: Line Pressure}
                        failure_modes:
                          - {id: bearing-wear, sensors: [bearing_temp], limit: {sensor: bearing_temp, above: 95}}
            """
        }

        /// Hands the edge node one command and waits until it says it carried it out.
        func send(_ command: String, waiting: Bool = true) throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: commands))
            handle.seekToEndOfFile()
            handle.write(Data((command + "\n").utf8))
            try handle.close()
            sent += 1
            guard waiting else { return }
            let done = "done \(sent) \(command)"
            try #require(
                PipeTests.wait(seconds: 120) { edgeLines.contains(done) },
                "the edge node did not carry out '\(command)': \(edgeLines.suffix(5))")
        }

        var edgeLines: [String] { PipeTests.lines(of: edgeOutput) }
        var readings: [String] { PipeTests.lines(of: pollOutput).filter { $0.hasPrefix("pump-1,") } }

        /// Waits until poll printed `line` (after the first `after` readings); false after the hang guard.
        func printed(_ line: String, after: Int = 0) -> Bool {
            PipeTests.wait(seconds: 60) { readings.dropFirst(after).contains(line) }
        }

        /// The births, again until poll has them: poll may subscribe after the first ones went out,
        /// and a repeated NBIRTH is a legitimate new birth.
        func birth(bearingTemperature value: Double) throws {
            for _ in 0..<30 {
                let before = readings.count
                try send("births \(value)")
                if PipeTests.wait(
                    seconds: 2, until: { readings.dropFirst(before).contains(reading("bearing_temp", value)) })
                {
                    return
                }
            }
            Issue.record("poll never printed the birth: \(PipeTests.lines(of: pollOutput).suffix(10))")
        }

        /// The rebirth requests the edge node got so far: every one the broker routed before the
        /// node's own `sync` marker came back.
        func synchronizedRebirthRequests(_ marker: String) throws -> Int {
            try send("sync \(marker)")
            return edgeLines.filter { $0.hasPrefix("ncmd Node Control/Rebirth=True") }.count
        }
    }

    static let birthTime = "2026-01-01T00:00:00.123Z"

    static func reading(
        _ sensor: String, _ value: Double?, quality: String = "good", at time: String = birthTime
    )
        -> String
    {
        let unit = ["bearing_temp": "degC", "speed": "rpm", "line_pressure": "bar"][sensor]!
        let shown = value.map(plainNumber) ?? ""
        return "pump-1,\(sensor),\(shown),\(unit),\(quality),\(time)"
    }

    @Test(
        "Births, alias-only data, deaths and a rebirth request, with exact values and metric times",
        .timeLimit(.minutes(5)))
    func pollReadsAnEdgeNode() throws {
        let run = try Run(rebirth: true)
        try run.birth(bearingTemperature: 61.5)
        #expect(run.printed(Self.reading("speed", -3)), "Int16 -3 from the DBIRTH")
        #expect(run.printed(Self.reading("line_pressure", 4.25)), "Double from the NBIRTH")

        var mark = run.readings.count
        try run.send("ndata 4.5")
        #expect(run.printed(Self.reading("line_pressure", 4.5), after: mark), "alias-only NDATA")
        try run.send("ddata 62.25 -7")
        #expect(run.printed(Self.reading("bearing_temp", 62.25), after: mark))
        #expect(run.printed(Self.reading("speed", -7), after: mark))

        // Historical values are not current values: poll never prints them.
        mark = run.readings.count
        try run.send("ddata-historical 99")
        try run.send("ddata 62.5 -6")
        #expect(run.printed(Self.reading("bearing_temp", 62.5), after: mark))
        #expect(!run.readings.dropFirst(mark).contains { $0.contains(",99,") })

        mark = run.readings.count
        try run.send("ddata-null")
        #expect(run.printed(Self.reading("bearing_temp", nil, quality: "bad-value"), after: mark))

        // Hostile payloads are refused and the next good one is read.
        mark = run.readings.count
        for hostile in ["wrong-type", "truncated", "garbage", "huge", "deep"] { try run.send(hostile) }
        try run.send("unknown-fields 63.5")
        #expect(run.printed(Self.reading("bearing_temp", 63.5), after: mark), "a payload with unknown fields is read")
        #expect(run.readings.dropFirst(mark).count == 1, "nothing but the good value: \(run.readings.dropFirst(mark))")
        #expect(run.poll.wait(timeout: 0) == nil, "poll ended on hostile input")
        let log = PipeTests.lines(of: run.pollOutput).joined(separator: "\n")
        #expect(log.contains("sparkplug-wrong-type") || log.contains("sparkplug-malformed"), "refusals are logged")

        // A lost message: the values of the next one are still read, and a rebirth is requested.
        mark = run.readings.count
        try run.send("skip")
        try run.send("ddata 64 -5")
        #expect(run.printed(Self.reading("bearing_temp", 64), after: mark))
        #expect(
            PipeTests.wait(seconds: 60) { run.edgeLines.contains("ncmd Node Control/Rebirth=True") },
            "no rebirth request reached the edge node: \(run.edgeLines.suffix(5))")
        #expect(try run.synchronizedRebirthRequests("1") == 1, "one request until the next birth")

        // DDEATH: the device's sensors, not the node's, go comm-fail at once.
        mark = run.readings.count
        try run.send("ddeath")
        #expect(run.printed(Self.reading("bearing_temp", nil, quality: "comm-fail"), after: mark))
        #expect(run.printed(Self.reading("speed", nil, quality: "comm-fail"), after: mark))
        #expect(!run.readings.dropFirst(mark).contains { $0.hasPrefix("pump-1,line_pressure,") })

        // The broker's will (NDEATH with the birth's bdSeq): every sensor of the node goes comm-fail.
        try run.birth(bearingTemperature: 65)
        mark = run.readings.count
        try run.send("die", waiting: false)
        #expect(
            PipeTests.wait(seconds: 60) {
                ["bearing_temp", "speed", "line_pressure"].allSatisfy { sensor in
                    run.readings.dropFirst(mark).contains {
                        $0.hasPrefix("pump-1,\(sensor),,") && $0.contains(",comm-fail,")
                    }
                }
            }, "\(run.readings.dropFirst(mark))")
    }

    @Test("Without rebirth: true, Prognos never sends the edge node anything", .timeLimit(.minutes(5)))
    func noRebirthUnlessAllowed() throws {
        let run = try Run(rebirth: false)
        try run.birth(bearingTemperature: 61.5)
        var mark = run.readings.count
        try run.send("skip")
        try run.send("ddata 70 -1")
        #expect(run.printed(Self.reading("bearing_temp", 70), after: mark), "the values after a gap are read")
        // Data of a dead device: refused, and again no request.
        try run.send("ddeath")
        mark = run.readings.count
        try run.send("ddata 71 0")
        // A request would have left Prognos while it handled those messages, long before it has
        // read the births that follow; the sync marker goes out after poll printed them.
        try run.birth(bearingTemperature: 72)
        #expect(try run.synchronizedRebirthRequests("1") == 0)
        #expect(!run.readings.dropFirst(mark).contains { $0.contains(",71,") })
        #expect(run.edgeLines.allSatisfy { !$0.hasPrefix("ncmd") }, "\(run.edgeLines)")
    }
}
