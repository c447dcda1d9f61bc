/// Logs a topic's bad payloads once when they start, at most once a minute while they go on
/// (with the count since the last line), and once when good payloads return.
struct RejectionLog {
    enum Action {
        case none
        /// Log the rejection; `suppressed` rejections since the last line were not logged.
        case logRejection(suppressed: Int)
        /// Good again after `rejected` rejections.
        case logRecovery(rejected: Int)
    }

    static let interval = 60.0

    private var lastLogged: Double?
    private var suppressed = 0
    private var episodeCount = 0

    mutating func rejected(at now: Double) -> Action {
        episodeCount += 1
        if let last = lastLogged, now - last < Self.interval {
            suppressed += 1
            return .none
        }
        defer {
            lastLogged = now
            suppressed = 0
        }
        return .logRejection(suppressed: suppressed)
    }

    mutating func accepted() -> Action {
        guard episodeCount > 0 else { return .none }
        defer {
            episodeCount = 0
            lastLogged = nil
            suppressed = 0
        }
        return .logRecovery(rejected: episodeCount)
    }
}
