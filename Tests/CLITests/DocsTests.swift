import Foundation
import TestSupport
import Testing

/// What the README and docs/ quote as a command with its output (a ```text block whose first line
/// is `$ swift run prognos …`) is what that command prints today, run from the repository's root.
@Suite struct DocsTests {
    struct Quote: CustomStringConvertible, Sendable {
        var file: String
        var arguments: [String]
        var output: [String]
        var description: String { "\(file): prognos \(arguments.joined(separator: " "))" }
    }

    static var quotes: [Quote] {
        let root = Peers.repositoryRoot.path
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: root + "/docs")) ?? []
        let files = ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        var quotes: [Quote] = []
        for file in files {
            let text = (try? String(contentsOfFile: root + "/" + file, encoding: .utf8)) ?? ""
            for block in text.components(separatedBy: "```text\n").dropFirst() {
                let lines = block.components(separatedBy: "\n```")[0].split(
                    separator: "\n", omittingEmptySubsequences: false
                ).map(String.init)
                guard let first = lines.first, first.hasPrefix("$ swift run prognos ") else { continue }
                let arguments = first.dropFirst("$ swift run prognos ".count).split(separator: " ").map(String.init)
                quotes.append(Quote(file: file, arguments: arguments, output: Array(lines.dropFirst())))
            }
        }
        return quotes
    }

    @Test func theDocsQuoteCommands() {
        #expect(Self.quotes.count >= 2)
    }

    @Test(arguments: quotes)
    func quotedOutputIsWhatTheCommandPrints(_ quote: Quote) throws {
        let (status, output) = try PrognosBinary.run(quote.arguments, timeout: 60)
        #expect(status == 0 || status == 2, "\(quote): exit \(status)")
        #expect(
            output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
                == quote.output.filter { !$0.isEmpty }, "\(quote)")
    }
}
