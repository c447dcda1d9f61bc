import Foundation
import PrognosCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 responder on a POSIX socket: GET requests, one per connection, answered and
/// closed. Enough for a Prometheus scrape and a health check, and nothing a hostile client can use
/// to reach the daemon: the request head is bounded (`maxHeadBytes`), each connection has a
/// deadline for its whole life (`deadline`), at most `maxConnections` are served at once (more are
/// closed at once), and every connection runs on a thread of its own, never on Swift's pool.
/// Written here rather than taken from a server library: the four routes need no more, and
/// it adds no dependency to the daemon's build (the NIO-free alternative, FlyingFox, brings its own
/// event loop for the same work).
public final class HTTPListener: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]
        public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: [UInt8]) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
        public init(status: Int, text: String) { self.init(status: status, body: Array((text + "\n").utf8)) }
    }

    public struct Limits: Sendable {
        public var maxHeadBytes = 8192
        public var maxConnections = 8
        public var deadline: Double = 5
        public init() {}
    }

    public struct ListenError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Answers a GET of a path (the query string removed).
    public typealias Handler = @Sendable (_ path: String) -> Response

    public let address: ListenAddress
    private let socket: Int32
    private let limits: Limits
    private let handler: Handler
    private let stopped = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let active = Atomic<Int>(0)
    private let acceptLoopEnded = DispatchSemaphore(value: 0)

    public init(address: ListenAddress, limits: Limits = Limits(), handler: @escaping Handler) throws(ListenError) {
        self.address = address
        self.limits = limits
        self.handler = handler
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ListenError(description: "cannot open a socket: \(Self.errorText())") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(address.port).bigEndian)
        inet_pton(AF_INET, address.host, &socketAddress.sin_addr)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 32) == 0 else {
            let reason = Self.errorText()
            close(fd)
            throw ListenError(description: "cannot listen on \(address): \(reason)")
        }
        socket = fd
    }

    /// A listener never started holds only its socket (a started one lives until `stop()`).
    deinit { if !started.load(ordering: .relaxed), !stopped.load(ordering: .relaxed) { close(socket) } }

    /// Accepts connections on a thread of its own until `stop()`.
    public func start() {
        guard !started.exchange(true, ordering: .relaxed) else { return }
        let thread = Thread { [self] in
            acceptLoop()
            acceptLoopEnded.signal()
        }
        thread.stackSize = 256 * 1024
        thread.name = "prognos-http"
        thread.start()
    }

    /// Stops accepting, waits for the accept loop to end (if it was started) and closes the socket;
    /// connections in progress end at their deadline.
    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        if started.load(ordering: .relaxed) { acceptLoopEnded.wait() }
        close(socket)
    }

    private func acceptLoop() {
        var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        while !stopped.load(ordering: .relaxed) {
            // A short poll, so that `stop()` is seen within a fifth of a second.
            guard poll(&poller, 1, 200) > 0 else { continue }
            let connection = accept(socket, nil, nil)
            guard connection >= 0 else { continue }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            guard active.add(1, ordering: .relaxed).newValue <= limits.maxConnections else {
                active.subtract(1, ordering: .relaxed)
                close(connection)
                continue
            }
            let thread = Thread { [self] in
                serve(connection)
                close(connection)
                active.subtract(1, ordering: .relaxed)
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        let deadline = Date().addingTimeInterval(limits.deadline)
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        while Self.endOfHead(in: head) == nil {
            guard head.count <= limits.maxHeadBytes else {
                return respond(connection, Response(status: 431, text: "request head too large"), deadline: deadline)
            }
            guard Date() < deadline else { return }
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count == 0 { return }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                return
            }
            head += chunk[0..<count]
        }
        respond(connection, response(to: head), deadline: deadline)
    }

    /// The answer to a request head: GET of a path, or why not.
    private func response(to head: [UInt8]) -> Response {
        let lineEnd = head.firstIndex(of: UInt8(ascii: "\r")) ?? head.count
        let parts = head[..<lineEnd].split(separator: UInt8(ascii: " "))
        guard parts.count == 3, parts[2].starts(with: Array("HTTP/1.".utf8)),
            let target = String(bytes: parts[1], encoding: .utf8), target.hasPrefix("/")
        else { return Response(status: 400, text: "bad request") }
        guard parts[0].elementsEqual("GET".utf8) else { return Response(status: 405, text: "only GET") }
        let path = String(target.prefix { $0 != "?" })
        return handler(path)
    }

    private func respond(_ connection: Int32, _ response: Response, deadline: Date) {
        let head =
            "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
            + "Content-Type: \(response.contentType)\r\nContent-Length: \(response.body.count)\r\n"
            + "Connection: close\r\n\r\n"
        var bytes = Array(head.utf8) + response.body
        var sent = 0
        while sent < bytes.count, Date() < deadline {
            let count = bytes.withUnsafeMutableBytes {
                send(connection, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
            }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                return
            }
            sent += count
        }
        shutdown(connection, Int32(SHUT_WR))
    }

    static func endOfHead(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
