import GRDB
import PrognosCore

// A sensor's forecast run as one row of `forecast_runs` (schema v9), a slot of columns per horizon.
extension Store {
    /// Stores each sensor's forecast run as its row of `forecast_runs`, in place of the run before:
    /// a newer run replaces it, an older one written late is ignored, and another part of the same
    /// run (a run split between two batches, interleaved with another sensor's, or written twice) is
    /// merged into it by target time. A run keeps its `Schema.forecastSlots` nearest horizons.
    /// Series the store did not know are created and added to `created`.
    static func insertForecasts(
        _ forecasts: [ForecastRecord], known: [SeriesKey: Int64], created: inout [SeriesKey: Int64],
        _ db: Database
    ) throws {
        guard !forecasts.isEmpty else { return }
        let upsert = try RawInsert(db, sql: forecastUpsert)
        defer { upsert.reset() }
        var start = forecasts.startIndex
        while start < forecasts.endIndex {
            let first = forecasts[start]
            // A part of a run: its records in a row, target times rising.
            var end = start + 1
            while end < forecasts.endIndex, forecasts[end].madeAt == first.madeAt,
                forecasts[end].targetTime > forecasts[end - 1].targetTime, forecasts[end].sensor == first.sensor,
                forecasts[end].asset == first.asset
            {
                end += 1
            }
            let key = SeriesKey(asset: first.asset, sensor: first.sensor)
            let id: Int64
            if let cached = known[key] ?? created[key] {
                id = cached
            } else {
                id = try seriesID(key, db)
                created[key] = id
            }
            let part = forecasts[start..<end]
            upsert.reset()
            bind(run: part, series: id, upsert)
            if try upsert.step() == 0 { try merge(part, series: id, db) }
            start = end
        }
    }

    /// `forecast_runs`' columns, in the order `bind(run:series:_:)` binds them.
    private static let forecastColumns = ["series_id", "made_at"] + Schema.forecastSlotNames

    private static let forecastInsert = """
        INTO forecast_runs (\(forecastColumns.joined(separator: ", ")))
        VALUES (\(repeatElement("?", count: forecastColumns.count).joined(separator: ", ")))
        """

    /// Writes a newer run over the stored one; changes no row when the stored run is as new or newer.
    private static let forecastUpsert = """
        INSERT \(forecastInsert)
        ON CONFLICT (series_id) DO UPDATE SET
            \(forecastColumns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
        WHERE excluded.made_at > forecast_runs.made_at
        """

    /// Binds a run's series, time and nearest `Schema.forecastSlots` records (rising target times),
    /// the slots beyond them NULL.
    private static func bind(run: some Collection<ForecastRecord>, series: Int64, _ statement: RawInsert) {
        statement.bind(1, series)
        statement.bind(2, run.first?.madeAt)
        var records = run.makeIterator()
        let width = Int32(Schema.forecastSlotColumns.count)
        for slot in 0..<Int32(Schema.forecastSlots) {
            let f = records.next()
            let at = 3 + slot * width
            statement.bind(at, f?.targetTime)
            statement.bind(at + 1, f?.mean)
            statement.bind(at + 2, f?.lower50)
            statement.bind(at + 3, f?.upper50)
            statement.bind(at + 4, f?.lower80)
            statement.bind(at + 5, f?.upper80)
            statement.bind(at + 6, f?.lower90)
            statement.bind(at + 7, f?.upper90)
        }
    }

    /// Another part of the stored run (the same `madeAt`): the stored records and the part's, one
    /// per target time (the stored one wins), rewritten. A part of an older run changes nothing.
    private static func merge(_ part: ArraySlice<ForecastRecord>, series: Int64, _ db: Database) throws {
        guard let first = part.first,
            let row = try Row.fetchOne(db, sql: "SELECT * FROM forecast_runs WHERE series_id = ?", arguments: [series]),
            (row["made_at"] as Double?) == first.madeAt
        else { return }
        var records: [ForecastRecord] = (1...Schema.forecastSlots).compactMap { k in
            func slot(_ column: String) -> Double? { row["\(column)_\(k)"] }
            guard let target = slot("target_time") else { return nil }
            return ForecastRecord(
                asset: first.asset, sensor: first.sensor, madeAt: first.madeAt, targetTime: target,
                mean: slot("mean"), lower50: slot("lower50"), upper50: slot("upper50"), lower80: slot("lower80"),
                upper80: slot("upper80"), lower90: slot("lower90"), upper90: slot("upper90"))
        }
        for record in part where !records.contains(where: { $0.targetTime == record.targetTime }) {
            records.append(record)
        }
        records.sort { $0.targetTime < $1.targetTime }
        let replace = try RawInsert(db, sql: "INSERT OR REPLACE " + forecastInsert)
        defer { replace.reset() }
        bind(run: records, series: series, replace)
        try replace.step()
    }
}
