import Foundation
import Store
import TestSupport
import Testing

/// `prognos model rebaseline` as an operator runs it: the real binary on a database of its own.
@Suite struct ModelCommandTests {
    static let demo = Peers.repositoryRoot.path + "/Plants/demo.yaml"

    static func database() throws -> (folder: URL, path: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rebaseline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("prognos.sqlite").path
        _ = try Store.open(path: path)
        return (folder, path)
    }

    @Test(.timeLimit(.minutes(3)))
    func aRebaselineIsRecordedWithWhoAndWhyAndListed() throws {
        let (folder, db) = try Self.database()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (status, output) = try PrognosBinary.run([
            "model", "rebaseline", "--db", db, "pump-101", "--plant", Self.demo, "--by", "alice", "--note",
            "new operating point",
        ])
        #expect(status == 0, "\(output)")
        #expect(output.hasPrefix("re-baseline #1: pump-101 at ") && output.contains("(by alice)"), "\(output)")
        let (listed, table) = try PrognosBinary.run(["model", "rebaseline", "--db", db])
        #expect(listed == 0, "\(table)")
        let row = table.split(separator: "\n").first { $0.contains("pump-101") }
        #expect(row?.contains("alice") == true && row?.hasSuffix("new operating point") == true, "\(table)")
    }

    @Test(.timeLimit(.minutes(3)))
    func anUnknownAssetIsAClearErrorWithStatus2AndNothingRecorded() throws {
        let (folder, db) = try Self.database()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (status, output) = try PrognosBinary.run([
            "model", "rebaseline", "--db", db, "pump-999", "--plant", Self.demo,
        ])
        #expect(status == 2)
        #expect(output.contains("no asset 'pump-999'") && output.contains("pump-101"), "\(output)")
        let (_, table) = try PrognosBinary.run(["model", "rebaseline", "--db", db])
        #expect(table.contains("(no re-baselines recorded)"), "\(table)")
    }
}
