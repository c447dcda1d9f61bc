import Foundation
import PrognosCore
import Yams

/// Loads a plant file (YAML) into a `Plant`, or reports every problem in it with its location.
public enum PlantFileLoader {
    /// Reads and validates the plant file at `path`.
    public static func load(path: String) throws(PlantFileError) -> Plant {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw PlantFileError(problems: [
                PlantFileProblem(
                    file: path, location: SourceLocation(line: 1, column: 1),
                    reason: "cannot read the file: \(error.localizedDescription)")
            ])
        }
        switch UTF8Text.decode(bytes) {
        case .success(let text):
            return try load(yaml: text, file: path)
        case .failure(let invalid):
            let byte = "0x" + String(invalid.byte, radix: 16, uppercase: true)
            throw PlantFileError(problems: [
                PlantFileProblem(
                    file: path, location: invalid.location,
                    reason: "the plant file is not UTF-8 text: byte \(byte) here does not begin a valid character")
            ])
        }
    }

    /// Validates plant-file text; `file` names it in the problems reported.
    public static func load(yaml text: String, file: String) throws(PlantFileError) -> Plant {
        let diagnostics = Diagnostics(file: file)
        let root: Node?
        switch onLargeStack({ Result { try Yams.compose(yaml: text) } }) {
        case .success(let node):
            root = node
        case .failure(let error):
            diagnostics.report(syntaxError: error)
            throw PlantFileError(problems: diagnostics.sortedProblems)
        }
        guard let root else {
            diagnostics.report("the plant file is empty", at: SourceLocation(line: 1, column: 1))
            throw PlantFileError(problems: diagnostics.sortedProblems)
        }
        let plant = PlantReader(diagnostics: diagnostics).read(root)
        guard let plant, diagnostics.problems.isEmpty else {
            throw PlantFileError(problems: diagnostics.sortedProblems)
        }
        return plant
    }
}

extension Diagnostics {
    /// Reports a YAML syntax error (from libyaml through Yams) with its location.
    func report(syntaxError error: any Error) {
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            report("YAML syntax error: \(detail)", at: SourceLocation(line: mark.line, column: mark.column))
        case .duplicatedKeysInMapping(let duplicates, let context):
            report(
                "duplicate key '\(duplicates.joined(separator: "', '"))' in one mapping",
                at: SourceLocation(line: context.mark.line, column: context.mark.column))
        default:
            report("cannot read YAML: \(error)", at: SourceLocation(line: 1, column: 1))
        }
    }
}
