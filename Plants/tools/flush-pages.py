#!/usr/bin/env python3
# WAL frames written by one 2-s flush of 1,000 pumps (24,000 readings, transactions of 500 grouped
# by signal, as BatchWriter does), into v5's `readings` (series_id, time) and v6's `readings_staged`
# (time, series_id), each already holding 5 minutes of the plant's readings.
import sqlite3, os, random
def run(name, ddl, key):
    p='/tmp/flush-pages-%d-%s.sqlite' % (os.getpid(), name.split()[0])
    for s in ['','-wal','-shm']:
        try: os.remove(p+s)
        except FileNotFoundError: pass
    db=sqlite3.connect(p, isolation_level=None)
    db.execute("pragma journal_mode=wal"); db.execute("pragma synchronous=normal")
    db.execute("pragma wal_autocheckpoint=0")
    db.execute(ddl)
    base=1733400000.0
    def second(sec):
        return [(base+sec+d/1000.0, d*12+k+1, 40+random.random(), 'good') for d in range(1000) for k in range(12)]
    db.execute("begin")
    for sec in range(300):
        db.executemany("insert into t(time, series_id, value, quality) values(?,?,?,?)", second(sec))
    db.execute("commit")
    db.execute("pragma wal_checkpoint(truncate)")
    fl=second(300)+second(301)
    fl.sort(key=lambda r:(r[1],r[0]))
    for i in range(0,len(fl),500):
        db.execute("begin"); db.executemany("insert or ignore into t(time, series_id, value, quality) values(?,?,?,?)", fl[i:i+500]); db.execute("commit")
    frames=(os.path.getsize(p+'-wal')-32)/(4096+24)
    print(name, "WAL frames for one flush:", round(frames))
    db.close()
    for s in ['','-wal','-shm']:
        if os.path.exists(p+s): os.remove(p+s)
run("v5 readings", "create table t(series_id integer not null, time real not null, value real, quality text not null, primary key(series_id, time)) without rowid", None)
run("v6 readings_staged", "create table t(time real not null, series_id integer not null, value real, quality text not null, primary key(time, series_id)) without rowid", None)
