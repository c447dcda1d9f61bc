import Foundation
import MQTT
import PrognosCore

/// A message the fleet service takes from the central broker, decoded and checked against its
/// topic (schemas: README "MQTT messages"; Daemon's AlertMessages, AssetSummary and Planner's ScheduleJSON).
public enum FleetMessage: Sendable, Equatable {
    case alarm(AlarmEvent)
    case state(AssetStateMessage)
    case plan(PlanMessage)
    case status(SiteStatus)

    /// The topic filters the fleet service subscribes to on the central broker.
    public static let subscriptions = ["prognos/+/+/alarm", "prognos/+/+/state", "prognos/+/plan", "prognos/+/status"]

    /// Decodes `payload` received on `topic`; the site and asset in the payload must be the topic's.
    public static func decode(topic: String, payload: [UInt8]) throws(FleetMessageError) -> FleetMessage {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.first == "prognos" else { throw FleetMessageError(topic: topic, reason: "not a prognos topic") }
        let object = try jsonObject(payload, topic: topic)
        let reader = FieldReader(object: object, topic: topic)
        switch (parts.count, parts.last) {
        case (4, "alarm"):
            let event = try AlarmEvent(reader: reader, payload: payload)
            try reader.expect(site: parts[1], asset: parts[2], event.site, event.asset)
            return .alarm(event)
        case (4, "state"):
            let state = try AssetStateMessage(reader: reader, payload: payload)
            try reader.expect(site: parts[1], asset: parts[2], state.site, state.asset)
            return .state(state)
        case (3, "plan"):
            let plan = try PlanMessage(reader: reader, payload: payload)
            try reader.expect(site: parts[1], asset: nil, plan.site, nil)
            return .plan(plan)
        case (3, "status"):
            let status = SiteStatus(site: try reader.string("site"), online: try reader.bool("online"), time: try reader.time("time"))
            try reader.expect(site: parts[1], asset: nil, status.site, nil)
            return .status(status)
        default:
            throw FleetMessageError(topic: topic, reason: "not an alarm, state, plan or status topic")
        }
    }

    private static func jsonObject(_ payload: [UInt8], topic: String) throws(FleetMessageError) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(payload))
        } catch {
            throw FleetMessageError(topic: topic, reason: "not JSON (\(payload.count) bytes)")
        }
        guard case .object(let object) = value else { throw FleetMessageError(topic: topic, reason: "not a JSON object") }
        return object
    }
}

/// Why a message was not stored: the topic and a plain reason.
public struct FleetMessageError: Error, CustomStringConvertible, Equatable {
    public var topic: String
    public var reason: String
    public var description: String { "\(topic): \(reason)" }
}

/// An alarm transition (`prognos/<site>/<asset>/alarm`). `eventID` is unique per transition; the
/// payload is kept whole for Grafana and for fields a later daemon adds.
public struct AlarmEvent: Sendable, Equatable {
    public var eventID: String
    public var alarmID: String
    public var site: String
    public var asset: String
    public var kind: String
    public var priority: AlarmPriority
    public var state: AlarmState
    public var previousState: AlarmState
    public var cause: String
    public var active: Bool
    public var time: Double
    public var message: String
    public var actor: String
    public var value: Double?
    public var threshold: Double?
    public var payload: String

    init(reader r: FieldReader, payload: [UInt8]) throws(FleetMessageError) {
        eventID = try r.string("event_id")
        alarmID = try r.string("alarm_id")
        site = try r.string("site")
        asset = try r.string("asset")
        kind = try r.string("kind")
        priority = try r.word("priority", AlarmPriority.init(rawValue:))
        state = try r.word("state", AlarmState.init(rawValue:))
        previousState = try r.word("previous_state", AlarmState.init(rawValue:))
        cause = try r.string("cause")
        active = try r.bool("active")
        time = try r.time("time")
        message = try r.string("message")
        actor = try r.string("actor")
        value = try r.optionalNumber("value")
        threshold = try r.optionalNumber("threshold")
        self.payload = String(decoding: payload, as: UTF8.self)
    }
}

/// An asset's latest health summary (`prognos/<site>/<asset>/state`, retained).
public struct AssetStateMessage: Sendable, Equatable {
    public var site: String
    public var asset: String
    public var status: String
    public var learning: Bool
    public var activeAlarms: Int
    public var time: Double
    public var score: Double?
    public var threshold: Double?
    /// The failure mode with the shortest median remaining useful life, and that median in seconds.
    public var rulMode: String?
    public var rulMedian: Double?
    public var payload: String

    init(reader r: FieldReader, payload: [UInt8]) throws(FleetMessageError) {
        site = try r.string("site")
        asset = try r.string("asset")
        status = try r.string("status")
        learning = try r.bool("learning")
        activeAlarms = try r.integer("active_alarms")
        time = try r.time("time")
        score = try r.optionalNumber("score")
        threshold = try r.optionalNumber("threshold")
        let modes = r.objects("rul") ?? []
        let shortest = modes.compactMap { mode -> (String, Double)? in
            guard case .string(let name)? = mode["failure_mode"], case .number(let median)? = mode["rul_median_s"] else { return nil }
            return (name, median)
        }.min { $0.1 < $1.1 }
        rulMode = shortest?.0
        rulMedian = shortest?.1
        self.payload = String(decoding: payload, as: UTF8.self)
    }
}

/// A site's maintenance plan (`prognos/<site>/plan`, retained), with its proposals.
public struct PlanMessage: Sendable, Equatable {
    public var site: String
    public var version: Int64?
    public var createdAt: Double
    public var horizonEnd: Double
    public var currency: String
    public var expectedCost: Double?
    public var baselineCost: Double?
    public var summary: String
    public var proposals: [Proposal]
    public var payload: String

    public struct Proposal: Sendable, Equatable {
        public var asset: String
        public var failureMode: String
        public var action: String
        public var start: Double
        public var end: Double
        public var crew: Int
        public var expectedCost: Double?
        public var failureProbabilityIgnored: Double?
    }

    init(reader r: FieldReader, payload: [UInt8]) throws(FleetMessageError) {
        site = try r.string("site")
        version = try r.optionalNumber("version").map { Int64($0) }
        createdAt = try r.time("created_at")
        horizonEnd = try r.time("horizon_end")
        currency = try r.string("currency")
        expectedCost = try r.optionalNumber("expected_cost")
        baselineCost = try r.optionalNumber("baseline_cost")
        summary = try r.string("summary")
        guard let list = r.objects("proposals") else {
            throw FleetMessageError(topic: r.topic, reason: "\"proposals\" is missing or not a list of objects")
        }
        var proposals: [Proposal] = []
        for (index, object) in list.enumerated() {
            let p = FieldReader(object: object, topic: r.topic, prefix: "proposals[\(index)].")
            proposals.append(
                Proposal(
                    asset: try p.string("asset"), failureMode: try p.string("failure_mode"), action: try p.string("action"),
                    start: try p.time("start"), end: try p.time("end"), crew: try p.integer("crew"),
                    expectedCost: try p.optionalNumber("expected_cost"), failureProbabilityIgnored: try p.optionalNumber("p_fail_ignored")))
        }
        self.proposals = proposals
        self.payload = String(decoding: payload, as: UTF8.self)
    }
}

/// Whether a site's daemon is online (`prognos/<site>/status`, retained; its Last Will says offline).
public struct SiteStatus: Sendable, Equatable {
    public var site: String
    public var online: Bool
    public var time: Double
}

/// Reads typed fields of a decoded JSON object; every error names the topic and the field.
struct FieldReader {
    let object: [String: JSONValue]
    let topic: String
    var prefix = ""

    private func fail(_ key: String, _ what: String) -> FleetMessageError {
        FleetMessageError(topic: topic, reason: "\"\(prefix)\(key)\" \(what)")
    }

    func string(_ key: String) throws(FleetMessageError) -> String {
        guard let value = object[key] else { throw fail(key, "is missing") }
        guard case .string(let text) = value else { throw fail(key, "is not a string") }
        guard !text.isEmpty else { throw fail(key, "is empty") }
        return text
    }

    func bool(_ key: String) throws(FleetMessageError) -> Bool {
        guard case .bool(let value)? = object[key] else { throw fail(key, "is missing or not true/false") }
        return value
    }

    func integer(_ key: String) throws(FleetMessageError) -> Int {
        guard case .number(let value)? = object[key], let n = Int(exactly: value) else {
            throw fail(key, "is missing or not a whole number")
        }
        return n
    }

    /// A number, or nil when the key is absent or null.
    func optionalNumber(_ key: String) throws(FleetMessageError) -> Double? {
        switch object[key] {
        case nil, .null?: return nil
        case .number(let value)?: return value
        default: throw fail(key, "is not a number")
        }
    }

    /// A list of objects (nil when absent or anything else).
    func objects(_ key: String) -> [[String: JSONValue]]? {
        guard case .array(let items)? = object[key] else { return nil }
        var out: [[String: JSONValue]] = []
        for item in items {
            guard case .object(let o) = item else { return nil }
            out.append(o)
        }
        return out
    }

    /// An ISO 8601 date-time, as seconds since 1970.
    func time(_ key: String) throws(FleetMessageError) -> Double {
        let text = try string(key)
        let seconds = Array(text.utf8).withUnsafeBytes { PayloadTimestamp.seconds(fromISO8601: $0) }
        guard let seconds else { throw fail(key, "is not an ISO 8601 time: \(text)") }
        return seconds
    }

    func word<T>(_ key: String, _ make: (String) -> T?) throws(FleetMessageError) -> T {
        let text = try string(key)
        guard let value = make(text) else { throw fail(key, "has an unknown value: \(text)") }
        return value
    }

    func expect(site: String, asset: String?, _ payloadSite: String, _ payloadAsset: String?) throws(FleetMessageError) {
        guard site == payloadSite else {
            throw FleetMessageError(topic: topic, reason: "the payload's site \(payloadSite) is not the topic's")
        }
        if let asset, asset != payloadAsset {
            throw FleetMessageError(topic: topic, reason: "the payload's asset \(payloadAsset ?? "") is not the topic's")
        }
    }
}

/// A JSON document as decoded by `JSONDecoder`, which keeps true/false apart from numbers
/// (Foundation's `JSONSerialization` reads both as NSNumber).
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
