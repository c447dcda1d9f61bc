import GRDB
import PrognosCore

/// Why a store operation failed, with what a person (or the daemon's retry logic) needs to act on it.
///
/// Every public `Store` method throws only `StoreError`. `kind` is an open set (a `RawRepresentable`
/// struct): switch on the kinds you handle and treat the rest as `.other`.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Another connection holds the lock longer than the busy timeout (SQLITE_BUSY / SQLITE_LOCKED).
        /// Nothing of the failed call was written; retry later.
        public static let busy = Kind(rawValue: "database is locked")
        /// The disk (or the database's page limit) is full (SQLITE_FULL). Nothing of the failed call
        /// was written; what was committed before is intact. Free space, then retry.
        public static let diskFull = Kind(rawValue: "disk full")
        /// An I/O error from the operating system (SQLITE_IOERR). Retry; persistent errors need a person.
        public static let io = Kind(rawValue: "I/O error")
        /// A write through a read-only store (SQLITE_READONLY).
        public static let readOnly = Kind(rawValue: "read-only")
        /// The file cannot be opened (missing, permissions, not a directory).
        public static let cannotOpen = Kind(rawValue: "cannot open database")
        /// The file is not a database or is damaged (SQLITE_CORRUPT / SQLITE_NOTADB).
        public static let corrupt = Kind(rawValue: "database corrupt")
        /// The file's schema was written by another version of Prognos than this one reads.
        public static let schemaMismatch = Kind(rawValue: "schema mismatch")
        /// A row the call refers to does not exist (an alarm id, for instance).
        public static let notFound = Kind(rawValue: "not found")
        /// An operator command that the alarm's current state does not allow (acknowledge a normal alarm).
        public static let invalidCommand = Kind(rawValue: "invalid command")
        /// A value the schema refuses (qos outside 0…2, an empty topic, a constraint).
        public static let invalidValue = Kind(rawValue: "invalid value")
        /// Anything else SQLite reports.
        public static let other = Kind(rawValue: "database error")
    }

    public var kind: Kind
    /// A sentence for a person: what failed and why.
    public var message: String
    /// SQLite's extended result code, when SQLite reported the error.
    public var sqliteCode: Int32?

    public init(_ kind: Kind, _ message: String, sqliteCode: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.sqliteCode = sqliteCode
    }

    /// Whether retrying the same call later can succeed without a person doing anything
    /// (a lock held by another process, a transient I/O error) or after space is freed.
    public var isTransient: Bool { kind == .busy || kind == .diskFull || kind == .io }

    public var description: String { "\(kind): \(message)" }
}

extension StoreError {
    /// Translates any error thrown inside a database access into a `StoreError`.
    static func from(_ error: any Error, _ context: @autoclosure () -> String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else {
            return StoreError(.other, "\(context()): \(error)")
        }
        let kind: Kind
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: kind = .busy
        case .SQLITE_FULL: kind = .diskFull
        case .SQLITE_IOERR: kind = .io
        case .SQLITE_READONLY: kind = .readOnly
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: kind = .cannotOpen
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: kind = .corrupt
        case .SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_TOOBIG, .SQLITE_RANGE: kind = .invalidValue
        default: kind = .other
        }
        let detail = error.message ?? "\(error.resultCode)"
        return StoreError(kind, "\(context()): \(detail)", sqliteCode: error.extendedResultCode.rawValue)
    }
}
