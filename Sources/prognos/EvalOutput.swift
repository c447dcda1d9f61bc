import Evaluation
import Foundation

extension EvalData {
    /// One JSON object on one line, keys sorted.
    static func printJSON(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

enum OutputFormat: String, CaseIterable, Sendable {
    case text, json
}
