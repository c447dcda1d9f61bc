import Foundation
import PrognosCore

/// One signal's readings of one minute as the row of `readings_packed` holds them: JSON arrays
/// that SQLite's `json_each` reads (`readings_view`), with the minute's summary for `readings_1m`.
///
/// Times are offsets from `minute` in seconds, written with the fewest decimals (up to 6) that give
/// the reading's time back exactly (`minute + offset`), else as the offset's shortest text; values
/// as their shortest text that reads back the same `Double`, `null` for no value. Qualities are
/// stored only when one is not `good` (most minutes are all good). Pure: no I/O.
struct PackedMinute: Equatable, Sendable {
    var minute: Double
    /// Ascending, no time twice.
    var times: [Double] = []
    var values: [Double?] = []
    var qualities: [Quality] = []

    var count: Int { times.count }

    /// The minute (unix seconds, a multiple of 60) that holds `time`.
    static func minute(of time: Double) -> Double { (time / 60).rounded(.down) * 60 }

    mutating func append(time: Double, value: Double?, quality: Quality) {
        times.append(time)
        values.append(value)
        qualities.append(quality)
    }

    /// `self`'s readings with `later`'s, in time order; of two readings at one time `self`'s is
    /// kept (the first stored wins, as for readings of one batch). Returns the readings of `later`
    /// that were dropped as duplicates.
    mutating func merge(_ later: PackedMinute) -> Int {
        var merged = PackedMinute(minute: minute)
        var i = 0
        var j = 0
        var dropped = 0
        while i < count || j < later.count {
            if j == later.count || (i < count && times[i] <= later.times[j]) {
                if j < later.count, times[i] == later.times[j] {
                    j += 1
                    dropped += 1
                }
                merged.append(time: times[i], value: values[i], quality: qualities[i])
                i += 1
            } else {
                merged.append(time: later.times[j], value: later.values[j], quality: later.qualities[j])
                j += 1
            }
        }
        self = merged
        return dropped
    }

    // MARK: - Summary (`readings_1m`'s columns, over good readings with a value)

    struct Summary: Equatable {
        var goodCount = 0
        var min: Double?
        var mean: Double?
        var max: Double?
    }

    var summary: Summary {
        var summary = Summary()
        var sum = 0.0
        for (value, quality) in zip(values, qualities) where quality == .good {
            guard let value else { continue }
            summary.goodCount += 1
            sum += value
            summary.min = Swift.min(summary.min ?? value, value)
            summary.max = Swift.max(summary.max ?? value, value)
        }
        if summary.goodCount > 0 { summary.mean = sum / Double(summary.goodCount) }
        return summary
    }

    // MARK: - Encoding

    struct Encoded: Equatable {
        var times: String
        var values: String
        /// nil when every reading is good.
        var qualities: String?
    }

    func encoded() -> Encoded {
        var times = "["
        var values = "["
        times.reserveCapacity(count * 10)
        values.reserveCapacity(count * 12)
        for index in self.times.indices {
            if index > 0 {
                times.append(",")
                values.append(",")
            }
            Self.appendOffset(self.times[index], from: minute, to: &times)
            if let value = self.values[index] {
                values.append(value.description)
            } else {
                values.append("null")
            }
        }
        times.append("]")
        values.append("]")
        var qualityText: String?
        if qualities.contains(where: { $0 != .good }) {
            qualityText = "[" + qualities.map { "\"\($0.rawValue)\"" }.joined(separator: ",") + "]"
        }
        return Encoded(times: times, values: values, qualities: qualityText)
    }

    /// The offset of `time` from `minute` with the fewest decimals (≤ 6) such that `minute + offset`
    /// is `time` again. A decimal n / 10^k is read back as the `Double` nearest to it, and so is
    /// `Double(n) / 10^k` (one correctly rounded division), so the test needs no parsing.
    private static func appendOffset(_ time: Double, from minute: Double, to text: inout String) {
        let offset = time - minute
        var scale = 1.0
        for decimals in 0...6 {
            let scaled = (offset * scale).rounded()
            if scaled >= 0, scaled < 1e15, minute + scaled / scale == time {
                let n = UInt64(scaled)
                let unit = UInt64(scale)
                text.append(String(n / unit))
                if decimals > 0 {
                    let fraction = String(n % unit)
                    text.append(".")
                    text.append(String(repeating: "0", count: decimals - fraction.count))
                    text.append(fraction)
                }
                return
            }
            scale *= 10
        }
        text.append(offset.description)
    }

    // MARK: - Decoding

    /// The minute from its stored columns; nil if they do not read as one (a damaged row).
    static func decode(minute: Double, times: String, values: String, qualities: String?) -> PackedMinute? {
        guard let offsets = numbers(times), let values = numbers(values), offsets.count == values.count else {
            return nil
        }
        var packed = PackedMinute(minute: minute)
        packed.times = offsets.map { minute + ($0 ?? .nan) }
        packed.values = values
        if let qualities {
            guard let names = strings(qualities), names.count == offsets.count else { return nil }
            packed.qualities = names.map { Quality(rawValue: $0) ?? .badValue }
        } else {
            packed.qualities = Array(repeating: .good, count: offsets.count)
        }
        return packed
    }

    /// The elements of a JSON array of numbers and nulls.
    static func numbers(_ json: String) -> [Double?]? {
        var text = json
        return text.withUTF8 { bytes -> [Double?]? in
            var out: [Double?] = []
            var index = 0
            func skipSpace() {
                while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x09 {
                    index += 1
                }
            }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return nil }
            index += 1
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { return out }
            while index < bytes.count {
                skipSpace()
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "]") {
                    index += 1
                }
                guard index < bytes.count else { return nil }
                var end = index
                while end > start, bytes[end - 1] == 0x20 { end -= 1 }
                let token = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if token.elementsEqual("null".utf8) {
                    out.append(nil)
                } else {
                    guard let number = Double(String(decoding: token, as: UTF8.self)) else { return nil }
                    out.append(number)
                }
                if bytes[index] == UInt8(ascii: "]") { return out }
                index += 1
            }
            return nil
        }
    }

    /// The elements of a JSON array of strings without escapes (quality names).
    static func strings(_ json: String) -> [String]? {
        let trimmed = json.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("["), trimmed.hasSuffix("]") else { return nil }
        let body = trimmed.dropFirst().dropLast()
        if body.allSatisfy({ $0 == " " }) { return [] }
        var out: [String] = []
        for item in body.split(separator: ",", omittingEmptySubsequences: false) {
            let element = item.trimmingCharacters(in: .whitespaces)
            guard element.count >= 2, element.hasPrefix("\""), element.hasSuffix("\"") else { return nil }
            out.append(String(element.dropFirst().dropLast()))
        }
        return out
    }
}
