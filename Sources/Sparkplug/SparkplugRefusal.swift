/// Why a Sparkplug message, or one metric in it, could not be used.
public struct SparkplugRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of refusal; the collector counts by it. An open struct, like the JSON payload's reasons.
    public struct Reason: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Not a Sparkplug B topic (`spBv1.0/GROUP/TYPE/NODE[/DEVICE]` or `spBv1.0/STATE/HOST`).
        public static let badTopic = Reason(rawValue: "sparkplug-bad-topic")
        /// Larger than `SparkplugPayload.maximumSize`.
        public static let tooLarge = Reason(rawValue: "sparkplug-too-large")
        /// Not a protobuf `Payload` (truncated, a wrong wire type, nested too deep).
        public static let malformed = Reason(rawValue: "sparkplug-malformed")
        /// A data type the spec lists that Prognos does not turn into a reading (DataSet, Template,
        /// arrays, …), or a number that is not one of the spec's types.
        public static let unsupportedType = Reason(rawValue: "sparkplug-unsupported-type")
        /// The value field does not hold what the data type says (an Int32 in `string_value`, …),
        /// or the number does not fit the type.
        public static let wrongType = Reason(rawValue: "sparkplug-wrong-type")
        /// Decoded, but not a number (String, Text, UUID, Bytes, File).
        public static let notNumeric = Reason(rawValue: "sparkplug-not-numeric")
        /// A DATA or DEATH message for a node or device without a live birth, or naming a metric
        /// (by name or alias) that its birth did not define.
        public static let unknownMetric = Reason(rawValue: "sparkplug-unknown-metric")
        /// A birth that breaks the spec's rules (a metric without name or data type, an alias twice).
        public static let badBirth = Reason(rawValue: "sparkplug-bad-birth")
        /// A message whose `seq` is not the one after the previous message of its node.
        public static let sequenceGap = Reason(rawValue: "sparkplug-seq-gap")
        /// An NDEATH whose `bdSeq` is not the live birth's: the will of an earlier session.
        public static let staleDeath = Reason(rawValue: "sparkplug-stale-death")
    }

    public var reason: Reason
    /// What exactly was wrong, for logs (never the whole payload).
    public var detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason): \(detail)" }
}
