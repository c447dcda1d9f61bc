import Benchmark
import Dashboard
import Foundation
import PrognosCore
import Store

/// Frame time and bytes per frame of the plant view with 1,000 assets (aim: a full redraw under
/// 10 ms, an unchanged frame writes nothing, under 5 % of a core at 2 frames per second), and the
/// cost of one store read (refresh) for 1,000 assets.
let benchmarks: @Sendable () -> Void = {
    let count = 1000
    let now = 1_772_546_400.0
    var assets: [PlantHierarchy.AssetInfo] = []
    for i in 0..<count {
        let area = i / 250
        let line = i / 50
        assets.append(
            PlantHierarchy.AssetInfo(
                id: "asset-\(i)", name: "Asset \(i)",
                type: ["centrifugal_pump", "fan", "compressor", "gearbox"][i % 4], areaID: "area-\(area)",
                area: "Area \(area)", lineID: "line-\(line)", line: "Line \(line)",
                sensors: [
                    PlantHierarchy.SensorInfo(
                        id: "vibration", name: "Vibration", unit: "mm/s", normal: 0.3...4.5, alarmHigh: 7.1)
                ],
                failureModes: ["bearing-wear"]))
    }
    let hierarchy = PlantHierarchy(site: "Benchmark plant", assets: assets)
    func rows(phase: Double) -> [AssetRow] {
        assets.enumerated().map { i, info in
            let score = 0.3 + 0.7 * abs(sin(Double(i) * 0.37 + phase))
            return AssetRow(
                id: info.id, info: info, status: i % 97 == 0 ? .offSpec : i % 41 == 0 ? .maintenanceRequired : .normal,
                score: score, threshold: 1,
                spark: (0..<48).map { k in 0.3 + 0.7 * abs(sin(Double(i + k) * 0.37 + phase)) },
                worstRUL: HealthRecord(
                    asset: info.id, failureMode: "bearing-wear", time: now, health: 0.8,
                    rulMedian: Double(i + 1) * 86_400, rulP10: Double(i) * 43_200, rulP90: Double(i + 2) * 86_400),
                alarms: i % 97 == 0 ? 1 : 0, unacknowledged: i % 97 == 0 ? 1 : 0)
        }
    }
    let base = Snapshot(now: now, daemon: nil, lastDataTime: now - 1, undeliveredAlerts: 0, rows: rows(phase: 0))
    let changed = Snapshot(
        now: now + 0.5, daemon: nil, lastDataTime: now - 0.5, undeliveredAlerts: 0, rows: rows(phase: 0.05))
    let options = DashboardOptions(colors: true, unicode: true, timeZone: TimeZone(identifier: "UTC")!, actor: "bench")
    let encoder = FrameEncoder(colors: true)

    for (width, height) in [(80, 24), (160, 48)] {
        let model = DashboardModel(layout: DashboardLayout(), hierarchy: hierarchy, options: options, snapshot: base)
        let first = model.render(width: width, height: height)
        Benchmark(
            "Plant view, 1000 assets, \(width)x\(height): full redraw (render + encode)",
            configuration: .init(metrics: [.wallClock, .custom("bytes per frame")], maxDuration: .seconds(3))
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                let frame = model.render(width: width, height: height)
                let bytes = encoder.encode(from: nil, to: frame)
                benchmark.measurement(.custom("bytes per frame"), bytes.count)
                blackHole(bytes)
            }
        }
        Benchmark(
            "Plant view, 1000 assets, \(width)x\(height): unchanged frame",
            configuration: .init(metrics: [.wallClock, .custom("bytes per frame")], maxDuration: .seconds(3))
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                let frame = model.render(width: width, height: height)
                let bytes = encoder.encode(from: first, to: frame)
                benchmark.measurement(.custom("bytes per frame"), bytes.count)
                blackHole(bytes)
            }
        }
        let changedModel = DashboardModel(
            layout: DashboardLayout(), hierarchy: hierarchy, options: options, snapshot: changed)
        Benchmark(
            "Plant view, 1000 assets, \(width)x\(height): frame after new data",
            configuration: .init(metrics: [.wallClock, .custom("bytes per frame")], maxDuration: .seconds(3))
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                let frame = changedModel.render(width: width, height: height)
                let bytes = encoder.encode(from: first, to: frame)
                benchmark.measurement(.custom("bytes per frame"), bytes.count)
                blackHole(bytes)
            }
        }
    }

    // One refresh of 1000 assets from a store (after the first, which loads the sparklines).
    Benchmark(
        "Store read for 1000 assets (one steady-state refresh, shipped budgets)",
        configuration: .init(metrics: [.wallClock], maxDuration: .seconds(10), maxIterations: 20)
    ) { benchmark in
        let store = try! Store.inMemory()
        var batch = StoreBatch()
        for info in assets {
            for k in 0..<10 {
                batch.deviations.append(
                    DeviationRecord(
                        asset: info.id, time: now - Double(k) * 60, score: 0.5, threshold: 1, flagged: false))
            }
            batch.health.append(
                HealthRecord(
                    asset: info.id, failureMode: "bearing-wear", time: now, health: 0.8, rulMedian: 86_400 * 30,
                    rulP10: 86_400 * 10, rulP90: 86_400 * 60))
        }
        try! await store.write(batch)
        let source = DataSource(store: store, hierarchy: hierarchy, layout: DashboardLayout())
        // Warm up until every asset's sparkline is loaded: then one refresh is the steady state.
        source.initialLoadsPerRefresh = count
        for _ in 0...(count / source.deviationsPerRefresh) { _ = await source.refresh(now: now, openAsset: nil) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(await source.refresh(now: now + 1, openAsset: nil))
        }
        benchmark.stopMeasurement()
    }
}
