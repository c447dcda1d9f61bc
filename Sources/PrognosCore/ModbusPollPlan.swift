/// Identifies a signal of the plant: which asset, which sensor.
public struct SignalRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var asset: String
    public var sensor: String
    public init(asset: String, sensor: String) {
        self.asset = asset
        self.sensor = sensor
    }
    public var description: String { "\(asset).\(sensor)" }
    public static func < (a: SignalRef, b: SignalRef) -> Bool { (a.asset, a.sensor) < (b.asset, b.sensor) }
}

/// One Modbus read request of a poll, and where each configured point sits inside its answer.
public struct ModbusRequest: Sendable, Equatable {
    public struct Slot: Sendable, Equatable {
        public var signal: SignalRef
        public var point: ModbusPoint
        /// Position of the point's first register (or bit) in the answer.
        public var offset: Int
    }
    public var device: String
    public var unitID: UInt8
    public var function: ModbusFunction
    public var start: Int
    public var count: Int
    public var slots: [Slot]

    public var end: Int { start + count }
}

/// The merged requests that one poll of the plant's Modbus devices issues: points of the same
/// device, unit and table are merged while the request stays within the protocol's limit
/// (125 registers or 2,000 bits) and the unused registers between two points are at most the
/// device's `maxGap`. Greedy left-to-right merging gives the fewest requests, since points
/// cannot be split and every request starts at a point.
public enum ModbusPollPlan {
    public static func requests(for plant: Plant) -> [ModbusRequest] {
        var points: [(SignalRef, ModbusPoint)] = []
        for asset in plant.assets {
            for signal in asset.signals {
                if case .modbus(let point) = signal.source {
                    points.append((SignalRef(asset: asset.id, sensor: signal.id), point))
                }
            }
        }
        let maxGap = Dictionary(plant.devices.map { ($0.id, $0.maxGap) }, uniquingKeysWith: { a, _ in a })
        return requests(for: points, maxGap: { maxGap[$0] ?? 0 })
    }

    /// Merges points into requests. Output is ordered by device, unit, table and address.
    public static func requests(
        for points: [(SignalRef, ModbusPoint)], maxGap: (String) -> Int
    ) -> [ModbusRequest] {
        struct Group: Hashable, Comparable {
            var device: String
            var unit: UInt8
            var function: String
            static func < (a: Group, b: Group) -> Bool {
                (a.device, a.unit, a.function) < (b.device, b.unit, b.function)
            }
        }
        let groups = Dictionary(grouping: points) {
            Group(device: $0.1.device, unit: $0.1.unitID, function: $0.1.function.rawValue)
        }
        var result: [ModbusRequest] = []
        for group in groups.keys.sorted() {
            let members = groups[group]!.sorted { ($0.1.address, $0.0) < ($1.1.address, $1.0) }
            let function = members[0].1.function
            let limit = function.maxQuantityPerRequest
            let gap = max(0, maxGap(group.device))
            var current: ModbusRequest?
            for (signal, point) in members {
                let start = Int(point.address)
                let end = start + point.width
                if var request = current, start - request.end <= gap, max(end, request.end) - request.start <= limit {
                    request.count = max(end, request.end) - request.start
                    request.slots.append(.init(signal: signal, point: point, offset: start - request.start))
                    current = request
                } else {
                    if let request = current { result.append(request) }
                    current = ModbusRequest(
                        device: group.device, unitID: group.unit, function: function, start: start, count: point.width,
                        slots: [.init(signal: signal, point: point, offset: 0)])
                }
            }
            if let request = current { result.append(request) }
        }
        return result
    }
}
