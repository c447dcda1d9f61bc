import ArgumentParser
import PlantFile
import PrognosCore

/// `prognos check PLANT.yaml`: validate a plant file and print what it describes.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a plant file and print its summary.",
        discussion:
            "Every problem is printed as file:line:column: reason; the exit status is then 2 and nothing starts.")

    @Argument(help: "The plant file (YAML).") var plant: String

    func run() async throws {
        let loaded = try loadPlantOrExit(plant)
        print(describe(PlantSummary(loaded), plant: loaded))
    }

    func describe(_ summary: PlantSummary, plant: Plant) -> String {
        let types = summary.assetsByType.map { "\($0.count) \($0.type)" }.joined(separator: ", ")
        return """
            \(self.plant): ok
              site        \(plant.site.id) (\(plant.site.name)): \(count(summary.areas, "area")), \(count(summary.lines, "line"))
              assets      \(summary.assets): \(types)
              signals     \(summary.measurements + summary.contextSignals): \(count(summary.measurements, "sensor")), \(count(summary.contextSignals, "context signal"))
              sources     \(summary.modbusSignals) over Modbus, \(summary.mqttSignals) over MQTT
              devices     \(count(summary.modbusDevices, "Modbus device")), \(count(summary.brokers, "MQTT broker"))
              one poll    \(count(summary.modbusRequestsPerPoll, "Modbus request")) for \(count(summary.modbusRequestsUnmerged, "signal")) (neighbours merged, at most 125 registers or 2000 bits each)
              economics   \(count(summary.actions, "maintenance action")), \(count(summary.windows, "weekly window")), crew of \(plant.economics.crewCapacity)
            """
    }
}

/// Loads a plant file or prints its problems to standard error and exits with status 2.
func loadPlantOrExit(_ path: String) throws -> Plant {
    do {
        return try PlantFileLoader.load(path: path)
    } catch {
        printError(error.description)
        let count = error.problems.count
        printError("\(count) problem\(count == 1 ? "" : "s") in \(path); nothing started.")
        throw ExitCode(2)
    }
}

/// "1 area", "3 areas".
func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
