import PrognosCore
import Synchronization

/// A service's monitoring listener: `GET /metrics` (Prometheus text exposition 0.0.4), `/healthz`
/// (200 while the process serves at all) and `/readyz` (200 when ready, else 503 with the reason).
/// What it serves is what the service published last; a request never waits for the service.
public final class MonitoringEndpoint: Sendable {
    private let readiness: LatestReadiness
    private let listener: HTTPListener

    public static let expositionType = "text/plain; version=0.0.4; charset=utf-8"

    /// - Parameter exposition: the metrics as text, from a registry that is safe to read from any thread.
    public init(
        address: ListenAddress, limits: HTTPListener.Limits = .init(),
        exposition: @escaping @Sendable () -> [UInt8]
    ) throws(HTTPListener.ListenError) {
        let readiness = LatestReadiness()
        listener = try HTTPListener(address: address, limits: limits) { path in
            Self.answer(path, exposition: exposition, readiness: readiness.value.withLock { $0 })
        }
        self.readiness = readiness
    }

    public var address: ListenAddress { listener.address }

    public func start() { listener.start() }
    public func stop() { listener.stop() }

    public func update(_ readiness: Readiness) { self.readiness.value.withLock { $0 = readiness } }

    private static func answer(
        _ path: String, exposition: () -> [UInt8], readiness: Readiness
    ) -> HTTPListener.Response {
        switch path {
        case "/metrics": .init(status: 200, contentType: expositionType, body: exposition())
        case "/healthz": .init(status: 200, text: "alive")
        case "/readyz": .init(status: readiness.isReady ? 200 : 503, text: readiness.reason)
        default: .init(status: 404, text: "not found: the paths are /metrics, /healthz and /readyz")
        }
    }
}

/// The readiness the service judged last, shared with the listener's threads.
private final class LatestReadiness: Sendable {
    let value = Mutex(Readiness.starting)
}
