/// Why a peer (a broker, a database, a Python peer) could not be started or did not answer, with
/// what it printed.
public struct PeerError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
