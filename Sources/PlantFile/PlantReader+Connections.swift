import PrognosCore
import Yams

extension PlantReader {
    func readDevices(_ nodes: [Node]) -> [ModbusDevice] {
        var seen = IDRegistry(kind: "device", diagnostics: diagnostics)
        return nodes.compactMap { node in
            guard let map = YAMLMap(node, what: "Modbus device", diagnostics: diagnostics) else { return nil }
            map.checkKeys(["id", "tcp", "rtu", "poll_interval", "timeout", "max_gap"])
            let id = map.identifier()
            if let id {
                seen.register(id, at: map.keyLocation("id"))
                declaredDevices.append(id)
            }
            let transport = readTransport(map)
            let interval = map.duration("poll_interval") ?? .seconds(1)
            let timeout = map.duration("timeout") ?? .milliseconds(500)
            if interval <= .zero {
                diagnostics.report("'poll_interval' must be longer than zero", at: map.keyLocation("poll_interval"))
            }
            if timeout <= .zero || timeout >= interval {
                diagnostics.report(
                    "'timeout' (\(formatDuration(timeout))) must be longer than zero and shorter than poll_interval (\(formatDuration(interval)))",
                    at: map.keyLocation(map.has("timeout") ? "timeout" : "poll_interval"))
            }
            let maxGap = map.int("max_gap", range: 0...124) ?? 8
            guard let id, let transport else { return nil }
            let device = ModbusDevice(
                id: id, transport: transport, pollInterval: interval, timeout: timeout, maxGap: maxGap)
            devices[id] = device
            return device
        }
    }

    private func readTransport(_ map: YAMLMap) -> ModbusDevice.Transport? {
        switch (map.node("tcp"), map.node("rtu")) {
        case (nil, nil), (.some, .some):
            diagnostics.report(
                "a Modbus device needs exactly one of 'tcp' (host:port) or 'rtu' (serial settings)", at: map.location)
            return nil
        case (let tcp?, nil):
            guard let text = map.scalarString(tcp, key: "tcp") else { return nil }
            guard let (host, port) = parseHostPort(text) else {
                diagnostics.report(
                    "'tcp' must be host:port with a port in 1…65535, such as 192.168.1.20:502 (got '\(text)')",
                    at: location(of: tcp))
                return nil
            }
            return .tcp(host: host, port: port)
        case (nil, let rtu?):
            guard let serial = YAMLMap(rtu, what: "RTU serial line", diagnostics: diagnostics) else { return nil }
            serial.checkKeys(["port", "baud", "parity", "data_bits", "stop_bits"])
            let port = serial.string("port", required: true)
            let baud = serial.int("baud", range: 300...921_600) ?? 19200
            var parity = SerialLine.Parity.even
            if let text = serial.string("parity") {
                if let value = SerialLine.Parity(rawValue: text.lowercased()) {
                    parity = value
                } else {
                    diagnostics.report(
                        "unknown parity '\(text)': use none, even or odd", at: serial.keyLocation("parity"))
                }
            }
            let dataBits = serial.int("data_bits", range: 7...8) ?? 8
            let stopBits = serial.int("stop_bits", range: 1...2) ?? 1
            guard let port else { return nil }
            return .rtu(SerialLine(port: port, baud: baud, parity: parity, dataBits: dataBits, stopBits: stopBits))
        }
    }

    func readBrokers(_ nodes: [Node]) -> [Broker] {
        var seen = IDRegistry(kind: "broker", diagnostics: diagnostics)
        return nodes.compactMap { node in
            guard let map = YAMLMap(node, what: "MQTT broker", diagnostics: diagnostics) else { return nil }
            map.checkKeys([
                "id", "host", "port", "client_id", "keepalive", "username", "password_env", "password_file", "tls",
            ])
            let id = map.identifier()
            if let id {
                seen.register(id, at: map.keyLocation("id"))
                brokerIDs.append(id)
            }
            let host = map.string("host", required: true)
            let port = map.int("port", range: 1...65535) ?? 1883
            // MQTT carries the keep-alive in 16 bits of seconds.
            let keepalive = map.duration("keepalive", maximum: .seconds(65_535)) ?? .seconds(30)
            var password: Secret?
            switch (map.string("password_env"), map.string("password_file")) {
            case (let name?, nil): password = .environment(name)
            case (nil, let path?): password = .file(path)
            case (.some, .some):
                diagnostics.report(
                    "give the password in one place: 'password_env' or 'password_file', not both",
                    at: map.keyLocation("password_file"))
            case (nil, nil): password = nil
            }
            let tls = map.map("tls", what: "TLS settings").flatMap(readTLS)
            guard let id, let host else { return nil }
            return Broker(
                id: id, host: host, port: port, clientID: map.string("client_id"), keepalive: keepalive,
                username: map.string("username"), password: password, tls: tls)
        }
    }

    private func readTLS(_ map: YAMLMap) -> TLSSettings? {
        map.checkKeys(["ca_file", "cert_file", "key_file"])
        let ca = map.string("ca_file", required: true)
        let cert = map.string("cert_file")
        let key = map.string("key_file")
        if (cert == nil) != (key == nil) {
            diagnostics.report("a client certificate needs both 'cert_file' and 'key_file'", at: map.location)
        }
        guard let ca else { return nil }
        return TLSSettings(caFile: ca, certFile: cert, keyFile: key)
    }
}

/// Splits `host:port` (or `[v6]:port`).
func parseHostPort(_ text: String) -> (String, Int)? {
    guard let colon = text.lastIndex(of: ":") else { return nil }
    var host = String(text[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
        return nil
    }
    return (host, port)
}
