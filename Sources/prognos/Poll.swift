import ArgumentParser
import Logging
import MQTT
import Modbus
import PrognosCore

/// `prognos poll PLANT.yaml`: read every signal of the plant from its Modbus devices and MQTT brokers.
struct Poll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read every sensor of a plant from its devices and brokers and print the values.",
        discussion: """
            With --once, polls every Modbus device once and waits up to --wait for one message of every \
            MQTT sensor, prints one reading per signal and exits. Without it, keeps polling at each \
            device's interval and prints readings as they arrive, until Ctrl-C.
            """)

    @Argument(help: "The plant file (YAML).") var plant: String
    @Flag(help: "Poll once and exit.") var once = false
    @Option(help: "Output format: table, json (one object per line) or csv.") var format: ReadingFormat = .table
    @Option(help: "With --once: how long to wait for MQTT sensors, in seconds.") var wait: Double = 5
    @Option(help: "Log level for problems found while polling (trace … critical).") var logLevel: Logger.Level =
        .warning

    func run() async throws {
        var loaded = try loadPlantOrExit(plant)
        // A poll is a visitor: a clean session under a broker-chosen id, so it never takes over the daemon's session.
        for index in loaded.brokers.indices { loaded.brokers[index].clientID = nil }
        bootstrapLogging(level: logLevel)
        StandardOutput.endQuietlyWhenTheReaderLeaves()
        let logger = Logger(label: "prognos.poll")
        let printer = ReadingPrinter(plant: loaded, format: format)
        let stream = ReadingStream()
        let modbus = ModbusCollector(plant: loaded, sink: stream, logger: logger)
        let mqtt = MQTTCollector(plant: loaded, sink: stream, logger: logger)
        do {
            try mqtt.start()
        } catch {
            printError("prognos poll: \(error)")
            throw ExitCode(1)
        }
        defer { mqtt.stop() }

        if once {
            async let fromModbus = modbus.pollOnce()
            let fromMQTT =
                mqtt.sensors.isEmpty ? [] : await mqtt.firstValues(timeout: .milliseconds(Int64(wait * 1000)))
            let readings = await fromModbus + fromMQTT
            printer.printHeader()
            for reading in printer.inPlantOrder(readings) { printer.print(reading) }
            return
        }

        modbus.start()
        defer { modbus.stop() }
        printer.printHeader()
        for await batch in stream {
            for reading in batch { printer.print(reading) }
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Sends log lines to standard error, once per process.
func bootstrapLogging(level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}
