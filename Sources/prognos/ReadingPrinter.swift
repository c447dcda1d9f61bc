import ArgumentParser
import Foundation
import PrognosCore

enum ReadingFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Prints readings as a table, JSON lines (`asset`, `sensor`, `value`, `unit`, `quality`,
/// `timestamp` in ISO 8601) or CSV, with each signal's unit from the plant.
struct ReadingPrinter {
    let format: ReadingFormat
    private let units: [SignalRef: String]
    private let order: [SignalRef: Int]

    init(plant: Plant, format: ReadingFormat) {
        self.format = format
        var units: [SignalRef: String] = [:]
        var order: [SignalRef: Int] = [:]
        for asset in plant.assets {
            for signal in asset.signals {
                let ref = SignalRef(asset: asset.id, sensor: signal.id)
                units[ref] = signal.unit
                order[ref] = order.count
            }
        }
        self.units = units
        self.order = order
    }

    func inPlantOrder(_ readings: [Reading]) -> [Reading] {
        readings.sorted {
            order[SignalRef(asset: $0.asset, sensor: $0.sensor), default: .max]
                < order[SignalRef(asset: $1.asset, sensor: $1.sensor), default: .max]
        }
    }

    func printHeader() {
        switch format {
        case .table:
            StandardOutput.line(
                pad("ASSET", 16) + pad("SENSOR", 22) + pad("VALUE", 14, right: true) + "  " + pad("UNIT", 7)
                    + pad("QUALITY", 13) + "TIMESTAMP")
        case .csv: StandardOutput.line("asset,sensor,value,unit,quality,timestamp")
        case .json: break
        }
    }

    func print(_ reading: Reading) {
        StandardOutput.line(line(for: reading))
    }

    func line(for reading: Reading) -> String {
        let unit = units[SignalRef(asset: reading.asset, sensor: reading.sensor)] ?? ""
        let time = isoTime(reading.timestamp)
        let value = reading.value.map(plainNumber)
        switch format {
        case .table:
            let shown = reading.value.map { String(format: "%.6g", $0) }
            return pad(reading.asset, 16) + pad(reading.sensor, 22) + pad(shown ?? "—", 14, right: true) + "  "
                + pad(unit, 7)
                + pad(reading.quality.rawValue, 13) + time
        case .csv:
            return [reading.asset, reading.sensor, value ?? "", unit, reading.quality.rawValue, time].map(csvField)
                .joined(separator: ",")
        case .json:
            return
                "{\"asset\":\(JSONText.string(reading.asset)),\"sensor\":\(JSONText.string(reading.sensor)),\"value\":\(value ?? "null"),"
                + "\"unit\":\(JSONText.string(unit)),\"quality\":\(JSONText.string(reading.quality.rawValue)),\"timestamp\":\(JSONText.string(time))}"
        }
    }
}

func csvField(_ text: String) -> String {
    text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}

func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return right ? padding + text : text + padding + (text.count >= width ? " " : "")
}
