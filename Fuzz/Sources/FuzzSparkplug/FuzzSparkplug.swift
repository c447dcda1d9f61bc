// libFuzzer target: the Sparkplug B payload decoder and the host's state machine.
// Properties: no crash; every payload is decoded or refused with a reason; a decoded payload
// survives the wire again unchanged; every metric the host passes on is a value, null or a refusal
// with a reason, and every value's number is a Double or a refusal with a reason.
import CFuzzDriver
import PrognosCore
import Sparkplug

let kinds: [SparkplugTopic.Kind] = [.nodeBirth, .deviceBirth, .nodeData, .deviceData, .deviceDeath, .nodeDeath]

func refusalHasAReason(_ refusal: SparkplugRefusal, _ context: String) {
    if refusal.reason.rawValue.isEmpty || refusal.detail.isEmpty { fatalError("refusal without a reason: \(context)") }
}

/// Whether a payload holds NaN, which makes `==` false for equal payloads.
func holdsNaN(_ payload: SparkplugPayload) -> Bool {
    payload.metrics.contains {
        switch $0.value {
        case .float(let v): v.isNaN
        case .double(let v): v.isNaN
        default: false
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let first = pointer[0]
    let bytes = UnsafeRawBufferPointer(start: pointer + 1, count: count - 1)
    let payload: SparkplugPayload
    do {
        payload = try SparkplugPayload(decoding: bytes)
    } catch {
        refusalHasAReason(error, "decoding \(count - 1) bytes")
        return 0
    }
    let again: SparkplugPayload
    do {
        again = try SparkplugPayload(decoding: payload.serialized())
    } catch {
        fatalError("a decoded payload does not decode again: \(error)")
    }
    if again != payload && !holdsNaN(payload) { fatalError("the wire changed the payload: \(payload) → \(again)") }

    // The same payload as a birth, then as the message the first byte names, on one host.
    var host = SparkplugHost()
    let kind = kinds[Int(first) % kinds.count]
    let device = kind == .deviceBirth || kind == .deviceData || kind == .deviceDeath ? "D" : nil
    var outcomes = [
        host.receive(SparkplugTopic(kind: .nodeBirth, group: "G", edgeNode: "E"), payload, receivedAt: 1)
    ]
    if first & 0x80 != 0 {
        outcomes.append(
            host.receive(
                SparkplugTopic(kind: .deviceBirth, group: "G", edgeNode: "E", device: "D"), payload, receivedAt: 2))
    }
    outcomes.append(
        host.receive(SparkplugTopic(kind: kind, group: "G", edgeNode: "E", device: device), payload, receivedAt: 3))
    for outcome in outcomes {
        for refusal in outcome.refusals { refusalHasAReason(refusal, "the host") }
        for update in outcome.updates {
            switch update.content {
            case .null: break
            case .refused(let refusal): refusalHasAReason(refusal, "metric \(update.name)")
            case .value(let value):
                if case .failure(let refusal) = value.number { refusalHasAReason(refusal, "number of \(value)") }
            }
            if update.timestamp.isNaN { fatalError("NaN timestamp for \(update.name)") }
        }
    }
    return 0
}

@_cdecl("FuzzSparkplug_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) {
        prognos_fuzz_on_stack(ThreadStack.smallestBytes, { fuzzOne($0!, $1) }, $0, $1)
    }
}
