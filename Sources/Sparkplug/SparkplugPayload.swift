import Foundation
import SwiftProtobuf

/// One metric of a Sparkplug B payload, as sent (a DATA message may carry only an alias and a value).
public struct SparkplugMetric: Sendable, Equatable {
    public var name: String?
    public var alias: UInt64?
    /// Milliseconds since 1970 UTC: when the value was acquired.
    public var timestamp: UInt64?
    /// The data type's number; births must give it, DATA messages may leave it to the birth.
    public var dataType: UInt32?
    /// Not the current value: must not update the live value.
    public var isHistorical: Bool
    /// Not to be stored as a tag by the host (Prognos still reads it as the current value).
    public var isTransient: Bool
    /// The value is null: explicitly unknown.
    public var isNull: Bool
    public var value: SparkplugWireValue

    public init(
        name: String? = nil, alias: UInt64? = nil, timestamp: UInt64? = nil, dataType: SparkplugDataType? = nil,
        isHistorical: Bool = false, isTransient: Bool = false, isNull: Bool = false, value: SparkplugWireValue = .none
    ) {
        self.name = name
        self.alias = alias
        self.timestamp = timestamp
        self.dataType = dataType?.rawValue
        self.isHistorical = isHistorical
        self.isTransient = isTransient
        self.isNull = isNull
        self.value = value
    }
}

/// A Sparkplug B payload (`Payload` of sparkplug_b.proto), decoded from protobuf.
public struct SparkplugPayload: Sendable, Equatable {
    /// Births of thousands of metrics stay far below this; a larger payload is refused unread.
    public static let maximumSize = 4 * 1024 * 1024
    /// Message nesting (Payload → Metric → Template → Metric → PropertySet …) allowed while
    /// decoding: real payloads nest a few levels, and the decoder recurses once per level on the
    /// MQTT network thread's 1 MB stack.
    public static let maximumNesting = 16

    /// Milliseconds since 1970 UTC: when the message was sent.
    public var timestamp: UInt64?
    /// The message's sequence number (0–255); absent on NDEATH.
    public var seq: UInt64?
    public var metrics: [SparkplugMetric]

    public init(timestamp: UInt64? = nil, seq: UInt64? = nil, metrics: [SparkplugMetric] = []) {
        self.timestamp = timestamp
        self.seq = seq
        self.metrics = metrics
    }

    /// Decodes a payload; throws `.tooLarge` or `.malformed` with the reason.
    public init(decoding bytes: UnsafeRawBufferPointer) throws(SparkplugRefusal) {
        guard bytes.count <= Self.maximumSize else {
            throw SparkplugRefusal(.tooLarge, "\(bytes.count) bytes, more than \(Self.maximumSize)")
        }
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = Self.maximumNesting
        options.discardUnknownFields = true
        let message: Org_Eclipse_Tahu_Protobuf_Payload
        do {
            message = try Org_Eclipse_Tahu_Protobuf_Payload(serializedBytes: bytes.bytes, options: options)
        } catch {
            throw SparkplugRefusal(.malformed, "not a Sparkplug B payload: \(error)")
        }
        self.init(message)
    }

    public init(decoding bytes: [UInt8]) throws(SparkplugRefusal) {
        let decoded = bytes.withUnsafeBytes { buffer in
            Result { () throws(SparkplugRefusal) in try Self(decoding: buffer) }
        }
        self = try decoded.get()
    }

    private init(_ message: Org_Eclipse_Tahu_Protobuf_Payload) {
        timestamp = message.hasTimestamp ? message.timestamp : nil
        seq = message.hasSeq ? message.seq : nil
        metrics = message.metrics.map(SparkplugMetric.init)
    }

    /// The protobuf bytes (edge-node side: tests, the fuzz corpus, the rebirth request).
    public func serialized() -> [UInt8] {
        var message = Org_Eclipse_Tahu_Protobuf_Payload()
        if let timestamp { message.timestamp = timestamp }
        if let seq { message.seq = seq }
        message.metrics = metrics.map(\.message)
        // Serializing a message built from these fields cannot fail (no required fields in proto2 here).
        return (try? message.serializedBytes()) ?? []
    }

    /// The metric a host sets to ask an edge node for new births (spec 3.0, "Node Control/Rebirth").
    public static let rebirthMetric = "Node Control/Rebirth"

    /// The NCMD payload that asks an edge node to publish its births again.
    public static func rebirthRequest(at milliseconds: UInt64) -> SparkplugPayload {
        SparkplugPayload(
            timestamp: milliseconds,
            metrics: [
                SparkplugMetric(
                    name: rebirthMetric, timestamp: milliseconds, dataType: .boolean, value: .boolean(true))
            ])
    }
}

extension SparkplugMetric {
    init(_ metric: Org_Eclipse_Tahu_Protobuf_Payload.Metric) {
        name = metric.hasName ? metric.name : nil
        alias = metric.hasAlias ? metric.alias : nil
        timestamp = metric.hasTimestamp ? metric.timestamp : nil
        dataType = metric.hasDatatype ? metric.datatype : nil
        isHistorical = metric.isHistorical
        isTransient = metric.isTransient
        isNull = metric.isNull
        value =
            switch metric.value {
            case nil: .none
            case .intValue(let v): .int(v)
            case .longValue(let v): .long(v)
            case .floatValue(let v): .float(v)
            case .doubleValue(let v): .double(v)
            case .booleanValue(let v): .boolean(v)
            case .stringValue(let v): .string(v)
            case .bytesValue(let v): .bytes(count: v.count)
            case .datasetValue: .dataSet
            case .templateValue: .template
            case .extensionValue: .extension
            }
    }

    var message: Org_Eclipse_Tahu_Protobuf_Payload.Metric {
        var metric = Org_Eclipse_Tahu_Protobuf_Payload.Metric()
        if let name { metric.name = name }
        if let alias { metric.alias = alias }
        if let timestamp { metric.timestamp = timestamp }
        if let dataType { metric.datatype = dataType }
        if isHistorical { metric.isHistorical = true }
        if isTransient { metric.isTransient = true }
        if isNull { metric.isNull = true }
        switch value {
        case .none: break
        case .int(let v): metric.intValue = v
        case .long(let v): metric.longValue = v
        case .float(let v): metric.floatValue = v
        case .double(let v): metric.doubleValue = v
        case .boolean(let v): metric.booleanValue = v
        case .string(let v): metric.stringValue = v
        case .bytes(let count): metric.bytesValue = Data(count: count)
        case .dataSet: metric.datasetValue = .init()
        case .template: metric.templateValue = .init()
        case .extension: metric.extensionValue = .init()
        }
        return metric
    }
}
