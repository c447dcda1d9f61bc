// libFuzzer target: MQTT payload extraction, PayloadDecoder.decode and PayloadDecoder.value(at:in:).
// Properties: no crash; every extracted value (and timestamp) is finite; a payload built around a
// random finite Double at a random path gives back exactly that Double (bit for bit).
import CFuzzDriver
import MQTT
import PrognosCore

struct Bytes {
    let data: UnsafeBufferPointer<UInt8>
    var i = 0
    mutating func u8() -> UInt8 {
        defer { i += 1 }
        return i < data.count ? data[i] : 0
    }
    mutating func u64() -> UInt64 { (0..<8).reduce(0) { acc, _ in acc << 8 | UInt64(u8()) } }
    var rest: [UInt8] { i < data.count ? Array(data[i...]) : [] }
}

func path(_ text: String) -> JSONPath { try! JSONPath(parsing: text) }
let fixedPaths = [
    "$", "$.value", "$.v", "$.data.temperature", "$.values[0]", "$.values[2].v", "$['key with spaces']", "$.a[0][1]",
].map(path)
let fixedDecoder = PayloadDecoder(
    fields: fixedPaths.map { PayloadDecoder.Field(value: $0, timestamp: path("$.ts")) }
        + [PayloadDecoder.Field(value: path("$.value"), timestamp: path("$.time"))])

func check(_ results: [Result<PayloadDecoder.Extracted, PayloadRejection>], _ payload: [UInt8]) {
    for case .success(let e) in results {
        if !e.value.isFinite || !(e.timestamp?.isFinite ?? true) {
            fatalError("non-finite extraction \(e) from \(String(decoding: payload, as: UTF8.self).debugDescription)")
        }
    }
}

let keyAlphabet = Array("abcxy")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    var b = Bytes(data: UnsafeBufferPointer(start: pointer, count: count))
    let mode = b.u8()
    if mode & 1 == 0 {
        // Arbitrary payload against fixed paths.
        let payload = b.rest
        check(fixedDecoder.decode(payload), payload)
        if case .success(let v) = PayloadDecoder.value(at: fixedPaths[Int(mode >> 1) % fixedPaths.count], in: payload),
            !v.isFinite
        {
            fatalError("non-finite value(at:) from \(payload)")
        }
        return 0
    }
    // Built payload: a finite Double at a random path, inside noise siblings.
    let number = Double(bitPattern: b.u64())
    guard number.isFinite else { return 0 }
    let depth = Int(b.u8()) % 6
    var pathText = "$"
    var components: [(key: String?, index: Int)] = []
    for _ in 0..<depth {
        let c = b.u8()
        if c & 1 == 0 {
            let length = 1 + Int(c >> 1) % 6
            var key = ""
            for _ in 0..<length { key.append(keyAlphabet[Int(b.u8()) % keyAlphabet.count]) }
            if c & 2 != 0 { key.append(" \(c)") }  // spaces need the bracket form
            pathText += key.contains(" ") ? "['\(key)']" : ".\(key)"
            components.append((key, 0))
        } else {
            let index = Int(c >> 1) % 5
            pathText += "[\(index)]"
            components.append((nil, index))
        }
    }
    let style = b.u8()
    var json = style & 1 == 0 ? "\(number)" : "\"\(number)\""
    for component in components.reversed() {
        if let key = component.key {
            let escaped = key  // letters, digits and spaces only: no escaping needed
            json =
                style & 2 == 0
                ? "{\"\(escaped)\": \(json)}"
                : "{\"noise\": [1, {\"x\": null}], \"\(escaped)\" :\(json), \"t\": \"2024-01-01T00:00:00Z\"}"
        } else {
            json =
                "["
                + Array(repeating: style & 4 == 0 ? "0" : "{\"v\": -1.5e3}", count: component.index).map { $0 + ", " }
                .joined() + json + "]"
        }
    }
    let payload = Array(json.utf8)
    let result = PayloadDecoder.value(at: path(pathText), in: payload)
    guard case .success(let got) = result, got.bitPattern == number.bitPattern else {
        fatalError(
            "\(number) (bits \(String(number.bitPattern, radix: 16))) at \(pathText) in \(json) extracted as \(result)")
    }
    return 0
}

@_cdecl("FuzzMQTT_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) {
        prognos_fuzz_on_stack(ThreadStack.smallestBytes, { fuzzOne($0!, $1) }, $0, $1)
    }
}
