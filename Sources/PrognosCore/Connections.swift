/// A Modbus device (a PLC, a gateway, a smart sensor) that Prognos polls.
public struct ModbusDevice: Sendable, Equatable, Identifiable {
    public enum Transport: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case rtu(SerialLine)
    }

    public var id: String
    public var transport: Transport
    public var pollInterval: Duration
    public var timeout: Duration
    /// Unused registers a merged request may read through to save a request; 0 reads only what is configured.
    public var maxGap: Int

    public init(
        id: String, transport: Transport, pollInterval: Duration = .seconds(1), timeout: Duration = .milliseconds(500),
        maxGap: Int = 8
    ) {
        self.id = id
        self.transport = transport
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.maxGap = maxGap
    }
}

/// RS-485/RS-232 settings of a Modbus RTU line.
public struct SerialLine: Sendable, Equatable {
    public enum Parity: String, Sendable, Equatable, CaseIterable {
        case none, even, odd
    }
    public var port: String
    public var baud: Int
    public var parity: Parity
    public var dataBits: Int
    public var stopBits: Int
    public init(port: String, baud: Int = 19200, parity: Parity = .even, dataBits: Int = 8, stopBits: Int = 1) {
        self.port = port
        self.baud = baud
        self.parity = parity
        self.dataBits = dataBits
        self.stopBits = stopBits
    }
}

/// An MQTT broker that sensor values arrive on (and alerts leave through).
public struct Broker: Sendable, Equatable, Identifiable {
    public var id: String
    public var host: String
    public var port: Int
    public var clientID: String?
    public var keepalive: Duration
    public var username: String?
    public var password: Secret?
    public var tls: TLSSettings?

    public init(
        id: String, host: String, port: Int = 1883, clientID: String? = nil, keepalive: Duration = .seconds(30),
        username: String? = nil, password: Secret? = nil, tls: TLSSettings? = nil
    ) {
        self.id = id
        self.host = host
        self.port = port
        self.clientID = clientID
        self.keepalive = keepalive
        self.username = username
        self.password = password
        self.tls = tls
    }
}

public struct TLSSettings: Sendable, Equatable {
    public var caFile: String
    public var certFile: String?
    public var keyFile: String?
    public init(caFile: String, certFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
    }
}

/// A secret is named, never written: it is read from an environment variable or a file at start.
public enum Secret: Sendable, Equatable, CustomStringConvertible {
    case environment(String)
    case file(String)

    /// Says where the secret comes from without revealing it.
    public var description: String {
        switch self {
        case .environment(let name): "environment variable \(name)"
        case .file(let path): "file \(path)"
        }
    }
}
