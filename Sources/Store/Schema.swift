import GRDB
import PrognosCore

/// The database schema as a sequence of migrations.
///
/// A migration that has shipped is never edited: a change is a new migration appended at the end
/// (`v2`, `v3`, …). Times are REAL unix seconds (UTC), durations REAL seconds, booleans INTEGER 0/1,
/// enumerations TEXT; the `*_view` views add ISO-8601 text times for people and tools.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2", migrate: v2)
        migrator.registerMigration("v3", migrate: v3)
        migrator.registerMigration("v4", migrate: v4)
        migrator.registerMigration("v5", migrate: v5)
        migrator.registerMigration("v6", migrate: v6)
        migrator.registerMigration("v7", migrate: v7)
        migrator.registerMigration("v8", migrate: v8)
        migrator.registerMigration("v9", migrate: v9)
        return migrator
    }

    /// The ISO-8601 text of a REAL unix-seconds column, millisecond precision, UTC.
    static func iso(_ column: String) -> String {
        "strftime('%Y-%m-%dT%H:%M:%fZ', \(column), 'unixepoch')"
    }

    private static func v1(_ db: Database) throws {
        // Telemetry. A series is one signal of one asset; readings refer to it by integer id so that
        // the hot table and its key stay small. `series` also keeps each signal's latest value.
        try db.execute(
            sql: """
                CREATE TABLE series (
                    id INTEGER PRIMARY KEY,
                    asset TEXT NOT NULL,
                    sensor TEXT NOT NULL,
                    first_time REAL,
                    last_time REAL,
                    last_value REAL,
                    last_quality TEXT,
                    raw_count INTEGER NOT NULL DEFAULT 0,
                    UNIQUE (asset, sensor)
                );
                CREATE TABLE readings (
                    series_id INTEGER NOT NULL,
                    time REAL NOT NULL,
                    value REAL,
                    quality TEXT NOT NULL,
                    PRIMARY KEY (series_id, time)
                ) WITHOUT ROWID;
                CREATE TABLE readings_1m (
                    series_id INTEGER NOT NULL,
                    minute REAL NOT NULL,
                    min REAL,
                    mean REAL,
                    max REAL,
                    count INTEGER NOT NULL,
                    bad_count INTEGER NOT NULL,
                    PRIMARY KEY (series_id, minute)
                ) WITHOUT ROWID;

                CREATE TABLE forecasts (
                    id INTEGER PRIMARY KEY,
                    asset TEXT NOT NULL,
                    sensor TEXT NOT NULL,
                    made_at REAL NOT NULL,
                    target_time REAL NOT NULL,
                    horizon REAL NOT NULL,
                    mean REAL,
                    lower50 REAL, upper50 REAL,
                    lower80 REAL, upper80 REAL,
                    lower90 REAL, upper90 REAL
                );
                CREATE INDEX forecasts_by_sensor ON forecasts (asset, sensor, made_at);
                CREATE INDEX forecasts_by_time ON forecasts (made_at);

                CREATE TABLE deviations (
                    id INTEGER PRIMARY KEY,
                    asset TEXT NOT NULL,
                    time REAL NOT NULL,
                    score REAL,
                    threshold REAL,
                    flagged INTEGER NOT NULL,
                    drift REAL,
                    drift_threshold REAL,
                    drift_flagged INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX deviations_by_asset ON deviations (asset, time);
                CREATE INDEX deviations_by_time ON deviations (time);
                CREATE TABLE deviation_shares (
                    deviation_id INTEGER NOT NULL REFERENCES deviations (id) ON DELETE CASCADE,
                    sensor TEXT NOT NULL,
                    share REAL,
                    PRIMARY KEY (deviation_id, sensor)
                ) WITHOUT ROWID;

                CREATE TABLE health (
                    id INTEGER PRIMARY KEY,
                    asset TEXT NOT NULL,
                    failure_mode TEXT NOT NULL,
                    time REAL NOT NULL,
                    health REAL,
                    health_sd REAL,
                    trend REAL,
                    rul_median REAL,
                    rul_p10 REAL,
                    rul_p90 REAL
                );
                CREATE INDEX health_by_asset ON health (asset, failure_mode, time);
                CREATE INDEX health_by_time ON health (time);

                CREATE TABLE alarms (
                    id TEXT PRIMARY KEY,
                    asset TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    sensors TEXT NOT NULL DEFAULT '[]',
                    priority TEXT NOT NULL,
                    state TEXT NOT NULL,
                    active INTEGER NOT NULL,
                    machine TEXT NOT NULL,
                    message TEXT NOT NULL,
                    value REAL,
                    threshold REAL,
                    raised_at REAL,
                    cleared_at REAL,
                    acknowledged_by TEXT,
                    acknowledged_at REAL,
                    shelved_by TEXT,
                    shelved_until REAL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX alarms_by_state ON alarms (state, raised_at);
                CREATE INDEX alarms_by_asset ON alarms (asset);
                CREATE TABLE alarm_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    alarm_id TEXT NOT NULL REFERENCES alarms (id) ON DELETE CASCADE,
                    asset TEXT NOT NULL,
                    time REAL NOT NULL,
                    cause TEXT NOT NULL,
                    from_state TEXT,
                    to_state TEXT NOT NULL,
                    active INTEGER NOT NULL,
                    priority TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    note TEXT
                );
                CREATE INDEX alarm_history_by_alarm ON alarm_history (alarm_id, id);
                CREATE INDEX alarm_history_by_time ON alarm_history (time);

                CREATE TABLE plans (
                    version INTEGER PRIMARY KEY,
                    created_at REAL NOT NULL,
                    horizon_end REAL,
                    expected_cost REAL,
                    baseline_cost REAL,
                    summary TEXT NOT NULL DEFAULT ''
                );
                CREATE TABLE proposals (
                    id INTEGER PRIMARY KEY,
                    plan_version INTEGER NOT NULL REFERENCES plans (version) ON DELETE CASCADE,
                    asset TEXT NOT NULL,
                    failure_mode TEXT,
                    action TEXT NOT NULL,
                    window_start REAL,
                    window_end REAL,
                    crew TEXT,
                    expected_cost REAL,
                    expected_cost_ignored REAL,
                    failure_probability REAL,
                    failure_probability_ignored REAL,
                    reasoning TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX proposals_by_plan ON proposals (plan_version);

                CREATE TABLE model_snapshots (
                    asset TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    created_at REAL NOT NULL,
                    format TEXT NOT NULL,
                    bytes BLOB NOT NULL,
                    PRIMARY KEY (asset, version)
                );

                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (kind IN ('alert', 'telemetry')),
                    topic TEXT NOT NULL CHECK (topic <> ''),
                    payload TEXT NOT NULL,
                    qos INTEGER NOT NULL CHECK (qos BETWEEN 0 AND 2),
                    retain INTEGER NOT NULL CHECK (retain IN (0, 1)),
                    created_at REAL NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_attempt_at REAL
                );
                CREATE INDEX outbox_by_kind ON outbox (kind, id);

                CREATE TABLE events (
                    id INTEGER PRIMARY KEY,
                    time REAL NOT NULL,
                    level TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    asset TEXT,
                    message TEXT NOT NULL
                );
                CREATE INDEX events_by_time ON events (time);

                CREATE TABLE daemon_status (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    pid INTEGER NOT NULL,
                    version TEXT NOT NULL,
                    plant TEXT NOT NULL,
                    started_at REAL NOT NULL,
                    heartbeat_at REAL NOT NULL,
                    ingest_lag REAL,
                    readings_ingested INTEGER NOT NULL,
                    readings_dropped INTEGER NOT NULL,
                    assets INTEGER NOT NULL,
                    alarms_active INTEGER NOT NULL,
                    outbox_pending INTEGER NOT NULL,
                    details TEXT
                );
                """)

        // Views for Grafana, pandas and the sqlite3 shell: names instead of ids, ISO-8601 times.
        try db.execute(
            sql: """
                CREATE VIEW readings_view AS
                    SELECT s.asset, s.sensor, r.time, \(iso("r.time")) AS time_iso, r.value, r.quality
                    FROM readings r JOIN series s ON s.id = r.series_id;
                CREATE VIEW readings_1m_view AS
                    SELECT s.asset, s.sensor, m.minute AS time, \(iso("m.minute")) AS time_iso,
                           m.min, m.mean, m.max, m.count, m.bad_count
                    FROM readings_1m m JOIN series s ON s.id = m.series_id;
                CREATE VIEW latest_values_view AS
                    SELECT asset, sensor, last_time AS time, \(iso("last_time")) AS time_iso,
                           last_value AS value, last_quality AS quality
                    FROM series;
                CREATE VIEW health_view AS
                    SELECT asset, failure_mode, time, \(iso("time")) AS time_iso, health, health_sd,
                           trend * 86400.0 AS trend_per_day,
                           rul_median / 86400.0 AS rul_median_days,
                           rul_p10 / 86400.0 AS rul_p10_days,
                           rul_p90 / 86400.0 AS rul_p90_days
                    FROM health;
                CREATE VIEW alarms_view AS
                    SELECT id, asset, kind, sensors, priority, state, active, message, value, threshold,
                           \(iso("raised_at")) AS raised_at_iso, \(iso("cleared_at")) AS cleared_at_iso,
                           acknowledged_by, \(iso("acknowledged_at")) AS acknowledged_at_iso,
                           shelved_by, \(iso("shelved_until")) AS shelved_until_iso,
                           \(iso("updated_at")) AS updated_at_iso
                    FROM alarms;
                CREATE VIEW alarm_history_view AS
                    SELECT id, alarm_id, asset, time, \(iso("time")) AS time_iso, cause, from_state, to_state,
                           active, priority, actor, note
                    FROM alarm_history;
                CREATE VIEW events_view AS
                    SELECT id, time, \(iso("time")) AS time_iso, level, kind, asset, message FROM events;
                """)
    }

    /// v2: the maintenance that engineers report as done (`prognos maintenance done`), which the
    /// daemon adopts: the modes an action restored start their health history again.
    private static func v2(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE maintenance_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    asset TEXT NOT NULL,
                    action TEXT NOT NULL,
                    done_at REAL NOT NULL,
                    recorded_by TEXT NOT NULL,
                    recorded_at REAL NOT NULL,
                    note TEXT
                );
                CREATE INDEX maintenance_log_by_asset ON maintenance_log (asset, done_at);
                CREATE VIEW maintenance_log_view AS
                    SELECT id, asset, action, done_at, \(iso("done_at")) AS done_at_iso, recorded_by,
                           \(iso("recorded_at")) AS recorded_at_iso, note
                    FROM maintenance_log;
                """)
    }

    /// v3: each health row says whether its mode is healthy, degrading or failed, and the planning
    /// horizon that a missing remaining life lies beyond (one estimate per mode, see `ModeOutlook`).
    private static func v3(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE health ADD COLUMN state TEXT CHECK (state IN ('healthy', 'degrading', 'failed'));
                ALTER TABLE health ADD COLUMN horizon REAL;
                DROP VIEW health_view;
                CREATE VIEW health_view AS
                    SELECT asset, failure_mode, time, \(iso("time")) AS time_iso, state, health, health_sd,
                           trend * 86400.0 AS trend_per_day,
                           rul_median / 86400.0 AS rul_median_days,
                           rul_p10 / 86400.0 AS rul_p10_days,
                           rul_p90 / 86400.0 AS rul_p90_days,
                           horizon / 86400.0 AS horizon_days
                    FROM health;
                """)
    }

    /// v4: the re-baselines that operators ask for (`prognos model rebaseline`): an asset's present
    /// state confirmed as its new normal, with who and when; the daemon adopts them as it adopts
    /// reported maintenance.
    private static func v4(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE rebaseline_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    asset TEXT NOT NULL,
                    requested_at REAL NOT NULL,
                    recorded_by TEXT NOT NULL,
                    note TEXT
                );
                CREATE INDEX rebaseline_log_by_asset ON rebaseline_log (asset, requested_at);
                CREATE VIEW rebaseline_log_view AS
                    SELECT id, asset, requested_at, \(iso("requested_at")) AS requested_at_iso, recorded_by, note
                    FROM rebaseline_log;
                """)
    }

    /// v5: forecasts keep what is read, the newest run of each sensor. `forecasts` took every run
    /// (4 horizons of every modelled sensor every 10 steps: a third of the daemon's rows, two
    /// indexes, the largest table on disk) while its one reader, the dashboard, takes the newest run
    /// of a sensor. `forecasts_latest` holds that run; a new run replaces it (`Store.write`). Only
    /// the newest run of each sensor is carried over.
    ///
    /// Unflagged deviation rows become one per minute (the window's largest score, `DeviationRows`):
    /// `deviations.steps` counts the model steps a row stands for (1 for the rows before).
    private static func v5(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE forecasts_latest (
                    asset TEXT NOT NULL,
                    sensor TEXT NOT NULL,
                    made_at REAL NOT NULL,
                    target_time REAL NOT NULL,
                    horizon REAL NOT NULL,
                    mean REAL,
                    lower50 REAL, upper50 REAL,
                    lower80 REAL, upper80 REAL,
                    lower90 REAL, upper90 REAL,
                    PRIMARY KEY (asset, sensor, made_at, target_time)
                ) WITHOUT ROWID;
                INSERT OR IGNORE INTO forecasts_latest
                    SELECT f.asset, f.sensor, f.made_at, f.target_time, f.horizon, f.mean,
                           f.lower50, f.upper50, f.lower80, f.upper80, f.lower90, f.upper90
                    FROM forecasts f
                    WHERE f.made_at = (
                        SELECT max(made_at) FROM forecasts g WHERE g.asset = f.asset AND g.sensor = f.sensor);
                DROP TABLE forecasts;
                ALTER TABLE deviations ADD COLUMN steps INTEGER NOT NULL DEFAULT 1;
                """)
    }
}
