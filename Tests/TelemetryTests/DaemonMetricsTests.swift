import PrognosCore
import Telemetry
import Testing

/// The metrics follow the daemon's running totals: counters advance by what grew, labelled parts
/// add up to the status's totals, and an alarm state left reads zero.
@Suite struct DaemonMetricsTests {
    static func reading(_ asset: String, _ quality: Quality) -> Reading {
        Reading(asset: asset, sensor: "s", value: quality == .good ? 1 : nil, timestamp: 0, quality: quality)
    }

    static func sample(
        _ tally: ReadingTally, alarms: [DaemonSample.AlarmCount], dropped: ReadingTally = ReadingTally()
    ) -> DaemonSample {
        DaemonSample(
            status: DaemonStatus(
                pid: 1, version: "t", plant: "p", startedAt: 10, heartbeatAt: 20, readingsIngested: tally.total),
            ingested: tally, droppedInStream: dropped, droppedByStore: ReadingTally(), otherRecordsDroppedByStore: 3,
            alarms: alarms,
            outbox: OutboxCount(alerts: 4, telemetry: 0), outboxOldestAge: 7.5, storeCommits: 6,
            storeCommitSeconds: 0.25)
    }

    static func lines(_ metrics: DaemonMetrics) -> Set<String> { lines(metrics.exposition()) }

    static func lines(_ exposition: [UInt8]) -> Set<String> {
        Set(String(decoding: exposition, as: UTF8.self).split(separator: "\n").map(String.init))
    }

    @Test func tallyCountsByAssetAndQuality() {
        var tally = ReadingTally()
        let good = tally.count(
            [Self.reading("a", .good), Self.reading("a", .good), Self.reading("a", .stale)], asset: "a")
        tally.count([Self.reading("b", .commFail)], asset: "b")
        #expect(good == 2)
        #expect(tally.total == 4)
        #expect(
            tally.entries.map { "\($0.asset) \($0.quality.rawValue) \($0.count)" } == [
                "a good 2", "a stale 1", "b comm-fail 1",
            ])
    }

    @Test func countersFollowTheTotalsAndAlarmsLeftReadZero() {
        let metrics = DaemonMetrics(version: "t")
        var tally = ReadingTally()
        tally.count([Self.reading("a", .good)], asset: "a")
        let raised = DaemonSample.AlarmCount(state: .unacknowledged, priority: .high, count: 1)
        var dropped = ReadingTally()
        dropped.count(mixed: [Self.reading("a", .good), Self.reading("b", .stale), Self.reading("a", .good)])
        metrics.publish(Self.sample(tally, alarms: [raised], dropped: dropped))
        var lines = Self.lines(metrics)
        #expect(lines.contains(#"prognos_readings_ingested_total{asset="a",quality="good"} 1"#))
        #expect(lines.contains(#"prognos_alarms{priority="high",state="unacknowledged"} 1.0"#))
        #expect(lines.contains(#"prognos_readings_dropped_total{asset="a",quality="good",stage="stream"} 2"#))
        #expect(lines.contains(#"prognos_readings_dropped_total{asset="b",quality="stale",stage="stream"} 1"#))
        #expect(lines.contains(#"prognos_store_records_dropped_total 3"#))
        #expect(lines.contains(#"prognos_outbox_oldest_age_seconds 7.5"#))
        #expect(lines.contains(#"prognos_store_commit_seconds_total 0.25"#))
        #expect(lines.contains(#"prognos_heartbeat_timestamp_seconds 20.0"#))

        tally.count([Self.reading("a", .good), Self.reading("a", .good)], asset: "a")
        metrics.publish(Self.sample(tally, alarms: [], dropped: dropped))
        lines = Self.lines(metrics)
        #expect(lines.contains(#"prognos_readings_ingested_total{asset="a",quality="good"} 3"#))
        #expect(lines.contains(#"prognos_alarms{priority="high",state="unacknowledged"} 0.0"#))
        #expect(lines.contains(#"prognos_readings_dropped_total{asset="a",quality="good",stage="stream"} 2"#))
    }

    @Test func pollsAndModelStepsAreHistograms() {
        let metrics = DaemonMetrics(version: "t")
        metrics.observePoll(device: "plc-1", took: .milliseconds(3))
        metrics.observePoll(device: "plc-1", took: .milliseconds(700))
        metrics.observeModelStep(took: .microseconds(40))
        let lines = Self.lines(metrics)
        #expect(lines.contains("# TYPE prognos_modbus_poll_seconds histogram"))
        #expect(lines.contains(#"prognos_modbus_poll_seconds_count{device="plc-1"} 2"#), "\(lines.sorted())")
        #expect(lines.contains(#"prognos_model_step_seconds_count 1"#), "\(lines.sorted())")
        #expect(lines.contains(#"prognos_model_step_seconds_bucket{le="0.000025"} 0"#), "\(lines.sorted())")
        #expect(lines.contains(#"prognos_model_step_seconds_bucket{le="0.00005"} 1"#), "\(lines.sorted())")
    }
}

/// The fleet service's counts as counters; a count still at zero is a series from the first publish.
@Suite struct FleetMetricsTests {
    @Test func countsAdvanceAndZeroSeriesExist() {
        let metrics = FleetMetrics(version: "t")
        var sample = FleetMetrics.Sample(
            received: 10, duplicatesDropped: 0, rejected: 1, committed: 9, alarmsInserted: 4, batches: 2,
            writeFailures: 0, subscribed: true)
        metrics.publish(sample)
        sample.received = 15
        sample.subscribed = false
        metrics.publish(sample)
        let lines = DaemonMetricsTests.lines(metrics.exposition())
        #expect(lines.contains(#"prognos_fleet_messages_total{outcome="received"} 15"#), "\(lines.sorted())")
        #expect(lines.contains(#"prognos_fleet_messages_total{outcome="duplicate"} 0"#), "\(lines.sorted())")
        #expect(lines.contains(#"prognos_fleet_write_failures_total 0"#))
        #expect(lines.contains(#"prognos_fleet_alarms_inserted_total 4"#))
        #expect(lines.contains(#"prognos_fleet_subscribed 0.0"#))
        #expect(lines.contains(#"prognos_build_info{version="t"} 1.0"#))
    }
}
