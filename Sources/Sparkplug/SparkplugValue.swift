/// A metric's value, decoded by its data type.
public enum SparkplugValue: Sendable, Equatable {
    /// Int8 … Int64, UInt8 … UInt32 (exact).
    case integer(Int64)
    /// UInt64 (may exceed Int64).
    case unsigned(UInt64)
    /// Float (widened exactly) and Double.
    case real(Double)
    case boolean(Bool)
    /// DateTime: milliseconds since 1970 UTC.
    case dateTime(UInt64)
    /// String, Text, UUID.
    case text(String)
    /// Bytes, File: their length only; Prognos keeps no blobs.
    case bytes(count: Int)

    /// The number a reading carries, or why there is none. Booleans are 1 and 0, as the JSON
    /// scanner reads `true` and `false`; DateTime is epoch seconds.
    public var number: Result<Double, SparkplugRefusal> {
        switch self {
        case .integer(let v): .success(Double(v))
        case .unsigned(let v): .success(Double(v))
        case .real(let v): .success(v)
        case .boolean(let v): .success(v ? 1 : 0)
        case .dateTime(let ms): .success(Double(ms) / 1000)
        case .text(let v): .failure(SparkplugRefusal(.notNumeric, "a text value (\(v.utf8.count) bytes)"))
        case .bytes(let count): .failure(SparkplugRefusal(.notNumeric, "a bytes value (\(count) bytes)"))
        }
    }
}

/// The value field of a metric as it came off the wire, before its data type is applied (a DATA
/// message may leave the type to the birth).
public enum SparkplugWireValue: Sendable, Equatable {
    case none
    case int(UInt32)
    case long(UInt64)
    case float(Float)
    case double(Double)
    case boolean(Bool)
    case string(String)
    case bytes(count: Int)
    case dataSet
    case template
    case `extension`

    var fieldName: String {
        switch self {
        case .none: "no value field"
        case .int: "int_value"
        case .long: "long_value"
        case .float: "float_value"
        case .double: "double_value"
        case .boolean: "boolean_value"
        case .string: "string_value"
        case .bytes: "bytes_value"
        case .dataSet: "dataset_value"
        case .template: "template_value"
        case .extension: "extension_value"
        }
    }

    /// The value as `type` says to read it, or why it cannot be read so.
    public func decoded(as type: SparkplugDataType) -> Result<SparkplugValue, SparkplugRefusal> {
        if let refusal = type.refusal { return .failure(SparkplugRefusal(.unsupportedType, refusal)) }
        let decoded: SparkplugValue? =
            switch (type, self) {
            case (.int8, .int(let v)): Self.signed(v, bits: 8)
            case (.int16, .int(let v)): Self.signed(v, bits: 16)
            case (.int32, .int(let v)): .integer(Int64(Int32(bitPattern: v)))
            // Some edge nodes put 32-bit types in long_value; the number decides, not the field.
            case (.int8, .long(let v)): UInt32(exactly: v).flatMap { Self.signed($0, bits: 8) }
            case (.int16, .long(let v)): UInt32(exactly: v).flatMap { Self.signed($0, bits: 16) }
            case (.int32, .long(let v)): UInt32(exactly: v).map { .integer(Int64(Int32(bitPattern: $0))) }
            case (.int64, .long(let v)): .integer(Int64(bitPattern: v))
            case (.uint8, .int(let v)): v <= UInt8.max ? .integer(Int64(v)) : nil
            case (.uint16, .int(let v)): v <= UInt16.max ? .integer(Int64(v)) : nil
            case (.uint32, .int(let v)): .integer(Int64(v))
            case (.uint8, .long(let v)): v <= UInt8.max ? .integer(Int64(v)) : nil
            case (.uint16, .long(let v)): v <= UInt16.max ? .integer(Int64(v)) : nil
            case (.uint32, .long(let v)): v <= UInt32.max ? .integer(Int64(v)) : nil
            case (.uint64, .long(let v)): .unsigned(v)
            case (.uint64, .int(let v)): .unsigned(UInt64(v))
            case (.float, .float(let v)): .real(Double(v))
            case (.double, .double(let v)): .real(v)
            case (.boolean, .boolean(let v)): .boolean(v)
            case (.dateTime, .long(let v)): .dateTime(v)
            case (.string, .string(let v)), (.text, .string(let v)), (.uuid, .string(let v)): .text(v)
            case (.bytes, .bytes(let count)), (.file, .bytes(let count)): .bytes(count: count)
            default: nil
            }
        guard let decoded else {
            return .failure(SparkplugRefusal(.wrongType, "a \(type) metric with \(describedForRefusal)"))
        }
        return .success(decoded)
    }

    /// An N-bit signed type in a uint32: either the N-bit two's complement (pysparkplug: -1 as 255)
    /// or sign-extended to 32 bits (Eclipse Tahu: -1 as 0xFFFFFFFF); nil when it fits neither.
    private static func signed(_ raw: UInt32, bits: Int) -> SparkplugValue? {
        let limit = UInt32(1) << bits
        if raw < limit {
            let value = Int64(raw)
            return .integer(raw >= limit / 2 ? value - Int64(limit) : value)
        }
        let extended = Int64(Int32(bitPattern: raw))
        return extended >= -Int64(limit / 2) && extended < 0 ? .integer(extended) : nil
    }

    private var describedForRefusal: String {
        switch self {
        case .int(let v): "int_value \(v), which it cannot hold"
        case .long(let v): "long_value \(v), which it cannot hold"
        default: fieldName
        }
    }
}
