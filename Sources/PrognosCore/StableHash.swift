/// A hash of bytes that is the same in every process and on every machine (Swift's `hashValue` is
/// seeded per run): FNV-1a, 64 bits. Seeds per asset or device, and stable partitions, use it.
public enum StableHash {
    public static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// FNV-1a of `bytes`, continuing from `hash` (chain calls to hash several fields).
    public static func fnv1a(_ bytes: some Sequence<UInt8>, from hash: UInt64 = offsetBasis) -> UInt64 {
        var hash = hash
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* prime }
        return hash
    }

    /// FNV-1a of the text's UTF-8 bytes.
    public static func fnv1a(_ text: String) -> UInt64 { fnv1a(text.utf8) }
}
