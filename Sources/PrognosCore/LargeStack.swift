#if canImport(Glibc)
import Glibc
#endif

extension ThreadStack {
    /// Bytes of stack that the YAML readers parse on (see `onLargeStack`).
    public static let yamlParserBytes = 64 << 20
}

/// Runs `body` on a thread of its own with `bytes` of stack, waits for it and returns its result.
///
/// The YAML parser recurses once per nesting level, and libyaml allows 1,000 of them: more than a
/// small thread's stack holds in a debug build (an MQTT network thread has 1 MB; a plant file is
/// also read on SIGHUP from a task of Swift's pool). The plant-file, layout and scenario readers
/// parse on a stack of their own, so a hostile file cannot crash whoever asked.
public func onLargeStack<T>(bytes: Int = ThreadStack.yamlParserBytes, _ body: () -> T) -> T {
    var result: T?
    withoutActuallyEscaping(body) { escapable in
        let work = Unmanaged.passRetained(StackWork { result = escapable() })
        defer { work.release() }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, bytes)
        var thread = pthread_t()
        let started = pthread_create(
            &thread, &attributes,
            { raw in
                Unmanaged<StackWork>.fromOpaque(raw!).takeUnretainedValue().run()
                return nil
            }, work.toOpaque())
        if started == 0 {
            pthread_join(thread, nil)
        } else {
            work.takeUnretainedValue().run()
        }
    }
    return result!
}

/// The work a large-stack thread runs (a C thread entry takes no Swift closure).
private final class StackWork {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
