import ArgumentParser
import Fleet
import Foundation
import Logging
import MQTT
import PrognosCore
import ServiceLifecycle
import Telemetry
import UnixSignals

/// `prognos fleet --mqtt HOST:PORT --db postgres://…`: the fleet service.
struct FleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Keep every plant's alarms, asset states and plans from the central broker in PostgreSQL.",
        discussion: """
            Subscribes (persistent session, QoS 1) to prognos/+/+/alarm, prognos/+/+/state, prognos/+/plan and \
            prognos/+/status, drops duplicate alarm events, and writes in batches: alarm history (partitioned by \
            month), latest alarm and asset states, plan versions. Migrates the database on start. The password \
            comes from the URL or PGPASSWORD. SIGTERM or SIGINT disconnect, commit what was received and exit 0.
            """)

    @Option(help: "The central MQTT broker, HOST:PORT.") var mqtt: String
    @Option(help: "The fleet database, postgres://USER@HOST:PORT/DATABASE[?sslmode=disable|prefer|require].") var db:
        String
    @Option(help: "MQTT client id: the broker keeps this id's session while the service is away.") var clientId =
        "prognos-fleet"
    @Option(help: "CA certificate of the central broker (turns TLS on).") var cafile: String?
    @Option(help: "Client certificate for the central broker.") var certfile: String?
    @Option(help: "Key of the client certificate.") var keyfile: String?
    @Option(help: "User name on the central broker.") var username: String?
    @Option(help: "File holding the password on the central broker.") var passwordFile: String?
    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).") var logLevel: Logger.Level =
        .info
    @Option(help: "Serve Prometheus metrics, /healthz and /readyz on HOST:PORT (PORT alone: on 127.0.0.1).")
    var metrics: String?

    func validate() throws {
        if CentralAddress(mqtt) == nil {
            throw ValidationError("--mqtt takes HOST:PORT, such as central.example.com:1883")
        }
        do {
            _ = try PostgresURL(db)
        } catch {
            throw ValidationError("--db: \(error.description)")
        }
        if (certfile == nil) != (keyfile == nil) { throw ValidationError("--certfile and --keyfile go together") }
        if let metrics, case .failure(let error) = ListenAddress.parse(metrics) {
            throw ValidationError("--metrics \(error.reason)")
        }
    }

    func run() async throws {
        bootstrapLogging(level: logLevel)
        let logger = Logger(label: "prognos.fleet")
        let address = CentralAddress(mqtt)!
        var options = MQTTClientOptions(host: address.host, port: address.port, clientID: clientId, cleanSession: false)
        options.username = username
        options.password = passwordFile.map { Secret.file($0) }
        if let cafile { options.tls = TLSSettings(caFile: cafile, certFile: certfile, keyFile: keyfile) }
        let database = FleetDatabase(url: try PostgresURL(db), logger: logger)
        do {
            try await database.checkConnection()
        } catch {
            printError("prognos fleet: \(error)")
            await database.close()
            throw ExitCode(1)
        }
        let service: FleetService
        do {
            service = try FleetService(options: FleetService.Options(mqtt: options), database: database, logger: logger)
        } catch {
            printError("prognos fleet: \(error)")
            await database.close()
            throw ExitCode(1)
        }
        let monitoring: FleetMonitoring?
        do {
            monitoring = try metrics.flatMap { try? ListenAddress.parse($0).get() }.map {
                address throws(HTTPListener.ListenError) in try FleetMonitoring(service: service, address: address)
            }
        } catch {
            printError("prognos fleet: metrics: \(error)")
            await database.close()
            throw ExitCode(1)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger))
        let publishing = Task { await monitoring?.run() }
        defer {
            publishing.cancel()
            monitoring?.stop()
        }
        do {
            try await group.run()
        } catch {
            printError("prognos fleet: \(FleetDatabaseError.describe(error))")
            await database.close()
            throw ExitCode(1)
        }
        await database.close()
    }
}

/// `prognos fleet --metrics`: the service's counts published every second, ready while subscribed.
private final class FleetMonitoring: Sendable {
    let service: FleetService
    let metrics = FleetMetrics(version: Build.version)
    let endpoint: MonitoringEndpoint

    init(service: FleetService, address: ListenAddress) throws(HTTPListener.ListenError) {
        self.service = service
        let metrics = self.metrics
        endpoint = try MonitoringEndpoint(address: address) { metrics.exposition() }
        endpoint.start()
    }

    func run() async {
        while !Task.isCancelled {
            let counts = service.statistics
            let subscribed = service.isReady
            metrics.publish(
                FleetMetrics.Sample(
                    received: counts.received, duplicatesDropped: counts.duplicatesDropped, rejected: counts.rejected,
                    committed: counts.committed, alarmsInserted: counts.alarmsInserted, batches: counts.batches,
                    writeFailures: counts.writeFailures, subscribed: subscribed))
            endpoint.update(
                subscribed
                    ? Readiness(isReady: true, reason: "ready")
                    : Readiness(isReady: false, reason: "not subscribed: the central broker is not connected"))
            try? await Task.sleep(for: .seconds(1))
        }
    }

    func stop() { endpoint.stop() }
}
