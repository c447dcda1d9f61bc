import GRDB
import Testing

@testable import Store

/// Rows bound through `RawInsert` read back as bound: texts short and long, empty, non-ASCII and
/// absent, with the bindings of one row never leaking into the next (they are not cleared).
@Suite struct RawInsertTests {
    @Test func textsReadBackAsBoundRowAfterRow() throws {
        let queue = try DatabaseQueue()
        let texts: [String?] = [
            "pump-101", "", nil, "Kreiselpumpe Nord — Lager über 80 °C", String(repeating: "x", count: 300), "s1",
        ]
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (n INTEGER, text TEXT, value REAL)")
            let insert = try RawInsert(db, sql: "INSERT INTO t (n, text, value) VALUES (?, ?, ?)")
            for (n, text) in texts.enumerated() {
                insert.reset()
                insert.bind(1, Int64(n))
                insert.bind(2, text)
                insert.bind(3, n.isMultiple(of: 2) ? Double(n) : nil)
                try insert.step()
            }
            insert.reset()
        }
        let rows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT text, value FROM t ORDER BY n") }
        #expect(rows.map { $0["text"] as String? } == texts)
        #expect(rows.map { $0["value"] as Double? } == texts.indices.map { $0.isMultiple(of: 2) ? Double($0) : nil })
        // An empty text is stored as text, not as NULL.
        let empty = try queue.read { db in try String.fetchOne(db, sql: "SELECT typeof(text) FROM t WHERE n = 1") }
        #expect(empty == "text")
    }
}
