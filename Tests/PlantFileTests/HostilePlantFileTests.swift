import Foundation
import PlantFile
import PrognosCore
import Testing

/// Plant files built to break the reader: nesting as deep as the YAML parser allows, read on the
/// smallest stack a Prognos thread has (as the fuzz targets do), is refused with a location.
@Suite struct HostilePlantFileTests {
    static let hostile: [String] = [
        String(repeating: "[", count: 8000),
        String(repeating: "{a: ", count: 2000),
        (0..<999).map { String(repeating: "  ", count: $0) + "a:\n" }.joined(),
        (0..<998).map { String(repeating: "  ", count: $0) + "-\n" }.joined() + String(repeating: "  ", count: 998)
            + "x\n",
    ]

    @Test func deepNestingIsRefusedOnTheSmallestStack() async {
        let problems: [[PlantFileProblem]] = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    returning: Self.hostile.map { text in
                        do {
                            _ = try PlantFileLoader.load(yaml: text, file: "deep.yaml")
                            return []
                        } catch let error as PlantFileError {
                            return error.problems
                        } catch {
                            return []
                        }
                    })
            }
            thread.stackSize = ThreadStack.smallestBytes
            thread.start()
        }
        for (text, found) in zip(Self.hostile, problems) {
            #expect(
                !found.isEmpty && found.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 },
                "\(text.prefix(20))…: \(found)")
        }
    }
}
