internal import CMosquitto
import Foundation
import PrognosCore

/// One `mosquitto *`, alive from `init` until `destroy()`.
///
/// Calls from any thread go through `withHandle`, which holds the lock only for the call itself
/// (libmosquitto's publish/subscribe are thread-safe in threaded mode); the lock keeps the handle
/// from being destroyed under a caller. The network thread uses `unguarded`, which is valid until
/// `destroy()` because `destroy()` runs only after that thread has ended.
final class MosquittoHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var pointer: OpaquePointer?
    /// The handle for the network thread only (see the type's comment).
    let unguarded: OpaquePointer

    /// `mosquitto_lib_init`, once per process.
    private static let libraryInitialized: Bool = {
        mosquitto_lib_init() == Int32(MOSQ_ERR_SUCCESS.rawValue)
    }()

    /// Creates the handle with `userdata` as the context every callback receives.
    init(clientID: String?, cleanSession: Bool, userdata: UnsafeMutableRawPointer) throws(MQTTError) {
        guard Self.libraryInitialized else {
            throw MQTTError(code: .library, operation: "mosquitto_lib_init", message: "libmosquitto did not initialise")
        }
        guard let created = mosquitto_new(clientID, cleanSession, userdata) else {
            let reason =
                errno == EINVAL
                ? "a persistent session (clean_session false) needs a client id" : String(cString: strerror(errno))
            throw MQTTError(code: .configuration, operation: "mosquitto_new", message: reason)
        }
        pointer = created
        unguarded = created
    }

    /// Runs `body` with the handle; throws `.closed` once the handle is destroyed.
    func withHandle<T>(
        _ operation: @autoclosure () -> String, _ body: (OpaquePointer) throws(MQTTError) -> T
    ) throws(MQTTError) -> T {
        lock.lock()
        defer { lock.unlock() }
        guard let pointer else {
            throw MQTTError(code: .closed, operation: operation(), message: "the client is closed")
        }
        return try body(pointer)
    }

    /// `mosquitto_destroy`, once; later `withHandle` calls throw `.closed`.
    func destroy() {
        lock.lock()
        defer { lock.unlock() }
        if let pointer { mosquitto_destroy(pointer) }
        pointer = nil
    }

    /// Applies the connection options that must be set before connecting.
    func configure(_ options: MQTTClientOptions) throws(MQTTError) {
        let m = unguarded
        try mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311)
            .mosquittoCheck("set MQTT protocol 3.1.1")
        try mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1).mosquittoCheck("set TCP_NODELAY")
        try mosquitto_threaded_set(m, true).mosquittoCheck("set threaded mode")
        if options.username != nil || options.password != nil {
            let password = try options.password?.read()
            try mosquitto_username_pw_set(m, options.username, password)
                .mosquittoCheck("set username and password for \(options.endpoint)")
        }
        if let tls = options.tls {
            try mosquitto_tls_set(m, tls.caFile, nil, tls.certFile, tls.keyFile, nil)
                .mosquittoCheck("set TLS files (CA \(tls.caFile))")
        }
        if let will = options.will {
            try withBytes(of: will.payload) { bytes throws(MQTTError) in
                try mosquitto_will_set(
                    m, will.topic, Int32(bytes.count), bytes.baseAddress, will.qos.rawValue, will.retain
                )
                .mosquittoCheck("set last will on \(will.topic)")
            }
        }
    }
}
