import PlantFile
import PrognosCore

/// A small plant for planner tests: `count` assets with one failure mode ("wear", limit on sensor
/// "s" above 10, normal range [0, 4], alarm as `alarm` gives it) and the actions and windows given;
/// `assets` (indented as these pumps are) replaces the pumps.
func fixturePlant(
    count: Int = 1, windows: String = "- {id: monday, weekday: monday, start: \"08:00\", duration: 8h, crew: 2}",
    actions: String = "- {id: renew, name: Renew the part, cost: 1000, duration: 4h, crew: 1, resets: [wear]}",
    actionIDs: String = "[renew]", crew: Int = 2, downtimePerHour: Double = 50, failureCost: Double = 24000,
    alarm: String = "", assets custom: String? = nil
) throws -> Plant {
    var assets = custom ?? ""
    for i in 1...count where custom == nil {
        assets += """
                      - id: pump-\(i)
                        name: Pump \(i)
                        type: centrifugal_pump
                        actions: \(actionIDs)
                        sensors:
                          - {id: s, name: Vibration, unit: mm/s, normal: [0, 4],\(alarm.isEmpty ? "" : " alarm: \(alarm),") mqtt: {topic: t/pump-\(i), value: "$.v"}}
                        failure_modes:
                          - {id: wear, sensors: [s], limit: {sensor: s, above: 10}}

            """
    }
    let yaml = """
        site: {id: test, name: Test plant}
        economics:
          currency: EUR
          downtime_cost_per_hour: \(downtimePerHour)
          failure_cost: \(failureCost)
          crew_capacity: \(crew)
          windows:
            \(windows.split(separator: "\n").joined(separator: "\n    "))
        actions:
          \(actions.split(separator: "\n").joined(separator: "\n  "))
        brokers:
          - {id: b, host: 127.0.0.1, port: 1883}
        areas:
          - id: a
            name: Area
            lines:
              - id: l
                name: Line
                assets:
        \(assets)
        """
    return try PlantFileLoader.load(yaml: yaml, file: "test.yaml")
}

/// Sunday 2025-01-05 00:00 UTC.
let sunday = 1_736_035_200.0
