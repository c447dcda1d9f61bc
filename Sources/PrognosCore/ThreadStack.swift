/// Stack sizes of the threads Prognos starts itself. Untrusted input (MQTT payloads) is parsed on
/// the smallest of them, the MQTT network thread, so parsers keep their recursion within it; the
/// fuzz targets run every input on a stack of this size to prove it.
public enum ThreadStack {
    /// Bytes of stack of an MQTT client's network thread (the smallest a Prognos thread has).
    public static let smallestBytes = 1 << 20
}
