import Foundation
import Gzip
import LinearAlgebra

/// File reading for the evaluations (plain or gzip files, as under Data/): the world model itself does no I/O.
public enum EvalData {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// C-MAPSS: space-separated rows of unit, cycle, 3 settings, 21 sensors. Returns one matrix
    /// per unit (in file order), each row the 21 sensors followed by the 3 settings.
    public static func cmapssUnits(path: String) throws -> [Matrix] {
        try cmapssLabelledUnits(path: path).map(\.rows)
    }

    /// One C-MAPSS unit: its rows (21 sensors, then 3 settings), each row's cycle and, when the
    /// file has a 27th column (`prognos simulate --export-cmapss` writes one), each row's 0/1 label.
    /// C-MAPSS counts cycles one by one; an export skips those in which the machine stood still.
    public struct LabelledUnit {
        public var rows: Matrix
        public var cycles: [Int]
        public var labels: [Int]?
    }

    /// `cmapssUnits` with the labels of a file that has a label column after the sensors (every
    /// row of a file has it or none does).
    public static func cmapssLabelledUnits(path: String) throws -> [LabelledUnit] {
        let text = try DataFile.text(path: path)
        var units: [LabelledUnit] = []
        var currentUnit: Int?
        var rows: [[Double]] = []
        var cycles: [Int] = []
        var labels: [Int] = []
        var labelled: Bool?
        func close() {
            guard !rows.isEmpty else { return }
            units.append(LabelledUnit(rows: Matrix(rows), cycles: cycles, labels: labelled == true ? labels : nil))
            rows = []
            cycles = []
            labels = []
        }
        for (lineNumber, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: " ").compactMap { Double($0) }
            if fields.isEmpty { continue }
            guard fields.count == 26 || fields.count == 27, labelled.map({ $0 == (fields.count == 27) }) ?? true else {
                throw Failure(
                    description:
                        "\(path):\(lineNumber + 1): expected \(labelled.map { $0 ? "27" : "26" } ?? "26 or 27") numbers, found \(fields.count)"
                )
            }
            labelled = fields.count == 27
            guard let unit = Int(exactly: fields[0]), let cycle = Int(exactly: fields[1]) else {
                throw Failure(description: "\(path):\(lineNumber + 1): the unit and the cycle are not whole numbers")
            }
            if unit != currentUnit { close() }
            currentUnit = unit
            rows.append(Array(fields[5..<26]) + Array(fields[2..<5]))
            cycles.append(cycle)
            if fields.count == 27 { labels.append(fields[26] > 0.5 ? 1 : 0) }
        }
        close()
        return units
    }

    public static func numbers(path: String) throws -> [Double] {
        try DataFile.text(path: path).split(whereSeparator: { $0.isWhitespace }).map {
            guard let v = Double($0) else { throw Failure(description: "\(path): not a number: \($0)") }
            return v
        }
    }

    /// A labelled sensor table: the sensor columns (every column but the time and the label).
    public struct LabelledTable {
        public var name: String
        public var sensorNames: [String]
        public var values: Matrix
        public var labels: [Int]
    }

    public static func labelledTable(
        path: String, separator: String, timeColumn: String, labelColumn: String
    ) throws
        -> LabelledTable
    {
        let text = try DataFile.text(path: path)
        let lines = text.split(whereSeparator: \.isNewline)
        guard let header = lines.first else { throw Failure(description: "\(path): empty file") }
        let columns = header.components(separatedBy: separator).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let timeIndex = columns.firstIndex(of: timeColumn) else {
            throw Failure(description: "\(path): no time column '\(timeColumn)'")
        }
        guard let labelIndex = columns.firstIndex(of: labelColumn) else {
            throw Failure(description: "\(path): no label column '\(labelColumn)'")
        }
        let sensorIndices = columns.indices.filter { $0 != timeIndex && $0 != labelIndex }
        var values: [Double] = []
        var labels: [Int] = []
        for (n, line) in lines.dropFirst().enumerated() {
            let fields = line.components(separatedBy: separator)
            guard fields.count == columns.count else {
                throw Failure(description: "\(path):\(n + 2): \(fields.count) fields, header has \(columns.count)")
            }
            for j in sensorIndices {
                guard let v = Double(fields[j].trimmingCharacters(in: .whitespaces)) else {
                    throw Failure(description: "\(path):\(n + 2): column \(columns[j]) is not a number: '\(fields[j])'")
                }
                values.append(v)
            }
            guard let label = Double(fields[labelIndex].trimmingCharacters(in: .whitespaces)) else {
                throw Failure(description: "\(path):\(n + 2): label is not a number")
            }
            labels.append(label > 0.5 ? 1 : 0)
        }
        return LabelledTable(
            name: DataFile.plainName((path as NSString).lastPathComponent),
            sensorNames: sensorIndices.map { columns[$0] },
            values: Matrix(rows: labels.count, cols: sensorIndices.count, elements: values), labels: labels)
    }

    /// The .csv and .csv.gz files of a directory, by name.
    public static func csvFiles(in directory: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".csv") || $0.hasSuffix(".csv.gz") }.sorted()
        guard !names.isEmpty else { throw Failure(description: "\(directory): no .csv or .csv.gz files") }
        return names.map { (directory as NSString).appendingPathComponent($0) }
    }
}
