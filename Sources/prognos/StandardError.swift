#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to standard error (Swift 6 forbids touching the C `stderr` global directly).
func printError(_ text: String) {
    let line = text + "\n"
    _ = line.utf8CString.withUnsafeBufferPointer { buffer in
        write(2, buffer.baseAddress, buffer.count - 1)
    }
}
