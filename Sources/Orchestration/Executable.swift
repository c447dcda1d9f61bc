import Foundation

/// Programs that Prognos's own tooling starts (mosquitto for the demo, peers for tests).
public enum Executable {
    /// A program's path from PATH or the sbin folders Debian installs daemons into; the bare name
    /// when none has it (spawning then fails with a clear error).
    public static func path(named name: String) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/local/sbin"]
        for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + name) {
            return folder + "/" + name
        }
        return name
    }
}
