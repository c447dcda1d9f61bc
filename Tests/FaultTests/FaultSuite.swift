import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Switches and the measured table of the fault-injection suite.
///
/// `make faults` sets `PROGNOS_FAULTS=1` (the long scenarios run only then) and
/// `PROGNOS_FAULTS_REPORT` (a file each scenario appends its measured row to, printed at the end).
enum FaultSuite {
    static let environment = ProcessInfo.processInfo.environment

    /// The long scenarios (`make faults`); `make test` runs only the short variants.
    static let long = environment["PROGNOS_FAULTS"] == "1"

    /// Network namespaces and iptables need root.
    static let isRoot = getuid() == 0

    /// Whether a program is installed (`make faults` installs iptables, faketime and fiu-utils).
    static func installed(_ program: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: Executable.path(named: program))
    }

    /// One row of the Reliability table: what was injected, what was lost, how long recovery took.
    static func report(scenario: String, injected: String, lost: String, recovery: String) {
        let row = "| \(scenario) | \(injected) | \(lost) | \(recovery) |\n"
        print("fault-injection: " + row, terminator: "")
        guard let path = environment["PROGNOS_FAULTS_REPORT"] else { return }
        guard
            let handle = FileHandle(forWritingAtPath: path)
                ?? {
                    _ = FileManager.default.createFile(atPath: path, contents: nil)
                    return FileHandle(forWritingAtPath: path)
                }()
        else { return }
        handle.seekToEndOfFile()
        handle.write(Data(row.utf8))
        try? handle.close()
    }

    /// Seconds, to one decimal or as milliseconds below a second, for the table.
    static func seconds(_ value: Double) -> String {
        value < 1 ? "\(Int((value * 1000).rounded())) ms" : String(format: "%.1f s", value)
    }

    static var now: Double { Date().timeIntervalSince1970 }

    /// The fault suite's peers folder (the Modbus fault proxy).
    static let peers = Peers.repositoryRoot.appendingPathComponent("Tests/FaultTests/Peers").path
}
