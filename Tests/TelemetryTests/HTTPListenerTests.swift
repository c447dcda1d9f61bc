import Foundation
import PrognosCore
import Telemetry
import TestSupport
import Testing

/// The monitoring endpoint against well-behaved and hostile clients on a real loopback socket:
/// garbage, a head that never ends, idle connections past the limit. None of them stops it from
/// answering the next honest request.
@Suite struct HTTPListenerTests {
    static func endpoint(maxConnections: Int = 8, deadline: Double = 5) throws -> (MonitoringEndpoint, Int) {
        var limits = HTTPListener.Limits()
        limits.maxConnections = maxConnections
        limits.deadline = deadline
        let port = Loopback.freePort()
        let metrics = DaemonMetrics(version: "test")
        let endpoint = try MonitoringEndpoint(address: ListenAddress(host: "127.0.0.1", port: port), limits: limits) {
            metrics.exposition()
        }
        endpoint.start()
        return (endpoint, port)
    }

    @Test func routesAnswerWithTheirStatus() throws {
        let (endpoint, port) = try Self.endpoint()
        defer { endpoint.stop() }
        #expect(HTTPProbe.get(port: port, "/healthz")?.status == 200)
        let notReady = try #require(HTTPProbe.get(port: port, "/readyz"))
        #expect(notReady.status == 503)
        #expect(notReady.body == "starting: no reading yet\n")
        endpoint.update(Readiness(isReady: true, reason: "ready"))
        #expect(HTTPProbe.get(port: port, "/readyz?verbose=1")?.status == 200)
        let metrics = try #require(HTTPProbe.get(port: port, "/metrics"))
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("prognos_build_info{version=\"test\"} 1"))
        #expect(HTTPProbe.get(port: port, "/nothing")?.status == 404)
    }

    @Test func garbageAndOtherMethodsAreRefused() throws {
        let (endpoint, port) = try Self.endpoint()
        defer { endpoint.stop() }
        let garbage: [UInt8] = [0, 1, 2, 255, 13, 10, 13, 10]
        #expect(HTTPProbe.exchange(port: port, garbage).flatMap(HTTPProbe.parse)?.status == 400)
        let post = Array("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n".utf8)
        #expect(HTTPProbe.exchange(port: port, post).flatMap(HTTPProbe.parse)?.status == 405)
        #expect(HTTPProbe.get(port: port, "/healthz")?.status == 200)
    }

    @Test func aHeadPastTheLimitIsRefused() throws {
        let (endpoint, port) = try Self.endpoint()
        defer { endpoint.stop() }
        let endless = Array("GET /metrics HTTP/1.1\r\nX-Padding: ".utf8) + [UInt8](repeating: 65, count: 100_000)
        #expect(HTTPProbe.exchange(port: port, endless).flatMap(HTTPProbe.parse)?.status == 431)
        #expect(HTTPProbe.get(port: port, "/healthz")?.status == 200)
    }

    @Test func idleConnectionsPastTheLimitAreClosedAndTheRestTimeOut() throws {
        let (endpoint, port) = try Self.endpoint(maxConnections: 2, deadline: 1)
        defer { endpoint.stop() }
        let idle = (0..<2).compactMap { _ in HTTPProbe.connected(port: port) }
        #expect(idle.count == 2)
        // Accepted in order: the third finds both places taken and is closed without an answer.
        let third = try #require(HTTPProbe.connected(port: port))
        #expect(HTTPProbe.readAll(third).isEmpty)
        close(third)
        // The idle ones are closed at their deadline, without an answer, and the places are free again.
        for fd in idle {
            #expect(HTTPProbe.readAll(fd).isEmpty)
            close(fd)
        }
        #expect(PlantHarness.wait(timeout: 30) { HTTPProbe.get(port: port, "/healthz")?.status == 200 })
    }
}
