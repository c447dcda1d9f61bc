import Foundation
import PrognosCore
import Yams

/// The location of a YAML node, 1-based.
func location(of node: Node) -> SourceLocation {
    guard let mark = node.mark else { return SourceLocation(line: 1, column: 1) }
    return SourceLocation(line: mark.line, column: mark.column)
}

/// Keys that would hold a secret. A plant file names where a secret comes from, never the secret.
let inlineSecretKeys: Set<String> = ["password", "passwd", "secret", "token", "key_password", "api_key"]

/// A YAML mapping read for one element of the plant file (a sensor, a device, …), reporting
/// every problem with its location into the shared diagnostics instead of stopping at the first.
struct YAMLMap {
    let what: String
    let location: SourceLocation
    let pairs: [(key: String, keyLocation: SourceLocation, value: Node)]
    let diagnostics: Diagnostics

    /// Reads `node` as a mapping; reports and returns nil when it is something else.
    init?(_ node: Node, what: String, diagnostics: Diagnostics) {
        guard case .mapping(let mapping) = node else {
            diagnostics.report("expected a mapping for \(what)", at: PlantFile.location(of: node))
            return nil
        }
        self.what = what
        self.location = PlantFile.location(of: node)
        self.diagnostics = diagnostics
        self.pairs = mapping.map { pair in (pair.key.string ?? "", PlantFile.location(of: pair.key), pair.value) }
    }

    /// Reports every key that is not in `allowed`, suggesting the closest allowed one.
    func checkKeys(_ allowed: [String]) {
        for (key, keyLocation, _) in pairs where !allowed.contains(key) {
            if inlineSecretKeys.contains(key) {
                diagnostics.report(
                    "secret written inline in \(what): '\(key)' is not allowed; use '\(key)_env' (an environment variable) or '\(key)_file' (a file)",
                    at: keyLocation)
            } else if let suggestion = closestMatch(to: key, in: allowed) {
                diagnostics.report("unknown key '\(key)' in \(what); did you mean '\(suggestion)'?", at: keyLocation)
            } else {
                diagnostics.report(
                    "unknown key '\(key)' in \(what); allowed: \(allowed.joined(separator: ", "))", at: keyLocation)
            }
        }
    }

    func has(_ key: String) -> Bool { pairs.contains { $0.key == key } }

    func node(_ key: String) -> Node? { pairs.first { $0.key == key }?.value }

    func keyLocation(_ key: String) -> SourceLocation { pairs.first { $0.key == key }?.keyLocation ?? location }

    /// The node of a required key; reports its absence at the mapping.
    func required(_ key: String) -> Node? {
        if let node = node(key) { return node }
        // A misspelt key is reported as unknown with this key as its suggestion: that message says it all.
        if pairs.contains(where: { $0.key != key && closestMatch(to: $0.key, in: [key]) != nil }) { return nil }
        diagnostics.report("missing required key '\(key)' in \(what)", at: location)
        return nil
    }

    private func node(_ key: String, required: Bool) -> Node? { required ? self.required(key) : node(key) }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let node = node(key, required: required) else { return nil }
        return scalarString(node, key: key)
    }

    func scalarString(_ node: Node, key: String) -> String? {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            diagnostics.report("'\(key)' in \(what) must be a non-empty text", at: PlantFile.location(of: node))
            return nil
        }
        return scalar.string
    }

    func double(_ key: String, required: Bool = false) -> Double? {
        guard let node = node(key, required: required) else { return nil }
        return number(node, key: key)
    }

    func number(_ node: Node, key: String) -> Double? {
        if case .scalar(let scalar) = node, let value = Double(scalar.string.replacingOccurrences(of: "_", with: "")),
            value.isFinite
        {
            return value
        }
        diagnostics.report("'\(key)' in \(what) must be a finite number", at: PlantFile.location(of: node))
        return nil
    }

    func int(_ key: String, required: Bool = false, range: ClosedRange<Int>) -> Int? {
        guard let node = node(key, required: required) else { return nil }
        guard case .scalar(let scalar) = node, let value = Int(scalar.string.replacingOccurrences(of: "_", with: ""))
        else {
            diagnostics.report("'\(key)' in \(what) must be a whole number", at: PlantFile.location(of: node))
            return nil
        }
        guard range.contains(value) else {
            diagnostics.report(
                "'\(key)' in \(what) is \(value), outside \(range.lowerBound)…\(range.upperBound)",
                at: PlantFile.location(of: node))
            return nil
        }
        return value
    }

    /// A duration such as `500ms`, `1s`, `5m`, `2h`, `7d`, at most `maximum` (a year unless the key
    /// needs less), so that every consumer can convert it to whole milliseconds or seconds safely.
    func duration(_ key: String, required: Bool = false, maximum: Duration = .seconds(366 * 86_400)) -> Duration? {
        guard let node = node(key, required: required), let text = scalarString(node, key: key) else { return nil }
        guard let seconds = DurationText.seconds(text) else {
            diagnostics.report(
                "'\(key)' in \(what) must be a duration with a unit, such as 500ms, 1s, 5m, 2h or 7d (got '\(text)')",
                at: PlantFile.location(of: node))
            return nil
        }
        let longest = Double(maximum.components.seconds)
        guard seconds <= longest else {
            diagnostics.report(
                "'\(key)' in \(what) is \(text), longer than the most it may be (\(formatDuration(maximum)))",
                at: PlantFile.location(of: node))
            return nil
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// An identifier: letters, digits, '-', '_' and '.', as it becomes part of MQTT topics and keys.
    func identifier(_ key: String = "id", required: Bool = true) -> String? {
        guard let node = node(key, required: required), let text = scalarString(node, key: key) else { return nil }
        guard isValidIdentifier(text) else {
            diagnostics.report(
                "'\(key)' in \(what) must use only letters, digits, '-', '_' and '.', and start with a letter or digit (got '\(text)')",
                at: PlantFile.location(of: node))
            return nil
        }
        return text
    }

    func map(_ key: String, what: String, required: Bool = false) -> YAMLMap? {
        guard let node = node(key, required: required) else { return nil }
        return YAMLMap(node, what: what, diagnostics: diagnostics)
    }

    func sequence(_ key: String, required: Bool = false) -> [Node] {
        guard let node = node(key, required: required) else { return [] }
        guard case .sequence(let sequence) = node else {
            diagnostics.report("'\(key)' in \(what) must be a list", at: PlantFile.location(of: node))
            return []
        }
        return Array(sequence)
    }

    /// A list of texts, each with its location (for reference checks).
    func stringList(_ key: String, required: Bool = false) -> [(String, SourceLocation)] {
        sequence(key, required: required).compactMap { node in
            scalarString(node, key: key).map { ($0, PlantFile.location(of: node)) }
        }
    }
}

func isValidIdentifier(_ text: String) -> Bool {
    guard let first = text.unicodeScalars.first, first.isASCIIAlphanumeric else { return false }
    return text.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "-" || $0 == "_" || $0 == "." }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
