/// What a Sparkplug host application knows of the edge nodes it listens to, and the rules it
/// applies to each message (Sparkplug B 3.0). A value type without I/O: the collector feeds it
/// messages and acts on the outcomes.
///
/// - Births (NBIRTH, DBIRTH) define each metric's name, data type and alias; an NBIRTH starts a
///   new session of its node and forgets the node's devices until their DBIRTHs.
/// - NDEATH with the live birth's `bdSeq` (an older session's will is refused as stale) and DDEATH
///   end a node (with its devices) or a device at once: the outcome's `deaths`, at the receive time
///   for NDEATH (the broker's will carries the time its node connected) and the payload's for DDEATH.
/// - Every message of a node after its NBIRTH (seq 0), NDEATH aside, carries `seq`, one more than
///   the previous (0–255, wrapping). A gap, DATA or DBIRTH before a birth, or a metric the birth did
///   not define asks for a rebirth (`rebirth`, once until the next NBIRTH or NDEATH). The values of
///   a message with a gap are still used: the aliases they name are those of the live birth.
/// - Historical values are passed on marked as such; null values as `.null`.
public struct SparkplugHost: Sendable {
    public struct NodeID: Hashable, Sendable, CustomStringConvertible {
        public var group: String
        public var edgeNode: String
        public init(group: String, edgeNode: String) {
            self.group = group
            self.edgeNode = edgeNode
        }
        public var description: String { "\(group)/\(edgeNode)" }
    }

    /// One metric's value from a birth or DATA message.
    public struct Update: Sendable, Equatable {
        public enum Content: Sendable, Equatable {
            case value(SparkplugValue)
            case null
            case refused(SparkplugRefusal)
        }
        public var node: NodeID
        /// nil for the node's own metrics.
        public var device: String?
        public var name: String
        /// Seconds since 1970: the metric's timestamp, else the payload's, else the receive time.
        public var timestamp: Double
        public var content: Content
        /// Not the current value (back-filled history).
        public var isHistorical: Bool
        public var isTransient: Bool
    }

    /// A node (with every device of it, `device` nil) or one device whose metrics are no longer live.
    public struct Death: Sendable, Equatable {
        public var node: NodeID
        public var device: String?
        public var timestamp: Double
        public init(node: NodeID, device: String?, timestamp: Double) {
            self.node = node
            self.device = device
            self.timestamp = timestamp
        }
    }

    public struct Outcome: Sendable, Equatable {
        public var updates: [Update] = []
        public var deaths: [Death] = []
        /// The node to ask for a rebirth now (NCMD `Node Control/Rebirth`), if any.
        public var rebirth: NodeID?
        /// What was refused of the message as a whole or of its births' definitions, with reasons;
        /// a single value's refusal is in its update's content.
        public var refusals: [SparkplugRefusal] = []
        public init() {}
    }

    /// The metrics one birth defined.
    private struct Definitions {
        var types: [String: UInt32] = [:]
        var aliases: [UInt64: String] = [:]
    }

    private struct Session {
        var bdSeq: UInt64?
        var lastSeq: UInt64
        var node: Definitions
        var devices: [String: Definitions] = [:]
    }

    private var sessions: [NodeID: Session] = [:]
    private var rebirthAsked: Set<NodeID> = []

    public init() {}

    /// Whether the node has a live birth.
    public func isAlive(_ node: NodeID) -> Bool { sessions[node] != nil }

    /// Whether the device has a live birth.
    public func isAlive(_ node: NodeID, device: String) -> Bool { sessions[node]?.devices[device] != nil }

    /// Applies one message. `receivedAt` is seconds since 1970.
    public mutating func receive(
        _ topic: SparkplugTopic, _ payload: SparkplugPayload, receivedAt: Double
    ) -> Outcome {
        let node = NodeID(group: topic.group, edgeNode: topic.edgeNode)
        let sent = payload.timestamp.map(Self.seconds) ?? receivedAt
        var outcome = Outcome()
        switch topic.kind {
        case .state, .nodeCommand, .deviceCommand:
            break
        case .nodeBirth:
            var definitions = Definitions()
            outcome.refusals += Self.define(payload.metrics, into: &definitions)
            // `seq` is 0–255 on the wire's word, but the field is a uint64: keep it in range (found by FuzzSparkplug).
            sessions[node] = Session(
                bdSeq: Self.bdSeq(of: payload), lastSeq: (payload.seq ?? 0) % 256, node: definitions)
            rebirthAsked.remove(node)
            outcome.updates = updates(payload, node: node, device: nil, sent: sent, outcome: &outcome)
        case .nodeDeath:
            if let session = sessions[node], let born = session.bdSeq, let dying = Self.bdSeq(of: payload),
                born != dying
            {
                outcome.refusals.append(
                    SparkplugRefusal(.staleDeath, "NDEATH of \(node) with bdSeq \(dying), but its birth had \(born)"))
                break
            }
            sessions[node] = nil
            // A request of the dead session is answered by nobody: the next one may ask again.
            rebirthAsked.remove(node)
            // The receive time: an NDEATH is usually the broker's will, stamped when the node connected.
            outcome.deaths.append(Death(node: node, device: nil, timestamp: receivedAt))
        case .deviceBirth, .deviceDeath, .nodeData, .deviceData:
            // A parsed topic always has its device; one built by hand may not.
            guard topic.kind.namesDevice == (topic.device != nil) else {
                outcome.refusals.append(
                    SparkplugRefusal(.badTopic, "\(topic.kind.rawValue) with a device id missing or extra"))
                break
            }
            guard sequenced(topic, payload, node: node, sent: sent, outcome: &outcome) else { break }
            let device = topic.device
            switch topic.kind {
            case .deviceBirth:
                var definitions = Definitions()
                outcome.refusals += Self.define(payload.metrics, into: &definitions)
                sessions[node]!.devices[device!] = definitions
                outcome.updates = updates(payload, node: node, device: device, sent: sent, outcome: &outcome)
            case .deviceDeath:
                sessions[node]!.devices[device!] = nil
                outcome.deaths.append(Death(node: node, device: device, timestamp: sent))
            default:
                if let device, sessions[node]!.devices[device] == nil {
                    outcome.refusals.append(
                        SparkplugRefusal(.unknownMetric, "DDATA of \(node)/\(device) before its DBIRTH"))
                    askRebirth(node, &outcome)
                    break
                }
                outcome.updates = updates(payload, node: node, device: device, sent: sent, outcome: &outcome)
            }
        }
        return outcome
    }

    /// Checks that the node is alive and the message's `seq` follows; records the `seq`. False when
    /// the node has no live birth (nothing of the message can be used).
    private mutating func sequenced(
        _ topic: SparkplugTopic, _ payload: SparkplugPayload, node: NodeID, sent: Double, outcome: inout Outcome
    ) -> Bool {
        guard let session = sessions[node] else {
            // A DDEATH of a node we hold no birth for needs no rebirth to be understood.
            if topic.kind == .deviceDeath {
                outcome.deaths.append(Death(node: node, device: topic.device, timestamp: sent))
                return false
            }
            outcome.refusals.append(
                SparkplugRefusal(.unknownMetric, "\(topic.kind.rawValue) of \(node) before its NBIRTH"))
            askRebirth(node, &outcome)
            return false
        }
        let expected = (session.lastSeq + 1) % 256
        if payload.seq != expected {
            let got = payload.seq.map { "\($0)" } ?? "none"
            outcome.refusals.append(
                SparkplugRefusal(
                    .sequenceGap, "\(topic.kind.rawValue) of \(node) with seq \(got), expected \(expected)"))
            askRebirth(node, &outcome)
        }
        if let seq = payload.seq { sessions[node]!.lastSeq = seq % 256 }
        return true
    }

    private mutating func askRebirth(_ node: NodeID, _ outcome: inout Outcome) {
        if rebirthAsked.insert(node).inserted { outcome.rebirth = node }
    }

    /// The updates of a birth's or DATA message's metrics, by the live definitions.
    private mutating func updates(
        _ payload: SparkplugPayload, node: NodeID, device: String?, sent: Double, outcome: inout Outcome
    ) -> [Update] {
        guard let session = sessions[node] else { return [] }
        let definitions = device.flatMap { session.devices[$0] } ?? session.node
        var updates: [Update] = []
        updates.reserveCapacity(payload.metrics.count)
        for metric in payload.metrics {
            let name: String
            if let given = metric.name, definitions.types[given] != nil {
                name = given
            } else if metric.name == nil, let alias = metric.alias, let known = definitions.aliases[alias] {
                name = known
            } else {
                let what =
                    metric.name.map { "name '\($0.prefix(200))'" } ?? metric.alias.map { "alias \($0)" }
                    ?? "no name or alias"
                outcome.refusals.append(
                    SparkplugRefusal(
                        .unknownMetric,
                        "a metric of \(node)\(device.map { "/\($0)" } ?? "") with \(what) that its birth did not define"
                    ))
                askRebirth(node, &outcome)
                continue
            }
            let born = definitions.types[name]!
            let content: Update.Content
            if let given = metric.dataType, given != born {
                content = .refused(
                    SparkplugRefusal(
                        .wrongType, "metric '\(name.prefix(200))' sent as type \(given), born as \(born)"))
            } else if metric.isNull {
                content = .null
            } else if let type = SparkplugDataType(rawValue: born) {
                switch metric.value.decoded(as: type) {
                case .success(let value): content = .value(value)
                case .failure(let refusal): content = .refused(refusal)
                }
            } else {
                content = .refused(SparkplugRefusal(.unsupportedType, "data type \(born) is not one the spec lists"))
            }
            updates.append(
                Update(
                    node: node, device: device, name: name, timestamp: metric.timestamp.map(Self.seconds) ?? sent,
                    content: content, isHistorical: metric.isHistorical, isTransient: metric.isTransient))
        }
        return updates
    }

    /// Records a birth's metrics; returns what it had to refuse (the metric is then left out).
    private static func define(_ metrics: [SparkplugMetric], into definitions: inout Definitions) -> [SparkplugRefusal]
    {
        var refusals: [SparkplugRefusal] = []
        for metric in metrics {
            guard let name = metric.name, let type = metric.dataType else {
                refusals.append(
                    SparkplugRefusal(
                        .badBirth, "a birth metric without \(metric.name == nil ? "name" : "data type"): left out"))
                continue
            }
            if let alias = metric.alias {
                if let other = definitions.aliases[alias], other != name {
                    refusals.append(
                        SparkplugRefusal(
                            .badBirth,
                            "alias \(alias) given to '\(name.prefix(200))' and '\(other.prefix(200))': kept for the first"
                        ))
                    continue
                }
                definitions.aliases[alias] = name
            }
            definitions.types[name] = type
        }
        return refusals
    }

    /// The birth/death sequence number an NBIRTH or NDEATH carries in its `bdSeq` metric.
    private static func bdSeq(of payload: SparkplugPayload) -> UInt64? {
        guard let metric = payload.metrics.first(where: { $0.name == "bdSeq" }) else { return nil }
        switch metric.value {
        case .long(let v): return v
        case .int(let v): return UInt64(v)
        default: return nil
        }
    }

    static func seconds(_ milliseconds: UInt64) -> Double { Double(milliseconds) / 1000 }
}
