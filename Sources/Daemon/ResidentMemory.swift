import CMalloc
import Foundation

/// The daemon's resident memory, and what it hands back to the kernel.
enum ResidentMemory {
    /// `/proc/self/statm`'s resident pages × the page size.
    static func bytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else { return nil }
        return pages * pageSize
    }

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Gives the pages of freed heap blocks back to the kernel (glibc's `malloc_trim`). glibc returns
    /// by itself only the free space at the top of each heap; what the daemon frees between live
    /// blocks (each writer batch, a backlog after a stall, a refit's matrices) stays resident in the
    /// arena that served it, so the daemon's memory rose with uptime and with every load peak while
    /// its live heap stayed flat (issue 20; docs/performance.md, "Resident memory"). Returns whether
    /// any pages went back.
    @discardableResult
    static func returnFreedPages() -> Bool { malloc_trim(0) == 1 }
}
