import Foundation

/// A real Prometheus server (Debian's `prometheus`) scraping one target every second, with its
/// storage in a folder of the test's; asked through its HTTP API.
public final class PrometheusServer: @unchecked Sendable {
    public let port: Int
    private let process: ChildProcess

    /// Writes `folder`/prometheus.yml for the target 127.0.0.1:`target` and starts the server.
    public init(scraping target: Int, folder: String) throws {
        port = Loopback.freePort()
        let config = """
            global: {scrape_interval: 1s, scrape_timeout: 1s}
            scrape_configs:
              - job_name: prognos
                static_configs: [{targets: ["127.0.0.1:\(target)"]}]
            """
        try config.write(toFile: folder + "/prometheus.yml", atomically: true, encoding: .utf8)
        process = try ChildProcess(
            Executable.path(named: "prometheus"),
            [
                "--config.file=\(folder)/prometheus.yml", "--storage.tsdb.path=\(folder)/prometheus-data",
                "--web.listen-address=127.0.0.1:\(port)",
            ], outputPath: folder + "/prometheus.log")
        guard Loopback.waitUntilListening(port: port, timeout: 60) else {
            process.stop()
            let log = (try? String(contentsOfFile: folder + "/prometheus.log", encoding: .utf8)) ?? ""
            throw PeerError(message: "prometheus did not listen on \(port):\n\(log.suffix(2000))")
        }
    }

    deinit { process.stop() }

    /// The value of an instant query that yields one number, evaluated at `time` (seconds since the
    /// epoch; nil: now); nil when the result is empty or not a number.
    public func value(_ query: String, at time: Double? = nil) -> Double? {
        var path = "/api/v1/query?query=" + Self.encoded(query)
        if let time { path += "&time=" + String(format: "%.3f", time) }
        guard let answer = HTTPProbe.get(port: port, path), answer.status == 200,
            let object = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
            let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
            result.count == 1, let sample = result[0]["value"] as? [Any], sample.count == 2,
            let text = sample[1] as? String
        else { return nil }
        return Double(text)
    }

    private static func encoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// Prometheus's `promtool`: lints an exposition, checks configurations, unit-tests alert rules.
public enum Promtool {
    /// Runs `promtool arguments…` to completion; its exit status and output.
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try complete(Executable.path(named: "promtool"), arguments)
    }

    /// `promtool check metrics` on an exposition (it reads standard input, which children here do
    /// not get: a shell redirects a file to it).
    public static func checkMetrics(_ exposition: String) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try exposition.write(to: file, atomically: true, encoding: .utf8)
        return try complete(
            Executable.path(named: "sh"),
            ["-c", #"exec "$0" check metrics < "$1""#, Executable.path(named: "promtool"), file.path])
    }

    private static func complete(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String)
    {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("promtool-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let child = try ChildProcess(executable, arguments, outputPath: log.path)
        let status = child.wait(timeout: 120) ?? child.stop()
        return (status, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
