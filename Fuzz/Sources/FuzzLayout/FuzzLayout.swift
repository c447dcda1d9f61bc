// libFuzzer target: the plant-file loader, DashboardLayout.load(yaml:file:).
// Property: it returns a DashboardLayout or throws a LayoutError with at least one problem, each with
// line ≥ 1, column ≥ 1 and a non-empty reason; never crashes or hangs (run with -timeout).
import CFuzzDriver
import Dashboard
import PrognosCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    do {
        _ = try DashboardLayout.load(yaml: text, file: "layout.yaml")
    } catch {
        if error.problems.isEmpty { fatalError("LayoutError with no problems for \(text.debugDescription)") }
        for problem in error.problems {
            guard problem.line >= 1, problem.column >= 1, !problem.reason.isEmpty else {
                fatalError(
                    "bad problem \(problem) (line \(problem.line), column \(problem.column)) for \(text.debugDescription)"
                )
            }
        }
    }
    return 0
}

@_cdecl("FuzzLayout_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) {
        prognos_fuzz_on_stack(ThreadStack.smallestBytes, { fuzzOne($0!, $1) }, $0, $1)
    }
}
