import GRDB
import GRDBSQLite
import PrognosCore

/// A cached statement bound and stepped through SQLite's C API: a GRDB `StatementArguments` per row
/// costs an array of existentials, about half of the time of a row on the telemetry path.
struct RawInsert {
    let statement: Statement
    private let handle: OpaquePointer
    private let connection: OpaquePointer?

    /// SQLite copies the text (the Swift string's buffer does not outlive the call).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
    }

    /// Readies the statement for the next row; call before binding it. Every caller binds each
    /// parameter of every row, so the bindings are not cleared: clearing freed the buffers SQLite
    /// copies text into, and every text bound after it was allocated again.
    func reset() {
        sqlite3_reset(handle)
    }

    /// NaN and ±infinity as NULL, as every REAL column of the store.
    func bind(_ index: Int32, _ value: Double?) {
        if let value = value.storable {
            sqlite3_bind_double(handle, index, value)
        } else {
            sqlite3_bind_null(handle, index)
        }
    }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

    func bind(_ index: Int32, _ value: Bool) { sqlite3_bind_int(handle, index, value ? 1 : 0) }

    func bind(_ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        // Through its UTF-8 bytes: passed as a C string, a short (inline) Swift string was first
        // copied into an array of its own. An empty one has no bytes to point at, and a null
        // pointer would bind NULL.
        guard !text.isEmpty else {
            sqlite3_bind_text(handle, index, "", 0, Self.transient)
            return
        }
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    /// Text that outlives the step (SQLITE_STATIC: no copy).
    func bind(_ index: Int32, static text: UnsafePointer<CChar>, length: Int32) {
        sqlite3_bind_text(handle, index, text, length, nil)
    }

    /// Runs the bound row; returns the rows it changed.
    @discardableResult
    func step() throws -> Int32 {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) }
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
        return connection.map { sqlite3_changes($0) } ?? 0
    }
}
