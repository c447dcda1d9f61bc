import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain HTTP client on a loopback socket, for tests of the daemon's monitoring endpoint and for
/// asking a real Prometheus server: it sends exactly the bytes given (good requests or hostile
/// ones) and reads the answer until the server closes, never longer than `timeout` per read.
public enum HTTPProbe {
    public struct Answer: Sendable {
        public var status: Int
        public var body: String
    }

    /// `GET path` on 127.0.0.1:`port`; nil when nothing answers.
    public static func get(port: Int, _ path: String, timeout: Double = 10) -> Answer? {
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
        return exchange(port: port, Array(request.utf8), timeout: timeout).flatMap(parse)
    }

    /// Sends `bytes` and reads everything until the server closes; nil when the connection fails.
    public static func exchange(port: Int, _ bytes: [UInt8], timeout: Double = 10) -> [UInt8]? {
        guard let fd = connected(port: port, timeout: timeout) else { return nil }
        defer { close(fd) }
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            // The server may answer (431) and close before reading everything: keep what it said.
            if count <= 0 { break }
            sent += count
        }
        return readAll(fd)
    }

    /// An open connection to 127.0.0.1:`port` with read and write timeouts; the caller closes it.
    public static func connected(port: Int, timeout: Double = 10) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        if ok { return fd }
        close(fd)
        return nil
    }

    /// Everything the peer sends until it closes (or a read times out).
    public static func readAll(_ fd: Int32) -> [UInt8] {
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return answer }
            answer += chunk[0..<count]
        }
    }

    /// The status code and body of an HTTP/1.1 answer.
    public static func parse(_ bytes: [UInt8]) -> Answer? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n"), text.hasPrefix("HTTP/1.") else { return nil }
        let statusLine = text[..<headEnd.lowerBound].prefix { $0 != "\r" }.split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        return Answer(status: status, body: String(text[headEnd.upperBound...]))
    }
}
