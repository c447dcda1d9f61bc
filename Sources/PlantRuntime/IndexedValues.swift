/// Values found by a string id and changed in place: kept in an array, with an index of positions.
///
/// Why not a dictionary: a struct changed through a `Dictionary`'s subscript (`byID[id]?.change()`)
/// was copied whole on its way back into the dictionary, each of its buffers retained and released
/// (perf on the 1,000-pump daemon: the hub's runtimes and every asset's alarm records, about a tenth
/// of its CPU). An array element is changed where it lies.
public struct IndexedValues<Value> {
    @usableFromInline var values: [Value]
    @usableFromInline var positions: [String: Int]

    /// Later values replace earlier ones of the same id.
    @inlinable public init(_ values: some Sequence<Value>, id: (Value) -> String) {
        self.values = []
        positions = [:]
        for value in values { insert(value, id: id(value)) }
    }

    @inlinable public var all: [Value] { values }
    @inlinable public var count: Int { values.count }
    @inlinable public func position(of id: String) -> Int? { positions[id] }
    @inlinable public subscript(id: String) -> Value? { positions[id].map { values[$0] } }

    @inlinable public subscript(position: Int) -> Value {
        _read { yield values[position] }
        _modify { yield &values[position] }
    }

    /// Changes the value of `id` in place; nil if there is none.
    @inlinable @discardableResult
    public mutating func update<Result>(_ id: String, _ change: (inout Value) throws -> Result) rethrows -> Result? {
        guard let position = positions[id] else { return nil }
        return try change(&values[position])
    }

    /// Adds `value` under `id`, or replaces the value already there.
    @inlinable public mutating func insert(_ value: Value, id: String) {
        if let position = positions[id] {
            values[position] = value
        } else {
            positions[id] = values.count
            values.append(value)
        }
    }
}

extension IndexedValues: Sendable where Value: Sendable {}
