#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to standard error (Swift 6 forbids touching the C `stderr` global directly).
func printError(_ text: String) {
    writeWhole(2, text + "\n")
}

/// Standard output for streams that pipes and scripts read (`poll`, `simulate`): each line goes out
/// whole in one `write(2)` as soon as it is ready, so nothing waits in a buffer for a signal to lose
/// and a reader sees every line at once; a reader that went away (`prognos poll | head -3`) ends
/// the program at the next line, quietly and with success.
enum StandardOutput {
    /// Turns the broken-pipe signal into an EPIPE error that `line` handles (call once, at start).
    static func endQuietlyWhenTheReaderLeaves() {
        signal(SIGPIPE, SIG_IGN)
    }

    static func line(_ text: String) {
        if !writeWhole(1, text + "\n"), errno == EPIPE { exit(0) }
    }
}

/// Writes all of `text` to `descriptor`, retrying short writes and interruptions; false on an error
/// (with `errno` set).
@discardableResult
private func writeWhole(_ descriptor: Int32, _ text: String) -> Bool {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
        if written < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += written
    }
    return true
}
