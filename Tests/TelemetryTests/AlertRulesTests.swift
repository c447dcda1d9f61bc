import Foundation
import TestSupport
import Testing

/// The alert rules and scrape configuration under deploy/prometheus, judged by Prometheus's own
/// `promtool`: the configuration is valid, and each rule fires on the series it is for and only then
/// (the unit tests in prognos-alerts.test.yml). docs/monitoring.md quotes both files as they are.
@Suite struct AlertRulesTests {
    static let folder = Peers.repositoryRoot.appendingPathComponent("deploy/prometheus").path

    @Test func theRulesFireWhenTheyShould() throws {
        let run = try Promtool.run(["test", "rules", Self.folder + "/prognos-alerts.test.yml"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("SUCCESS"), "\(run.output)")
    }

    @Test func theScrapeConfigurationIsValid() throws {
        let run = try Promtool.run(["check", "config", Self.folder + "/prometheus.yml"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("SUCCESS: 3 rules found"), "\(run.output)")
    }

    @Test(arguments: ["prognos-alerts.yml", "prometheus.yml"])
    func theDocsQuoteTheFile(_ name: String) throws {
        let file = try String(contentsOfFile: Self.folder + "/" + name, encoding: .utf8)
        let docs = try String(
            contentsOf: Peers.repositoryRoot.appendingPathComponent("docs/monitoring.md"), encoding: .utf8)
        // The file without its leading comment lines, as the docs show it in a yaml block.
        let body = file.split(separator: "\n", omittingEmptySubsequences: false).drop { $0.hasPrefix("#") }
            .joined(separator: "\n")
        #expect(docs.contains("```yaml\n" + body), "docs/monitoring.md does not quote deploy/prometheus/\(name)")
    }
}
