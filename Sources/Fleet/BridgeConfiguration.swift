/// The mosquitto configuration that bridges one plant's broker to the central broker: everything the
/// daemon publishes under `prognos/` goes out at QoS 1, and waits in the plant broker's queue
/// (saved to disk) while the link is down.
///
/// mosquitto reads the bridge's password only from its configuration (it has no password-file
/// option for bridges), so the password is copied from its file into the text: keep the output
/// readable by the broker only (`prognos deploy bridge --out` writes it with mode 0600).
public struct BridgeConfiguration: Sendable, Equatable {
    public var site: String
    public var centralHost: String
    public var centralPort: Int
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var username: String?
    public var password: String?
    /// Messages the plant broker keeps for the bridge while the central broker is away (QoS 1,
    /// mosquitto's `max_queued_messages`; its default, 1,000, is a few minutes of a large plant).
    public var maxQueuedMessages: Int
    /// Where mosquitto saves its queue (`persistence_location`); nil leaves mosquitto's own setting.
    public var persistenceLocation: String?

    public init(
        site: String, centralHost: String, centralPort: Int, caFile: String? = nil, certFile: String? = nil,
        keyFile: String? = nil, username: String? = nil, password: String? = nil, maxQueuedMessages: Int = 1_000_000,
        persistenceLocation: String? = nil
    ) {
        self.site = site
        self.centralHost = centralHost
        self.centralPort = centralPort
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.username = username
        self.password = password
        self.maxQueuedMessages = maxQueuedMessages
        self.persistenceLocation = persistenceLocation
    }

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// The bridge's name on both brokers; also its client id on the central broker, where each
    /// plant's persistent session is kept under it.
    public var connectionName: String { "prognos-\(site)" }

    /// Refuses what mosquitto would refuse or silently misread: a certificate without its key, a
    /// password without a user name, values that would break the line-based file.
    public func validate() throws(Invalid) {
        for (name, value) in [("site", site), ("central host", centralHost)] where value.isEmpty {
            throw Invalid(description: "the \(name) is empty")
        }
        guard (1...65_535).contains(centralPort) else {
            throw Invalid(description: "central port \(centralPort) is not 1-65535")
        }
        let fields = [site, centralHost, caFile, certFile, keyFile, username, password, persistenceLocation].compactMap
        { $0 }
        if fields.contains(where: { $0.contains(where: { $0.isNewline }) }) {
            throw Invalid(description: "a setting contains a line break, which a mosquitto configuration cannot hold")
        }
        if site.contains(where: { $0 == " " || $0 == "#" || $0 == "+" || $0 == "/" }) {
            throw Invalid(description: "site id \"\(site)\" is not usable in an MQTT topic and a bridge name")
        }
        if (certFile == nil) != (keyFile == nil) {
            throw Invalid(
                description:
                    "a client certificate needs its key and the key its certificate (--certfile with --keyfile)")
        }
        if certFile != nil, caFile == nil {
            throw Invalid(description: "a client certificate needs TLS: give the central broker's CA (--cafile)")
        }
        if password != nil, username == nil { throw Invalid(description: "a password needs a user name (--username)") }
        guard maxQueuedMessages > 0 else { throw Invalid(description: "the queue must hold at least one message") }
    }

    /// The configuration text: global persistence and queue settings, then the bridge.
    public func text() throws(Invalid) -> String {
        try validate()
        var lines = [
            "# Prognos bridge: plant \(site) → central broker \(centralHost):\(centralPort).",
            "# Written by `prognos deploy bridge`; include it in the plant broker's mosquitto.conf (or put it in conf.d/).",
            "",
            "# Keep what the central broker has not acknowledged on disk, so a broker restart loses nothing.",
            "persistence true",
        ]
        if let persistenceLocation { lines.append("persistence_location \(persistenceLocation)") }
        lines += [
            "autosave_interval 60",
            "# QoS 1 messages queued for the bridge while the central broker is away.",
            "max_queued_messages \(maxQueuedMessages)",
            "max_queued_bytes 0",
            "",
            "connection \(connectionName)",
            "address \(centralHost):\(centralPort)",
            "bridge_protocol_version mqttv311",
            "remote_clientid \(connectionName)",
            "local_clientid \(connectionName)-local",
            "# A persistent session on both sides: neither broker forgets the bridge's queue when the link drops.",
            "cleansession false",
            "local_cleansession false",
            "try_private true",
            "start_type automatic",
            "restart_timeout 1 30",
            "keepalive_interval 30",
            "notifications true",
            "notification_topic prognos/\(site)/bridge",
            "# Alarms, asset states and plans: everything the daemon publishes, out only, at QoS 1.",
            "topic prognos/# out 1",
        ]
        if let caFile { lines.append("bridge_cafile \(caFile)") }
        if let certFile, let keyFile {
            lines.append("bridge_certfile \(certFile)")
            lines.append("bridge_keyfile \(keyFile)")
        }
        if let username { lines.append("remote_username \(username)") }
        if let password { lines.append("remote_password \(password)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
