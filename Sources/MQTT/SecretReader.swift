import Foundation
public import PrognosCore

extension Secret {
    /// The secret's value: the environment variable's value, or the file's content without one
    /// trailing newline (`\n` or `\r\n`). Errors name where the secret comes from, never its value.
    public func read(environment: [String: String] = ProcessInfo.processInfo.environment) throws(MQTTError) -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name] else {
                throw MQTTError(code: .configuration, operation: "read secret", message: "\(self) is not set")
            }
            return value
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw MQTTError(code: .configuration, operation: "read secret", message: "cannot read \(self)")
            }
            var bytes = [UInt8](data)
            if bytes.last == UInt8(ascii: "\n") {
                bytes.removeLast()
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
