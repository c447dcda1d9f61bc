import ArgumentParser
import Fleet
import Foundation
import MQTT
import PrognosCore

/// `prognos deploy bridge`: configuration for running Prognos across many plants.
struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write configuration for a fleet of plants (a plant broker's bridge to the central broker).",
        subcommands: [DeployBridge.self])
}

/// `prognos deploy bridge --plant PLANT.yaml --central HOST:PORT [TLS, credentials] [--out FILE]`.
struct DeployBridge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridge",
        abstract: "Write the mosquitto bridge that forwards a plant's alarms, states and plans to the central broker.",
        discussion: """
            The plant broker forwards prognos/# to the central broker at QoS 1 with a persistent session, \
            and queues (on disk) what the central broker has not acknowledged while the link is down. \
            Include the output in the plant broker's mosquitto.conf (e.g. /etc/mosquitto/conf.d/prognos-bridge.conf). \
            mosquitto takes a bridge's password only inside its configuration, so --password-file is copied \
            into the output: --out writes it readable by its owner only (mode 0600).
            """)

    @Option(help: "The plant file (YAML); its site id names the bridge.") var plant: String
    @Option(help: "The central broker, HOST:PORT.") var central: String
    @Option(help: "CA certificate of the central broker (turns TLS on).") var cafile: String?
    @Option(help: "Client certificate for the central broker.") var certfile: String?
    @Option(help: "Key of the client certificate.") var keyfile: String?
    @Option(help: "User name on the central broker.") var username: String?
    @Option(help: "File holding the password on the central broker.") var passwordFile: String?
    @Option(help: "Messages queued for the central broker while the link is down.") var maxQueued = 1_000_000
    @Option(help: "Folder where mosquitto saves its queue (persistence_location).") var persistenceLocation: String?
    @Option(help: "Write the configuration to this file (mode 0600) instead of standard output.") var out: String?

    func validate() throws {
        if CentralAddress(central) == nil {
            throw ValidationError("--central takes HOST:PORT, such as central.example.com:8883")
        }
        for path in [cafile, certfile, keyfile].compactMap({ $0 })
        where !FileManager.default.isReadableFile(atPath: path) {
            throw ValidationError("cannot read \(path)")
        }
    }

    func run() async throws {
        let loaded = try loadPlantOrExit(plant)
        let address = CentralAddress(central)!
        var password: String?
        if let passwordFile {
            do {
                password = try Secret.file(passwordFile).read()
            } catch {
                printError("prognos deploy bridge: \(error.message)")
                throw ExitCode(1)
            }
        }
        let bridge = BridgeConfiguration(
            site: loaded.site.id, centralHost: address.host, centralPort: address.port, caFile: cafile,
            certFile: certfile,
            keyFile: keyfile, username: username, password: password, maxQueuedMessages: maxQueued,
            persistenceLocation: persistenceLocation)
        let text: String
        do {
            text = try bridge.text()
        } catch {
            printError("prognos deploy bridge: \(error.description)")
            throw ExitCode(1)
        }
        guard let out else {
            print(text, terminator: "")
            return
        }
        // Created 0600 before the password is written into it.
        let fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else {
            printError("prognos deploy bridge: cannot write \(out): \(String(cString: strerror(errno)))")
            throw ExitCode(1)
        }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            printError("prognos deploy bridge: cannot write \(out): \(String(cString: strerror(errno)))")
            throw ExitCode(1)
        }
        printError("wrote \(out): bridge \(bridge.connectionName) → \(address.host):\(address.port)")
    }
}

/// HOST:PORT (a bracketed IPv6 literal allowed: [::1]:1883).
struct CentralAddress {
    var host: String
    var port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65_535).contains(port)
        else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(" ") else { return nil }
        self.host = host
        self.port = port
    }
}
