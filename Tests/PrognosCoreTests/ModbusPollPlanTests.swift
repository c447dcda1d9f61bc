import PrognosCore
import Testing

/// Properties of the register merge, on random layouts from a seeded generator.
@Suite struct ModbusPollPlanTests {
    /// Non-overlapping random points over a few devices, units and tables.
    static func randomLayout(seed: UInt64) -> [(SignalRef, ModbusPoint)] {
        var random = SplitMix64(seed: seed)
        var points: [(SignalRef, ModbusPoint)] = []
        for device in ["a", "b"] {
            for function in ModbusFunction.allCases {
                var address = Int.random(in: 0...100, using: &random)
                for index in 0..<Int.random(in: 0...300, using: &random) {
                    let type: ModbusDataType =
                        function.isBitAddressed ? .bool : ModbusDataType.allCases.randomElement(using: &random)!
                    let point = ModbusPoint(
                        device: device, unitID: UInt8.random(in: 1...2, using: &random), function: function,
                        address: UInt16(address), dataType: type)
                    guard address + point.width <= 65536 else { break }
                    points.append((SignalRef(asset: device, sensor: "\(function.rawValue)-\(index)"), point))
                    address += point.width + (Bool.random(using: &random) ? 0 : Int.random(in: 0...40, using: &random))
                }
            }
        }
        return points
    }

    @Test(arguments: 0..<40)
    func mergedRequestsCoverExactlyTheConfiguredPointsWithinTheLimit(seed: UInt64) {
        let points = Self.randomLayout(seed: seed)
        let maxGap = Int(seed % 12)
        let requests = ModbusPollPlan.requests(for: points, maxGap: { _ in maxGap })

        // Every point appears in exactly one request, at the right offset, inside it.
        let slots = requests.flatMap { request in request.slots.map { (request, $0) } }
        #expect(slots.count == points.count)
        #expect(Set(slots.map(\.1.signal)) == Set(points.map(\.0)))
        for (request, slot) in slots {
            #expect(slot.point.device == request.device && slot.point.unitID == request.unitID)
            #expect(slot.point.function == request.function)
            #expect(Int(slot.point.address) == request.start + slot.offset)
            #expect(slot.offset >= 0 && slot.offset + slot.point.width <= request.count)
        }
        for request in requests {
            #expect(request.count <= request.function.maxQuantityPerRequest)
            #expect(request.end <= 65536)
            // A request starts at its first point and ends at its last point's end: nothing is read beyond.
            #expect(request.slots.map(\.offset).min() == 0)
            #expect(request.slots.map { $0.offset + $0.point.width }.max() == request.count)
            // Gaps inside a request never exceed the device's allowance.
            let spans = request.slots.map { ($0.offset, $0.offset + $0.point.width) }.sorted { $0.0 < $1.0 }
            for (a, b) in zip(spans, spans.dropFirst()) { #expect(b.0 - a.1 <= maxGap) }
        }
    }

    @Test(arguments: [1, 2, 10, 62, 63, 64, 125, 126, 500, 1000])
    func aRunOfAdjacentRegistersNeedsTheMinimumNumberOfRequests(count: Int) {
        // `count` adjacent float32 points (2 registers each): ⌈2·count / 124⌉ requests, since a
        // request holds at most 62 whole float32s (124 registers) and points cannot be split.
        let points = (0..<count).map { i in
            (
                SignalRef(asset: "a", sensor: "s\(i)"),
                ModbusPoint(device: "d", function: .holdingRegister, address: UInt16(2 * i), dataType: .float32)
            )
        }
        let requests = ModbusPollPlan.requests(for: points, maxGap: { _ in 0 })
        #expect(requests.count == (count + 61) / 62)
    }

    @Test(arguments: [1, 125, 126, 250, 251, 3000])
    func aRunOfAdjacentSingleRegistersFillsRequestsTo125(count: Int) {
        let points = (0..<count).map { i in
            (
                SignalRef(asset: "a", sensor: "s\(i)"),
                ModbusPoint(device: "d", function: .inputRegister, address: UInt16(i), dataType: .uint16)
            )
        }
        let requests = ModbusPollPlan.requests(for: points, maxGap: { _ in 0 })
        #expect(requests.count == (count + 124) / 125)
        #expect(requests.dropLast().allSatisfy { $0.count == 125 })
    }

    @Test func coilsMergeUpTo2000Bits() {
        let points = (0..<4001).map { i in
            (
                SignalRef(asset: "a", sensor: "c\(i)"),
                ModbusPoint(device: "d", function: .coil, address: UInt16(i), dataType: .bool)
            )
        }
        let requests = ModbusPollPlan.requests(for: points, maxGap: { _ in 0 })
        #expect(requests.map(\.count) == [2000, 2000, 1])
    }

    @Test func aSmallGapIsReadThroughWhenItSavesARequest() {
        let points = [0, 5].map { address in
            (
                SignalRef(asset: "a", sensor: "s\(address)"),
                ModbusPoint(device: "d", function: .holdingRegister, address: UInt16(address), dataType: .uint16)
            )
        }
        #expect(ModbusPollPlan.requests(for: points, maxGap: { _ in 4 }).count == 1)
        #expect(ModbusPollPlan.requests(for: points, maxGap: { _ in 3 }).count == 2)
    }

    @Test func differentUnitsAndTablesAreNeverMerged() {
        let points = [
            ModbusPoint(device: "d", unitID: 1, function: .holdingRegister, address: 0, dataType: .uint16),
            ModbusPoint(device: "d", unitID: 2, function: .holdingRegister, address: 1, dataType: .uint16),
            ModbusPoint(device: "d", unitID: 1, function: .inputRegister, address: 1, dataType: .uint16),
            ModbusPoint(device: "e", unitID: 1, function: .holdingRegister, address: 1, dataType: .uint16),
        ].enumerated().map { (SignalRef(asset: "a", sensor: "s\($0.offset)"), $0.element) }
        #expect(ModbusPollPlan.requests(for: points, maxGap: { _ in 8 }).count == 4)
    }
}
