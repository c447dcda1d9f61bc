import GRDB
import PrognosCore

extension Store {
    /// One stored reading of a signal.
    struct RawReading: Equatable {
        var time: Double
        var value: Double?
        var quality: Quality
    }

    /// The raw readings of `series` in `from...to`, ascending, at most `limit`: its packed minutes
    /// (an index seek, a row a minute) and its staged readings (a range of the staging table, which
    /// holds the last minute or two of every signal). A staged reading at the time of a packed one
    /// (a late duplicate not packed yet) is not returned: the packed one was stored first.
    static func rawReadings(
        series id: Int64, from: Double, to: Double, limit: Int, _ db: Database
    ) throws
        -> [RawReading]
    {
        guard from <= to, limit > 0 else { return [] }
        var packed: [RawReading] = []
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT minute, offsets, vals, qualities FROM readings_packed
                WHERE \(Schema.packedRows(of: "?1")) AND minute BETWEEN ?2 AND ?3 ORDER BY minute
                """, arguments: [id, PackedMinute.minute(of: from), to])
        while let row = try rows.next(), packed.count < limit {
            guard
                let minute = PackedMinute.decode(
                    minute: row[0], times: row[1], values: row[2], qualities: row[3])
            else { throw DatabaseError(message: "a packed row of series \(id) at \(row[0] as Double) cannot be read") }
            for index in minute.times.indices where minute.times[index] >= from && minute.times[index] <= to {
                packed.append(
                    RawReading(time: minute.times[index], value: minute.values[index], quality: minute.qualities[index])
                )
            }
        }
        let staged = try Row.fetchAll(
            db,
            sql: """
                SELECT time, value, quality FROM readings_staged
                WHERE time BETWEEN ? AND ? AND series_id = ? ORDER BY time LIMIT ?
                """, arguments: [from, to, id, limit]
        ).map { row in
            RawReading(time: row[0], value: row[1], quality: Quality(rawValue: row[2]) ?? .badValue)
        }
        guard !staged.isEmpty else { return Array(packed.prefix(limit)) }
        var merged: [RawReading] = []
        merged.reserveCapacity(Swift.min(limit, packed.count + staged.count))
        var i = 0
        var j = 0
        while merged.count < limit, i < packed.count || j < staged.count {
            if j == staged.count || (i < packed.count && packed[i].time <= staged[j].time) {
                if j < staged.count, packed[i].time == staged[j].time { j += 1 }
                merged.append(packed[i])
                i += 1
            } else {
                merged.append(staged[j])
                j += 1
            }
        }
        return merged
    }
}
