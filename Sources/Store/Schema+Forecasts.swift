import GRDB

extension Schema {
    /// Horizons a stored forecast run holds: the columns of `forecast_runs` (the runtime stores 4: 3,
    /// 6, 9 and 12 steps ahead). A run of more keeps its nearest ones. v9 made the columns: more
    /// slots take a migration of their own.
    static let forecastSlots = 4

    /// A slot's columns, in the order `Store.insertForecasts` binds them.
    static let forecastSlotColumns = [
        "target_time", "mean", "lower50", "upper50", "lower80", "upper80", "lower90", "upper90",
    ]

    /// Every slot's columns, slot by slot: `target_time_1` … `upper90_4`.
    static let forecastSlotNames = (1...forecastSlots).flatMap { k in forecastSlotColumns.map { "\($0)_\(k)" } }

    /// v9: a sensor's forecast run is one row (issue 20). Keyed (asset, sensor, made_at,
    /// target_time), a run was 4 rows with two text keys each and the run before deleted: storing
    /// them took about a fifth of the daemon's hot path (80,000 rows and 20,000 deletes every 10
    /// steps of 1,000 pumps). `forecast_runs` holds a run in place of the one before, a slot of
    /// columns per horizon, keyed by the sensor's series; `forecasts_latest` is now a view that
    /// gives the rows as before. Each sensor's newest run is carried over, its nearest horizons.
    static func v9(_ db: Database) throws {
        let rows = (1...forecastSlots).map { k in
            """
            SELECT s.asset, s.sensor, f.made_at, f.target_time_\(k) AS target_time,
                f.target_time_\(k) - f.made_at AS horizon, \(forecastSlotColumns.dropFirst().map { "f.\($0)_\(k) AS \($0)" }.joined(separator: ", "))
            FROM forecast_runs f JOIN series s ON s.id = f.series_id
            WHERE f.target_time_\(k) IS NOT NULL
            """
        }
        let carried = (1...forecastSlots).flatMap { k in
            forecastSlotColumns.map { "max(CASE WHEN f.rank = \(k) THEN f.\($0) END)" }
        }
        try db.execute(
            sql: """
                CREATE TABLE forecast_runs (
                    series_id INTEGER PRIMARY KEY,
                    made_at REAL NOT NULL,
                    \(forecastSlotNames.map { "\($0) REAL" }.joined(separator: ", "))
                );
                INSERT OR IGNORE INTO series (asset, sensor) SELECT DISTINCT asset, sensor FROM forecasts_latest;
                INSERT INTO forecast_runs (series_id, made_at, \(forecastSlotNames.joined(separator: ", ")))
                    SELECT s.id, f.made_at, \(carried.joined(separator: ", "))
                    FROM (
                        SELECT *, row_number() OVER (PARTITION BY asset, sensor ORDER BY target_time) AS rank
                        FROM forecasts_latest g
                        WHERE made_at = (
                            SELECT max(made_at) FROM forecasts_latest h WHERE h.asset = g.asset AND h.sensor = g.sensor)
                    ) f
                    JOIN series s ON s.asset = f.asset AND s.sensor = f.sensor
                    GROUP BY s.id;
                DROP TABLE forecasts_latest;
                CREATE VIEW forecasts_latest AS
                    \(rows.joined(separator: "\nUNION ALL\n"));
                """)
    }
}
