#!/usr/bin/env python3
# Pages one pack writes into the WAL as `readings_packed` grows, under its two index layouts:
#   Plants/tools/pack-pages.py [SIGNALS] [MINUTES...]      (default: 12000 signals; 60 240 minutes)
# The table holds MINUTES minutes of SIGNALS signals (a row per signal-minute, as `Store.pack`
# writes them, with a one-byte payload: the index's pages are what is counted), then one more
# minute is packed with the automatic checkpoint off and the WAL's frames are counted.
#   by-series: v6/v7's index (series_id, minute): an entry at the end of every signal's range;
#   by-bucket: v8's index (series_id / 64, minute, series_id): a minute's entries of 64 signals
#              together at the end of their bucket's range.
import os, sqlite3, sys, tempfile

signals = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
spans = [int(m) for m in sys.argv[2:]] or [60, 240]
layouts = {
    "by-series": "CREATE UNIQUE INDEX i ON readings_packed (series_id, minute)",
    "by-bucket": "CREATE UNIQUE INDEX i ON readings_packed (series_id / 64, minute, series_id)",
}


def pack(db, minute):
    db.execute("BEGIN")
    db.executemany("INSERT INTO readings_packed (series_id, minute, vals) VALUES (?, ?, 'x')",
                   [(s, minute * 60.0) for s in range(signals)])
    db.execute("COMMIT")


print(f"sqlite {sqlite3.sqlite_version}, {signals} signals, 4 KiB pages")
for minutes in spans:
    for name, index in layouts.items():
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "p.sqlite")
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("PRAGMA page_size = 4096")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA wal_autocheckpoint = 0")
            db.execute("CREATE TABLE readings_packed (id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL, "
                       "minute REAL NOT NULL, vals TEXT)")
            db.execute(index)
            for minute in range(minutes):
                pack(db, minute)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            pack(db, minutes)
            frames = os.path.getsize(path + "-wal") // (4096 + 24)
            print(f"after {minutes} min, {name}: {frames} pages written by one pack")
            db.close()
