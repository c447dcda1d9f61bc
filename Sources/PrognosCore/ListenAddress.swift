/// Where a listener of the daemon opens (the metrics and health endpoint): an IPv4 literal and a
/// port. Written `HOST:PORT`, or `PORT` alone for the loopback address, so that nothing is reachable
/// from the network unless an address says so.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public static let loopback = "127.0.0.1"

    /// The address of `text`, or why it is not one (the reason names what is wrong, not the text).
    public static func parse(_ text: String) -> Result<ListenAddress, ListenAddressError> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let host = parts.count == 2 ? String(parts[0]) : loopback
        guard parts.count <= 2, let portText = parts.last, let port = Int(portText), (1...65535).contains(port)
        else {
            return .failure(ListenAddressError(reason: "must be HOST:PORT or PORT, with a port from 1 to 65535"))
        }
        guard isIPv4Literal(host) else {
            return .failure(ListenAddressError(reason: "must name its host by an IPv4 address such as 127.0.0.1"))
        }
        return .success(ListenAddress(host: host, port: port))
    }

    public var isLoopback: Bool { host.hasPrefix("127.") }

    public var description: String { "\(host):\(port)" }

    private static func isIPv4Literal(_ text: String) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4
            && octets.allSatisfy { octet in
                octet.count <= 3 && octet.allSatisfy(\.isASCII) && Int(octet).map { (0...255).contains($0) } == true
            }
    }
}

public struct ListenAddressError: Error, Sendable, Equatable {
    public var reason: String
}
