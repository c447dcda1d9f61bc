import CZlib

/// Reads the data files that `prognos eval` and the tests use, gzip-compressed or not: zlib's
/// `gzread` passes an uncompressed file through unchanged, so callers need not know which it is.
public enum DataFile {
    public struct ReadError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The whole file (decompressed when it is gzip), as bytes.
    public static func bytes(path: String) throws -> [UInt8] {
        guard let file = gzopen(path, "rb") else {
            throw ReadError(description: "\(path): cannot open the file")
        }
        defer { gzclose(file) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if count < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
                throw ReadError(description: "\(path): \(message)")
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<Int(count)])
        }
        return result
    }

    /// The whole file as UTF-8 text; a byte sequence that is not UTF-8 is an error.
    public static func text(path: String) throws -> String {
        let data = try bytes(path: path)
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ReadError(description: "\(path): not UTF-8 text")
        }
        return text
    }

    /// A data file's name without its compression suffix ("fault01.csv.gz" → "fault01.csv").
    public static func plainName(_ name: String) -> String {
        name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
    }
}
