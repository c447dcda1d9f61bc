internal import CMosquitto

/// An MQTT failure with the words libmosquitto (or the broker's CONNACK) used for it.
///
/// `Code` is an open struct: new causes can be added without breaking `switch`es elsewhere.
public struct MQTTError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// libmosquitto returned an error; `libraryCode` holds its `MOSQ_ERR_*` value.
        public static let library = Code(rawValue: "library")
        /// The broker refused the connection in its CONNACK; `libraryCode` holds the return code.
        public static let connectionRefused = Code(rawValue: "connection-refused")
        /// The options are unusable (a missing secret, an empty topic, a bad QoS).
        public static let configuration = Code(rawValue: "configuration")
        /// The client was closed before the operation could finish.
        public static let closed = Code(rawValue: "closed")
        /// The waiting task was cancelled.
        public static let cancelled = Code(rawValue: "cancelled")
        /// The operation did not finish within its timeout.
        public static let timeout = Code(rawValue: "timeout")
    }

    public var code: Code
    /// libmosquitto's `MOSQ_ERR_*` value or the CONNACK return code; 0 when neither applies.
    public var libraryCode: Int32
    /// What was being done, e.g. "connect to 127.0.0.1:1883" or "publish to prognos/a/alarm".
    public var operation: String
    /// The reason in words: `mosquitto_strerror`, `mosquitto_connack_string` or our own.
    public var message: String

    public init(code: Code, libraryCode: Int32 = 0, operation: String, message: String) {
        self.code = code
        self.libraryCode = libraryCode
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }

    /// An error from a libmosquitto return code, with `mosquitto_strerror`'s words.
    static func library(_ rc: Int32, _ operation: String) -> MQTTError {
        MQTTError(code: .library, libraryCode: rc, operation: operation, message: libraryMessage(rc))
    }

    /// A refusal in the broker's CONNACK, with `mosquitto_connack_string`'s words.
    static func refused(_ connack: Int32, _ operation: String) -> MQTTError {
        let text = mosquitto_connack_string(connack).map { String(cString: $0) } ?? "refused (\(connack))"
        return MQTTError(code: .connectionRefused, libraryCode: connack, operation: operation, message: text)
    }

    static func libraryMessage(_ rc: Int32) -> String {
        mosquitto_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
    }
}

extension Int32 {
    /// Throws `MQTTError.library` unless this libmosquitto return code is `MOSQ_ERR_SUCCESS`.
    @inline(__always)
    func mosquittoCheck(_ operation: @autoclosure () -> String) throws(MQTTError) {
        if self != Int32(MOSQ_ERR_SUCCESS.rawValue) { throw MQTTError.library(self, operation()) }
    }
}

/// `payload.withUnsafeBytes` keeping the typed error (the standard library's version rethrows `any Error`).
func withBytes<T>(of payload: [UInt8], _ body: (UnsafeRawBufferPointer) throws(MQTTError) -> T) throws(MQTTError) -> T {
    let result = payload.withUnsafeBytes { bytes in Result { () throws(MQTTError) -> T in try body(bytes) } }
    return try result.get()
}
