import GRDB
import GRDBSQLite
import PrognosCore

extension Schema {
    /// v6: readings are staged by time and packed by signal-minute (issue 20). `readings` was keyed
    /// (series_id, time): each of a plant's signals appended at a leaf page of its own, so a flush
    /// wrote one page per signal (12,000 for 1,000 pumps) and, once the table outgrew the page
    /// cache, read them back first. Now a batch appends to `readings_staged` (keyed (time,
    /// series_id): its last few pages), and `Store.pack` moves each complete minute into
    /// `readings_packed`, one row per signal-minute: the minute's offsets, values and qualities as
    /// JSON arrays (`json_each` reads them: `readings_view`) with its summary for `readings_1m`.
    /// The packed table appends (rowid); its index by (series_id, minute) takes one small entry per
    /// signal-minute. The rows of `readings` are packed here.
    static func v6(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE readings_staged (
                    time REAL NOT NULL,
                    series_id INTEGER NOT NULL,
                    value REAL,
                    quality TEXT NOT NULL,
                    PRIMARY KEY (time, series_id)
                ) WITHOUT ROWID;
                CREATE TABLE readings_packed (
                    id INTEGER PRIMARY KEY,
                    series_id INTEGER NOT NULL,
                    minute REAL NOT NULL,
                    count INTEGER NOT NULL,
                    good_count INTEGER NOT NULL,
                    min REAL,
                    mean REAL,
                    max REAL,
                    offsets TEXT NOT NULL,
                    vals TEXT NOT NULL,
                    qualities TEXT
                );
                CREATE UNIQUE INDEX readings_packed_by_series ON readings_packed (series_id, minute);
                """)
        try packLegacyReadings(db)
        try db.execute(
            sql: """
                DROP VIEW readings_view;
                DROP TABLE readings;
                CREATE VIEW readings_view AS
                    \(packedReadings())
                    UNION ALL
                    \(stagedReadings);
                """)
    }

    /// `readings_view`'s packed half: each packed row unfolded with `json_each`; `join` finds a
    /// series' packed rows.
    private static func packedReadings(join: String = "s.id = p.series_id") -> String {
        """
        SELECT s.asset, s.sensor, p.minute + o.value AS time, \(iso("p.minute + o.value")) AS time_iso,
               json_extract(p.vals, '$[' || o.key || ']') AS value,
               coalesce(json_extract(p.qualities, '$[' || o.key || ']'), 'good') AS quality
        FROM readings_packed p JOIN series s ON \(join) JOIN json_each(p.offsets) o
        """
    }

    /// `readings_view`'s staged half.
    private static var stagedReadings: String {
        """
        SELECT s.asset, s.sensor, r.time, \(iso("r.time")) AS time_iso, r.value, r.quality
        FROM readings_staged r JOIN series s ON s.id = r.series_id
        """
    }

    /// `readings_view`'s staged half from v7 on: without the staged readings that a pack in
    /// progress has packed already (`pack_progress`).
    private static var stagedReadingsNotPacked: String {
        """
        \(stagedReadings)
        WHERE NOT EXISTS (
            SELECT 1 FROM pack_progress g WHERE r.time < g.window_end AND r.series_id <= g.series_through)
        """
    }

    /// v7: a pack writes in short transactions (issue 20: one transaction per minute held the
    /// store's one writer for a fifth of a second, and an alarm's commit waited behind it). Its
    /// signals are written a group a transaction, then its staged readings deleted a few seconds
    /// a transaction; `pack_progress` records how far the packed rows go (the staged readings before
    /// `window_end` of the series up to `series_through` are packed), in the transaction that
    /// writes them. `readings_view` hides those staged readings, so a reading shows once while the
    /// pack runs, and an interrupted pack is finished when the store is next opened for writing
    /// (`Store.finishInterruptedPack`).
    static func v7(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE pack_progress (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    window_end REAL NOT NULL,
                    series_through INTEGER NOT NULL
                );
                DROP VIEW readings_view;
                CREATE VIEW readings_view AS
                    \(packedReadings())
                    UNION ALL
                    \(stagedReadingsNotPacked);
                """)
    }

    /// Signals to a bucket of `readings_packed`'s index (see v8).
    static let packedBucket = 64

    /// The condition that selects the packed rows of the series `id` (a column or a parameter)
    /// through the index by bucket. `series_id + 0` and not `series_id`: SQLite would put `id` in
    /// place of `series_id` everywhere (constant propagation), and the bucket's expression would
    /// no longer match the index's.
    static func packedRows(of id: String, table: String = "readings_packed") -> String {
        "\(table).series_id / \(packedBucket) = \(id) / \(packedBucket) AND \(table).series_id + 0 = \(id)"
    }

    /// v8: `readings_packed`'s index by signal buckets (issue 20). Keyed (series_id, minute), a pack
    /// added an entry at the end of every signal's range, one leaf page each: as the index grew,
    /// a pack wrote more of its pages into the WAL (2,793 after an hour of 12,000 signals, 10,879
    /// after four; `Plants/tools/pack-pages.py`), and the daemon's CPU rose with uptime. Keyed
    /// (series_id / 64, minute, series_id), a minute's entries of 64 signals sit together at the
    /// end of their bucket's range: a pack writes a leaf page per bucket (755 pages after four
    /// hours, table pages included), and a signal's rows are found by a seek to its bucket and
    /// minute, scanning the bucket's other 63 signals (`packedRows(of:)`).
    static func v8(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP INDEX readings_packed_by_series;
                CREATE UNIQUE INDEX readings_packed_by_bucket
                    ON readings_packed (series_id / \(packedBucket), minute, series_id);
                DROP VIEW readings_view;
                CREATE VIEW readings_view AS
                    \(packedReadings(join: packedRows(of: "s.id", table: "p")))
                    UNION ALL
                    \(stagedReadingsNotPacked);
                """)
    }

    /// Packs the rows of v1's `readings` (in key order: by signal, then time) a signal-minute at a time.
    private static func packLegacyReadings(_ db: Database) throws {
        let writer = try PackedWriter(db)
        let rows = try Row.fetchCursor(
            db, sql: "SELECT series_id, time, value, quality FROM readings ORDER BY series_id, time")
        var series: Int64 = -1
        var current = PackedMinute(minute: -.infinity)
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let time: Double = row[1]
            let minute = PackedMinute.minute(of: time)
            if id != series || minute != current.minute {
                if current.count > 0 { _ = try writer.insert(PackedRow(series: series, current)) }
                series = id
                current = PackedMinute(minute: minute)
            }
            current.append(time: time, value: row[2], quality: Quality(rawValue: row[3]) ?? .badValue)
        }
        if current.count > 0 { _ = try writer.insert(PackedRow(series: series, current)) }
    }
}
