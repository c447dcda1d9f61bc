/// The data types of Sparkplug B 3.0 (`DataType` in sparkplug_b.proto), by their numbers on the wire.
public enum SparkplugDataType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case unknown = 0
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case float, double, boolean, string, dateTime, text
    case uuid, dataSet, bytes, file, template
    case propertySet, propertySetList
    case int8Array, int16Array, int32Array, int64Array
    case uint8Array, uint16Array, uint32Array, uint64Array
    case floatArray, doubleArray, booleanArray, stringArray, dateTimeArray

    /// The spec's spelling (`Int8`, `DateTime`, `UUID`, …), for messages.
    public var description: String {
        switch self {
        case .unknown: "Unknown"
        case .int8: "Int8"
        case .int16: "Int16"
        case .int32: "Int32"
        case .int64: "Int64"
        case .uint8: "UInt8"
        case .uint16: "UInt16"
        case .uint32: "UInt32"
        case .uint64: "UInt64"
        case .float: "Float"
        case .double: "Double"
        case .boolean: "Boolean"
        case .string: "String"
        case .dateTime: "DateTime"
        case .text: "Text"
        case .uuid: "UUID"
        case .dataSet: "DataSet"
        case .bytes: "Bytes"
        case .file: "File"
        case .template: "Template"
        case .propertySet: "PropertySet"
        case .propertySetList: "PropertySetList"
        case .int8Array: "Int8Array"
        case .int16Array: "Int16Array"
        case .int32Array: "Int32Array"
        case .int64Array: "Int64Array"
        case .uint8Array: "UInt8Array"
        case .uint16Array: "UInt16Array"
        case .uint32Array: "UInt32Array"
        case .uint64Array: "UInt64Array"
        case .floatArray: "FloatArray"
        case .doubleArray: "DoubleArray"
        case .booleanArray: "BooleanArray"
        case .stringArray: "StringArray"
        case .dateTimeArray: "DateTimeArray"
        }
    }

    /// Why Prognos refuses metrics of this type, or nil for the types it decodes. A reading is one
    /// number at one time; these hold many values or structure.
    public var refusal: String? {
        switch self {
        case .unknown: "data type Unknown (0) is a placeholder, not a value"
        case .dataSet: "a DataSet is a table, not one reading"
        case .template: "a Template is a structure of metrics, not one reading"
        case .propertySet, .propertySetList: "\(self) is a property type, not a metric value"
        case .int8Array, .int16Array, .int32Array, .int64Array, .uint8Array, .uint16Array, .uint32Array,
            .uint64Array, .floatArray, .doubleArray, .booleanArray, .stringArray, .dateTimeArray:
            "\(self) holds many values, not one reading"
        default: nil
        }
    }
}
