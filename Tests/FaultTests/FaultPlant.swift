import Foundation
import GRDB
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The whole plant as a site runs it, inside a network namespace of the test's own: a real
/// mosquitto, `prognos simulate` serving the demo plant, `prognos run` and a persistent-session
/// QoS 1 `mosquitto_sub`. Faults are injected into this namespace or into one of these processes;
/// everything is stopped and the namespace removed when the fixture goes away.
final class FaultPlant: @unchecked Sendable {
    let namespace: NetworkNamespace
    let harness: PlantHarness
    let db: String
    private(set) var broker: ChildProcess?
    private(set) var simulator: ChildProcess?
    private(set) var daemon: ChildProcess?
    private(set) var subscriber: ChildProcess?
    private var others: [ChildProcess] = []

    init(tag: String) throws {
        namespace = try NetworkNamespace(tag: tag)
        harness = try PlantHarness(brokerPort: Loopback.freePort())
        db = harness.path("prognos.sqlite")
    }

    deinit {
        for child in [subscriber, daemon, simulator, broker].compactMap({ $0 }) + others.reversed() { child.stop() }
        namespace.remove()
    }

    var brokerPort: Int { harness.brokerPort }

    /// mosquitto with persistence, so the subscriber's session outlives a clean restart.
    func startBroker(extraConfiguration: String = "") throws {
        let config = harness.path("mosquitto.conf")
        try """
        listener \(brokerPort) 127.0.0.1
        allow_anonymous true
        persistence true
        persistence_location \(harness.directory)/
        \(extraConfiguration)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let broker = try namespace.spawn(
            Executable.path(named: "mosquitto"), ["-c", config], outputPath: harness.path("mosquitto.log"))
        guard namespace.waitUntilListening(port: brokerPort) else {
            broker.stop()
            throw PeerError(message: "mosquitto did not listen on \(brokerPort):\n\(harness.read("mosquitto.log"))")
        }
        self.broker = broker
    }

    func killBroker() {
        broker?.signal(SIGKILL)
        _ = broker?.wait(timeout: 10)
        broker = nil
    }

    /// An alarm management system's subscriber: persistent session, QoS 1, every alarm topic.
    func startSubscriber(clientID: String = "fault-suite") throws {
        subscriber = try namespace.spawn(
            Executable.path(named: "mosquitto_sub"),
            [
                "-h", "127.0.0.1", "-p", "\(brokerPort)", "-t", "prognos/+/+/alarm", "-v", "-q", "1", "-c", "-i",
                clientID,
            ],
            outputPath: harness.path("alarms.log"))
    }

    /// `prognos simulate` of `plant` (default: the harness's copy) in real time.
    func startSimulator(plant: String? = nil, scenario: String? = nil, speed: Double = 1) throws {
        var arguments = ["simulate", plant ?? harness.plantPath, "--speed", "\(speed)", "--no-degradation"]
        if let scenario { arguments += ["--scenario", try harness.write("scenario.yaml", scenario)] }
        simulator = try namespace.spawn(PrognosBinary.path, arguments, outputPath: harness.path("simulate.log"))
    }

    /// `prognos run` on the database; `wrapper` runs it through another program (fiu-run, …).
    @discardableResult
    func startDaemon(
        plant: String? = nil, arguments: [String] = [], environment: [String: String]? = nil, wrapper: [String] = [],
        log: String = "run.log"
    ) throws -> ChildProcess {
        let command = wrapper + [PrognosBinary.path, "run", plant ?? harness.plantPath, "--db", db] + arguments
        let daemon = try namespace.spawn(
            Executable.path(named: command[0]), Array(command.dropFirst()), environment: environment,
            outputPath: harness.path(log))
        self.daemon = daemon
        return daemon
    }

    /// Starts another process in the namespace, stopped with the fixture.
    @discardableResult
    func spawn(_ executable: String, _ arguments: [String], log: String) throws -> ChildProcess {
        let child = try namespace.spawn(executable, arguments, outputPath: harness.path(log))
        others.append(child)
        return child
    }

    /// A copy of the plant file with device `id` moved to `port` (a proxy in front of it).
    func plant(moving id: String, to port: Int) throws -> String {
        guard let original = harness.devicePorts[id] else { throw PeerError(message: "no device \(id)") }
        let text = harness.read("plant.yaml").replacingOccurrences(
            of: "127.0.0.1:\(original)\"", with: "127.0.0.1:\(port)\"")
        return try harness.write("plant-via-proxy.yaml", text)
    }

    // MARK: Reading what happened

    /// Every alarm message the subscriber printed, in arrival order.
    func alarmsReceived() -> [AlarmMessage] { AlarmMessage.parse(harness.read("alarms.log")) }

    /// The store, read-only (the daemon may be writing).
    func openDatabase() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: db, configuration: configuration)
    }

    /// Readings of one signal between two wall-clock times, in time order.
    func readings(asset: String, sensor: String, from: Double, to: Double) throws -> [(time: Double, quality: String)] {
        try openDatabase().read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT time, quality FROM readings_view
                    WHERE asset = ? AND sensor = ? AND time BETWEEN ? AND ? ORDER BY time
                    """, arguments: [asset, sensor, from, to]
            ).map { ($0["time"], $0["quality"]) }
        }
    }

    /// The `event_id` of every alarm transition the store holds, in the store's order.
    /// Every alarm transition in the store (none when killed before the schema was committed).
    func storedEventIDs() throws -> [String] {
        try openDatabase().read { db in
            guard try db.tableExists("alarm_history") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT alarm_id, time, cause FROM alarm_history ORDER BY id").map {
                AlarmMessage.eventID(alarm: $0["alarm_id"], time: $0["time"], cause: $0["cause"])
            }
        }
    }

    func outboxAlerts() throws -> Int {
        try openDatabase().read { try Int.fetchOne($0, sql: "SELECT count(*) FROM outbox WHERE kind = 'alert'") ?? 0 }
    }

    func integrityCheck() throws -> [String] {
        try openDatabase().read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
    }

    /// Waits until `condition` holds, checking every 100 ms; false after `timeout` seconds.
    func wait(_ timeout: Double, _ condition: () throws -> Bool) -> Bool {
        PlantHarness.wait(timeout: timeout) { (try? condition()) ?? false }
    }
}

/// One alarm message as `mosquitto_sub -v` prints it.
struct AlarmMessage {
    var topic: String
    var json: [String: Any]
    var alarmID: String { json["alarm_id"] as? String ?? "" }
    var eventID: String { json["event_id"] as? String ?? "" }
    var state: String { json["state"] as? String ?? "" }
    var time: String { json["time"] as? String ?? "" }

    static func parse(_ output: String) -> [AlarmMessage] {
        output.split(separator: "\n").compactMap { line in
            guard let space = line.firstIndex(of: " ") else { return nil }
            let payload = Data(line[line.index(after: space)...].utf8)
            guard let json = try? JSONSerialization.jsonObject(with: payload) as? [String: Any] else { return nil }
            return AlarmMessage(topic: String(line[..<space]), json: json)
        }
    }

    /// The `event_id` the daemon gives a transition (docs/mqtt.md).
    static func eventID(alarm: String, time: Double, cause: String) -> String {
        "\(alarm)@\(Int64((time * 1000).rounded()))/\(cause)"
    }
}

/// What arrived compared with what the store holds: missing ids, order, duplicates.
struct DeliveryCount {
    var expected: Int
    var missing: [String]
    var inOrder: Bool
    var duplicates: Int

    init(expected ids: [String], arrived: [String]) {
        expected = ids.count
        missing = Array(Set(ids).subtracting(arrived)).sorted()
        var first: [String: Int] = [:]
        for (index, id) in arrived.enumerated() where first[id] == nil { first[id] = index }
        let order = ids.compactMap { first[$0] }
        inOrder = order == order.sorted()
        duplicates = arrived.count - Set(arrived).count
    }
}
