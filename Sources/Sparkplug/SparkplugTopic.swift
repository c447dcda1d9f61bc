/// A Sparkplug B topic: `spBv1.0/GROUP/TYPE/NODE[/DEVICE]`, or a host application's
/// `spBv1.0/STATE/HOST`.
public struct SparkplugTopic: Sendable, Hashable, CustomStringConvertible {
    public static let namespace = "spBv1.0"

    public enum Kind: String, Sendable, CaseIterable {
        case nodeBirth = "NBIRTH"
        case nodeDeath = "NDEATH"
        case deviceBirth = "DBIRTH"
        case deviceDeath = "DDEATH"
        case nodeData = "NDATA"
        case deviceData = "DDATA"
        case nodeCommand = "NCMD"
        case deviceCommand = "DCMD"
        case state = "STATE"

        /// Whether the topic names a device after the node.
        var namesDevice: Bool {
            self == .deviceBirth || self == .deviceDeath || self == .deviceData || self == .deviceCommand
        }
    }

    public var kind: Kind
    /// The group id; empty for STATE.
    public var group: String
    /// The edge node id; for STATE, the host application's id.
    public var edgeNode: String
    /// The device id, for the D… kinds.
    public var device: String?

    public init(kind: Kind, group: String, edgeNode: String, device: String? = nil) {
        self.kind = kind
        self.group = group
        self.edgeNode = edgeNode
        self.device = device
    }

    /// Parses a received topic; throws `.badTopic` with the reason.
    public init(parsing topic: String) throws(SparkplugRefusal) {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == Self.namespace[...] else {
            throw SparkplugRefusal(.badTopic, "'\(topic.prefix(200))' is not in the \(Self.namespace) namespace")
        }
        if parts[1] == "STATE" {
            guard parts.count == 3, !parts[2].isEmpty else {
                throw SparkplugRefusal(.badTopic, "a STATE topic is \(Self.namespace)/STATE/HOST_ID")
            }
            self.init(kind: .state, group: "", edgeNode: String(parts[2]))
            return
        }
        guard parts.count == 4 || parts.count == 5, let kind = Kind(rawValue: String(parts[2])), kind != .state else {
            throw SparkplugRefusal(
                .badTopic, "'\(topic.prefix(200))' is not \(Self.namespace)/GROUP/TYPE/NODE[/DEVICE] with a known TYPE")
        }
        guard kind.namesDevice == (parts.count == 5) else {
            throw SparkplugRefusal(
                .badTopic,
                "\(kind.rawValue) \(kind.namesDevice ? "needs" : "takes no") device id in '\(topic.prefix(200))'")
        }
        guard parts.dropFirst().allSatisfy({ !$0.isEmpty }) else {
            throw SparkplugRefusal(.badTopic, "'\(topic.prefix(200))' has an empty id")
        }
        self.init(
            kind: kind, group: String(parts[1]), edgeNode: String(parts[3]),
            device: parts.count == 5 ? String(parts[4]) : nil)
    }

    public var description: String {
        if kind == .state { return "\(Self.namespace)/STATE/\(edgeNode)" }
        return [Self.namespace, group, kind.rawValue, edgeNode].joined(separator: "/") + (device.map { "/\($0)" } ?? "")
    }

    /// The subscription that receives every message of one edge node and its devices
    /// (`#` matches the level above it too, so the node's own topics are included).
    public static func subscription(group: String, edgeNode: String) -> String {
        "\(namespace)/\(group)/+/\(edgeNode)/#"
    }
}
