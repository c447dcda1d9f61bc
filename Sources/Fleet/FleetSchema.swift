import PostgresNIO

/// The fleet database's schema as numbered migrations. A shipped migration is never edited: a
/// change is a new migration. Applied versions are recorded in `schema_migrations`.
///
/// Alarm history is partitioned by month of the transition time (PostgreSQL's declarative range
/// partitioning); `FleetDatabase` creates each month's partition before rows for it arrive. The
/// primary key of a partitioned table must contain the partition key, so it is (site, event_id,
/// time): a redelivered transition repeats all three (its payload is the same bytes), and `ON
/// CONFLICT DO NOTHING` keeps one row. Event ids are unique within a site only (two plants may both
/// have a pump-101), hence the site in the key.
enum FleetSchema {
    struct Migration {
        var version: Int
        var name: String
        var statements: [PostgresQuery]
    }

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "fleet tables",
            statements: [
                """
                CREATE TABLE alarm_events (
                    event_id text NOT NULL,
                    time timestamptz NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    site text NOT NULL,
                    asset text NOT NULL,
                    alarm_id text NOT NULL,
                    kind text NOT NULL,
                    priority text NOT NULL,
                    state text NOT NULL,
                    previous_state text NOT NULL,
                    cause text NOT NULL,
                    active boolean NOT NULL,
                    message text NOT NULL,
                    actor text NOT NULL,
                    value double precision,
                    threshold double precision,
                    payload jsonb NOT NULL,
                    PRIMARY KEY (site, event_id, time)
                ) PARTITION BY RANGE (time)
                """,
                "CREATE INDEX alarm_events_site_time ON alarm_events (site, time DESC)",
                "CREATE INDEX alarm_events_alarm ON alarm_events (site, alarm_id, time DESC)",
                """
                CREATE TABLE alarm_latest (
                    site text NOT NULL,
                    alarm_id text NOT NULL,
                    asset text NOT NULL,
                    event_id text NOT NULL,
                    time timestamptz NOT NULL,
                    kind text NOT NULL,
                    priority text NOT NULL,
                    state text NOT NULL,
                    active boolean NOT NULL,
                    message text NOT NULL,
                    PRIMARY KEY (site, alarm_id)
                )
                """,
                "CREATE VIEW open_alarms AS SELECT * FROM alarm_latest WHERE state <> 'normal'",
                """
                CREATE TABLE asset_states (
                    site text NOT NULL,
                    asset text NOT NULL,
                    status text NOT NULL,
                    learning boolean NOT NULL,
                    active_alarms integer NOT NULL,
                    score double precision,
                    threshold double precision,
                    rul_mode text,
                    rul_median_s double precision,
                    time timestamptz NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    payload jsonb NOT NULL,
                    PRIMARY KEY (site, asset)
                )
                """,
                """
                CREATE TABLE plans (
                    site text NOT NULL,
                    created_at timestamptz NOT NULL,
                    version bigint,
                    horizon_end timestamptz NOT NULL,
                    currency text NOT NULL,
                    expected_cost double precision,
                    baseline_cost double precision,
                    summary text NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    payload jsonb NOT NULL,
                    PRIMARY KEY (site, created_at)
                )
                """,
                """
                CREATE TABLE plan_proposals (
                    site text NOT NULL,
                    created_at timestamptz NOT NULL,
                    position integer NOT NULL,
                    asset text NOT NULL,
                    failure_mode text NOT NULL,
                    action text NOT NULL,
                    window_start timestamptz NOT NULL,
                    window_end timestamptz NOT NULL,
                    crew integer NOT NULL,
                    expected_cost double precision,
                    p_fail_ignored double precision,
                    PRIMARY KEY (site, created_at, position),
                    FOREIGN KEY (site, created_at) REFERENCES plans ON DELETE CASCADE
                )
                """,
                """
                CREATE VIEW latest_plans AS
                    SELECT DISTINCT ON (site) * FROM plans ORDER BY site, created_at DESC
                """,
                """
                CREATE VIEW planned_work AS
                    SELECT p.*, l.currency FROM plan_proposals p
                    JOIN latest_plans l ON l.site = p.site AND l.created_at = p.created_at
                """,
                """
                CREATE TABLE site_status (
                    site text PRIMARY KEY,
                    online boolean NOT NULL,
                    time timestamptz NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT clock_timestamp()
                )
                """,
            ])
    ]
}
