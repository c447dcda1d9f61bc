/// Why a payload (or one value in it) could not be used.
public struct PayloadRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of rejection; statistics count by it. An open struct, like `MQTTError.Code`.
    public struct Reason: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        public static func < (a: Reason, b: Reason) -> Bool { a.rawValue < b.rawValue }

        /// Larger than `PayloadDecoder.maximumPayloadSize` (64 KiB).
        public static let tooLarge = Reason(rawValue: "too-large")
        /// Not JSON (nor, for the path `$`, a bare number).
        public static let malformed = Reason(rawValue: "malformed-json")
        /// Nested deeper than `PayloadDecoder.maximumNesting` arrays and objects.
        public static let tooDeep = Reason(rawValue: "too-deep")
        /// A key on the path appears twice in its object, so the value is ambiguous.
        public static let duplicateKey = Reason(rawValue: "duplicate-key")
        /// Nothing at the path.
        public static let missing = Reason(rawValue: "missing")
        /// The value is an object, an array, null, or a string that is not a number.
        public static let notNumeric = Reason(rawValue: "not-numeric")
        /// NaN or ±infinity (a number too large for a Double, or a string such as "NaN").
        public static let notFinite = Reason(rawValue: "not-finite")
        /// The timestamp is missing, or neither an ISO 8601 date-time nor an epoch number.
        public static let badTimestamp = Reason(rawValue: "bad-timestamp")
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
