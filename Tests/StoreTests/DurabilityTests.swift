import Dispatch
import Foundation
import GRDB
import PrognosCore
import TestSupport
import Testing

@testable import Store

@Suite("Durability and concurrency", .serialized, .timeLimit(.minutes(3)))
struct DurabilityTests {
    @Test("A reader holding a read transaction does not stop the writer (WAL)")
    func readerWhileWriting() async throws {
        let folder = try TemporaryFolder()
        let path = folder.file("wal.sqlite")
        let store = try Store.open(path: path)
        try await store.write(readings: ramp(count: 1_000))
        let reader = try Store.openReadOnly(path: path)

        let readerHoldsSnapshot = DispatchSemaphore(value: 0)
        let writerDone = DispatchSemaphore(value: 0)
        let readTask = Task {
            try await reader.writer.read { db -> (Int, Int, Bool) in
                let before = try Int.fetchOne(db, sql: "SELECT count(*) FROM readings_staged")!
                readerHoldsSnapshot.signal()
                let finished = writerDone.wait(timeout: .now() + 20) == .success
                let after = try Int.fetchOne(db, sql: "SELECT count(*) FROM readings_staged")!
                return (before, after, finished)
            }
        }
        readerHoldsSnapshot.wait()
        // Ten batches commit while the reader's transaction is open.
        for batch in 1...10 {
            try await store.write(readings: ramp(start: 1_800_000_000 + Double(batch) * 10_000, count: 1_000))
        }
        writerDone.signal()
        let (before, after, finished) = try await readTask.value
        #expect(finished)
        #expect(before == 1_000 && after == 1_000)  // a consistent snapshot
        #expect(try await reader.status().readings == 11_000)  // a new read sees every commit
        #expect(try await reader.history(asset: "pump-1", sensor: "temp", from: 0, to: 2e9).raw.count == 11_000)
    }

    @Test("A locked database is a clear .busy error, and the write succeeds once the lock is released")
    func lockedDatabase() async throws {
        let folder = try TemporaryFolder()
        let path = folder.file("locked.sqlite")
        let store = try Store.open(path: path, options: Store.Options(busyTimeout: 0.2))
        try await store.write(readings: ramp(count: 10))
        let log = folder.file("locker.log")
        let release = folder.file("release")
        // Another process takes an exclusive lock and holds it until told to let go.
        let script = """
            import os, sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            while not os.path.exists(sys.argv[2]):
                time.sleep(0.01)
            db.execute("COMMIT")
            """
        let locker = try ChildProcess(python, ["-c", script, path, release], outputPath: log)
        defer { locker.stop() }
        #expect(eventually { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("locked") })

        let started = Date()
        await #expect {
            try await store.write(readings: ramp(start: 2_000_000_000, count: 10))
        } throws: { error in
            let error = error as? StoreError
            return error?.kind == .busy && error?.isTransient == true && error!.description.contains("locked")
        }
        #expect(Date().timeIntervalSince(started) < 5)
        let (alarm, transition) = raisedAlarm()
        await #expect {
            try await store.recordAlarmTransition(transition, of: alarm, outbox: alert("raised"))
        } throws: { ($0 as? StoreError)?.kind == .busy }

        #expect(FileManager.default.createFile(atPath: release, contents: nil))
        #expect(locker.wait(timeout: 10) == 0)
        try await store.write(readings: ramp(start: 2_000_000_000, count: 10))
        try await store.recordAlarmTransition(transition, of: alarm, outbox: alert("raised"))
        #expect(try await store.status().readings == 20)
        #expect(try await store.outboxCount().alerts == 1)
    }

    @Test("A full disk is a clear .diskFull error; committed data stays and the retry succeeds")
    func diskFull() async throws {
        let store = try Store.inMemory()
        // No packing: the pages a pack frees would take the next batch, and the cap must stop the first.
        let writer = BatchWriter(store: store, configuration: .init(maxBatch: 2_000, packDelay: .infinity))
        writer.append(ramp(count: 2_000))
        try await writer.flush()
        // Cap the database at its current size plus a few pages: SQLite then reports SQLITE_FULL.
        try await store.writer.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")!
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 2)")
        }
        writer.append(ramp(start: 1_800_000_000, count: 20_000))
        await #expect {
            try await writer.flush()
        } throws: { ($0 as? StoreError)?.kind == .diskFull }
        #expect(writer.statistics.lastError?.kind == .diskFull)
        #expect(writer.statistics.pending == 20_000)
        #expect(try await store.status().readings == 2_000)
        #expect(try await store.integrityCheck() == ["ok"])

        try await store.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA max_page_count = 1073741823")
        }
        #expect(try await writer.flush() == 20_000)
        #expect(writer.statistics.lastError == nil)
        #expect(writer.statistics.pending == 0)
        let history = try await store.history(asset: "pump-1", sensor: "temp", from: 0, to: 3e9).raw
        #expect(history.count == 22_000)
        #expect(history == (ramp(count: 2_000) + ramp(start: 1_800_000_000, count: 20_000)))
    }

    @Test("kill -9 of a process writing: integrity ok and every committed outbox row present")
    func killDashNine() async throws {
        let folder = try TemporaryFolder()
        let path = folder.file("kill.sqlite")
        let store = try Store.open(path: path)
        try await store.write(readings: ramp(count: 1))  // creates series 1
        let log = folder.file("writer.log")
        // Each line is printed only after its transaction committed.
        let script = """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
            db.execute("PRAGMA synchronous=FULL")
            i = 0
            while True:
                i += 1
                db.execute("BEGIN IMMEDIATE")
                db.execute("INSERT INTO outbox (kind, topic, payload, qos, retain, created_at) "
                           "VALUES ('alert', 'prognos/kill', ?, 1, 0, ?)", (str(i), time.time()))
                db.executemany("INSERT OR IGNORE INTO readings_staged (series_id, time, value, quality) "
                               "VALUES (1, ?, ?, 'good')", [(2e9 + i * 1000 + k, float(k)) for k in range(200)])
                db.execute("COMMIT")
                print(i, flush=True)
                time.sleep(0.002)  # let the other writer in: SQLite's busy wait is not fair
            """
        let child = try ChildProcess(python, ["-c", script, path], outputPath: log)
        defer { child.stop() }
        // Meanwhile this process writes too, through the store.
        let batches = BatchWriter(store: store)
        var ours = 0
        let started = eventually { committedLines(log).count >= 20 }
        #expect(started)
        for i in 0..<20 {
            batches.append(ramp(sensor: "ours", start: 1_000 + Double(i) * 100, count: 100))
            ours += try await batches.flush()
            let (alarm, transition) = raisedAlarm(id: "ours-\(i)", at: Double(i))
            try await store.recordAlarmTransition(transition, of: alarm, outbox: alert("ours-\(i)"))
        }
        _ = eventually { committedLines(log).count >= 300 }
        child.signal(SIGKILL)
        #expect(child.wait(timeout: 10) == 128 + SIGKILL)
        let committed = committedLines(log)
        #expect(committed.count >= 20)

        let reopened = try Store.open(path: path)
        #expect(try await reopened.integrityCheck() == ["ok"])
        let payloads = Set(try await reopened.pendingOutbox(limit: 1_000_000).map(\.payload))
        let missing = committed.filter { !payloads.contains($0) }
        #expect(missing.isEmpty, "committed but lost: \(missing.prefix(10))")
        for i in 0..<20 { #expect(payloads.contains("ours-\(i)")) }
        #expect(ours == 2_000)
        let oursKept = try await reopened.history(asset: "pump-1", sensor: "ours", from: 0, to: 1e5).raw.count
        #expect(oursKept == 2_000)
        // And the store keeps working on the file.
        try await reopened.write(readings: ramp(sensor: "after", count: 10))
    }
}

/// The lines of `log` that end with a newline (a line cut by the kill is not a confirmed commit).
private func committedLines(_ log: String) -> [String] {
    guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
    var lines = text.components(separatedBy: "\n")
    lines.removeLast()  // the text after the last newline: empty or cut
    return lines.filter { !$0.isEmpty }
}
