import PrognosCore

extension Plant {
    /// The id of the context signal a pump's suction tank level transmitter gives.
    public static let tankLevelSignal = "suction_level"

    /// This plant with a level transmitter on the tank each centrifugal pump draws from, declared
    /// as a context signal (`suction_level`, metres of water above the pump) on every pump that has
    /// none: what a pump station measures, and what moves the simulated pumps' suction and
    /// discharge pressure for days at a time. For measuring the world model with and without that
    /// signal (`prognos simulate --export-cmapss FILE --tank-levels`, docs/world-model.md).
    /// The transmitter reports over MQTT on the plant's first broker.
    public func declaringTankLevels() -> Plant {
        var plant = self
        let broker = brokers.first?.id ?? "site-broker"
        for a in plant.areas.indices {
            for l in plant.areas[a].lines.indices {
                for (k, asset) in plant.areas[a].lines[l].assets.enumerated()
                where ["centrifugal_pump", "pump"].contains(asset.type.lowercased())
                    && asset.signal(Self.tankLevelSignal) == nil
                {
                    let path = JSONPath(components: [.key("value")], description: "$.value")
                    plant.areas[a].lines[l].assets[k].context.append(
                        Sensor(
                            id: Self.tankLevelSignal, name: "Suction tank level", role: .context, unit: "m",
                            source: .mqtt(
                                MQTTPoint(
                                    broker: broker, topic: "\(site.id)/\(asset.id)/suction_level", valuePath: path))))
                }
            }
        }
        return plant
    }
}
