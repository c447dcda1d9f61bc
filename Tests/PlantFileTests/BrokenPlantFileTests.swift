import Foundation
import PlantFile
import Testing

/// Every broken plant file under Fixtures/broken is rejected with exactly the problems in its
/// `.expected` sibling (one `line:column: reason` per line, in file order).
@Suite struct BrokenPlantFileTests {
    static let fixtures: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/broken")

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func theCorpusIsLargeEnough() {
        #expect(Self.cases.count >= 25)
    }

    @Test(arguments: cases)
    func brokenFileIsRejectedWithItsLocation(_ name: String) throws {
        let path = Self.fixtures.appendingPathComponent(name).path
        let expectedPath = path.replacingOccurrences(of: ".yaml", with: ".expected")
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(!expected.isEmpty, "\(name) has no expected problems")
        do {
            _ = try PlantFileLoader.load(path: path)
            Issue.record("\(name) was accepted")
        } catch {
            let problems = error.problems.map { "\($0.location.line):\($0.location.column): \($0.reason)" }
            #expect(problems == expected)
            #expect(error.problems.allSatisfy { $0.file == path })
            #expect(error.description.hasPrefix("\(path):"))
        }
    }
}
