#if canImport(Glibc)
import Glibc
#endif

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seedable generator — the one behind every
/// seeded random choice in Prognos (network initialisation, Monte-Carlo draws, the simulator's
/// seeds and noise, retry jitter) and in its tests, so a seed fixes a result. Not for secrets.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator of its own for `name` (a device, an asset) from a common seed.
    public init(seed: UInt64, name: String) { state = seed ^ StableHash.fnv1a(name) }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.finalize(state)
    }

    /// The output for a key without state (counter-based randomness): `mix(k)` is the number
    /// that `SplitMix64(seed: k).next()` returns.
    @inline(__always)
    public static func mix(_ key: UInt64) -> UInt64 { finalize(key &+ increment) }

    static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inline(__always)
    static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RandomNumberGenerator {
    /// A standard normal draw (Box–Muller; one of the pair is discarded to stay stateless).
    public mutating func nextGaussian() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
