// libFuzzer target: the plant-file loader, PlantFileLoader.load(yaml:file:).
// Property: it returns a Plant or throws a PlantFileError with at least one problem, each with
// line ≥ 1, column ≥ 1 and a non-empty reason; never crashes or hangs (run with -timeout).
import CFuzzDriver
import PlantFile
import PrognosCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    do {
        _ = try PlantFileLoader.load(yaml: text, file: "fuzz.yaml")
    } catch {
        if error.problems.isEmpty { fatalError("PlantFileError with no problems for \(text.debugDescription)") }
        for problem in error.problems {
            guard problem.location.line >= 1, problem.location.column >= 1, !problem.reason.isEmpty else {
                fatalError(
                    "bad problem \(problem) (line \(problem.location.line), column \(problem.location.column)) for \(text.debugDescription)"
                )
            }
        }
    }
    return 0
}

@_cdecl("FuzzPlantFile_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) {
        prognos_fuzz_on_stack(ThreadStack.smallestBytes, { fuzzOne($0!, $1) }, $0, $1)
    }
}
