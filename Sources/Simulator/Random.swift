import Foundation
import PrognosCore

/// The simulator's own pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// Deterministic on every platform for a given seed (it never touches the system's generator),
/// fast, and good enough for simulation (it passes BigCrush). `derived(_:)` makes independent
/// streams, so adding a consumer of randomness in one place does not shift every other sequence.
public struct SimulationRandom: RandomNumberGenerator, Sendable, Equatable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    /// An independent stream for `label` (an asset id, a purpose), from the same seed.
    public static func stream(seed: UInt64, _ labels: String...) -> SimulationRandom {
        var key = SplitMix64.mix(seed)
        for label in labels { key = SplitMix64.mix(key ^ StableHash.fnv1a(label)) }
        return SimulationRandom(seed: key)
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in `range`.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(uniform(), 0x1p-60)
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Log-normal with the given median and log-standard-deviation.
    public mutating func logNormal(median: Double, sigma: Double) -> Double { median * exp(sigma * normal()) }

    /// Exponential with the given mean.
    public mutating func exponential(mean: Double) -> Double { -mean * log(max(1 - uniform(), 0x1p-60)) }

    /// Weibull with the given scale and shape (shape 1 is exponential; > 1 is wear-out).
    public mutating func weibull(scale: Double, shape: Double) -> Double {
        scale * pow(-log(max(1 - uniform(), 0x1p-60)), 1 / shape)
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { uniform() < p }
}

/// Counter-based noise for the simulator: numbers that depend only on a key (`SplitMix64.mix`).
enum SplitMix {
    /// A uniform number in [0, 1) that depends only on `key` (counter-based randomness).
    @inline(__always)
    static func uniform(_ key: UInt64) -> Double { Double(SplitMix64.mix(key) >> 11) * 0x1p-53 }

    /// A standard normal number that depends only on `key`.
    @inline(__always)
    static func normal(_ key: UInt64) -> Double {
        let a = SplitMix64.mix(key)
        let b = SplitMix64.mix(a ^ 0x5851_F42D_4C95_7F2D)
        let u1 = max(Double(a >> 11) * 0x1p-53, 0x1p-60)
        let u2 = Double(b >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// A first-order (Ornstein–Uhlenbeck) random process, discretised exactly for any step:
/// it keeps a stationary standard deviation `sigma` and forgets with time constant `tau`.
struct OUProcess: Sendable, Equatable {
    var value: Double = 0
    let sigma: Double
    let tau: Double

    init(sigma: Double, tau: Double, random: inout SimulationRandom) {
        self.sigma = sigma
        self.tau = tau
        value = sigma * random.normal()
    }

    mutating func step(_ dt: Double, _ random: inout SimulationRandom) {
        let decay = exp(-dt / tau)
        value = value * decay + sigma * (1 - decay * decay).squareRoot() * random.normal()
    }
}

/// First-order lag toward `target` with time constant `tau`, exact for any step `dt`.
@inline(__always)
func relax(_ x: inout Double, toward target: Double, tau: Double, dt: Double?) {
    guard let dt else {
        x = target
        return
    }
    x += (target - x) * (1 - exp(-dt / tau))
}

@inline(__always)
func clamp(_ x: Double, _ range: ClosedRange<Double>) -> Double { min(max(x, range.lowerBound), range.upperBound) }
