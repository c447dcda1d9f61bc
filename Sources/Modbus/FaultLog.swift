import Logging
import PrognosCore

/// Logs a repeating fault once when it starts and once when it ends, counting it in between
/// (swift-log best practice): a device that is down for an hour at one poll a second writes two
/// lines, not 3,600.
///
/// Each poll reports the faults it saw, keyed by what failed ("device" when nothing answered,
/// else the request: unit, table and first address). A key that was not active before starts an
/// episode; a key that is missing from a poll ends its episode.
struct FaultLog {
    struct Episode {
        var started: Double
        var polls: Int
        var error: ModbusError
    }

    private(set) var active: [String: Episode] = [:]
    /// Episodes started since the poller was made.
    private(set) var episodes = 0

    mutating func record(_ faults: [String: ModbusError], at time: Double, logger: Logger) {
        for (key, error) in faults.sorted(by: { $0.key < $1.key }) {
            if var episode = active[key] {
                episode.polls += 1
                episode.error = error
                active[key] = episode
            } else {
                active[key] = Episode(started: time, polls: 1, error: error)
                episodes += 1
                logger.warning(
                    key == "device"
                        ? "Modbus device is not answering; its readings are comm-fail until it does"
                        : "Modbus request failing",
                    metadata: Self.metadata(error, key: key))
            }
        }
        for (key, episode) in active.sorted(by: { $0.key < $1.key }) where faults[key] == nil {
            active[key] = nil
            var metadata = Self.metadata(episode.error, key: key)
            metadata["fault.polls"] = "\(episode.polls)"
            metadata["fault.seconds"] = "\(((time - episode.started) * 1000).rounded() / 1000)"
            logger.notice(
                key == "device" ? "Modbus device is answering again" : "Modbus request succeeds again",
                metadata: metadata)
        }
    }

    static func metadata(_ error: ModbusError, key: String) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "modbus.device": "\(error.device)", "modbus.error": "\(error.code)", "modbus.message": "\(error.message)",
            "fault.key": "\(key)",
        ]
        if let unit = error.unitID { metadata["modbus.unit"] = "\(unit)" }
        if let function = error.function { metadata["modbus.table"] = "\(function.rawValue)" }
        if let address = error.address { metadata["modbus.address"] = "\(address)" }
        if let exception = error.exception { metadata["modbus.exception"] = "\(exception)" }
        return metadata
    }
}
