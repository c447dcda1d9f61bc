import PrognosCore

/// Capped exponential backoff with jitter, for retrying a device that failed.
///
/// The delay before retry `n` (1-based) is `min(maximum, initial × multiplier^(n−1))`, multiplied
/// by a factor drawn uniformly from `[1 − jitter, 1 + jitter]` and capped at `maximum` again.
/// Jitter keeps many devices that failed together (a switch rebooted) from retrying in step.
/// The random draw comes from the caller's generator, so a seeded generator repeats the delays.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// Fraction of the delay, 0…1, by which it is randomly shortened or lengthened.
    public var jitter: Double

    public init(
        initial: Duration = .milliseconds(50), maximum: Duration = .seconds(5), multiplier: Double = 2,
        jitter: Double = 0.2
    ) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay before retry `attempt` (1 for the first retry).
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let cap = maximum.inSeconds
        let exponent = Double(max(attempt, 1) - 1)
        let base = min(cap, initial.inSeconds * Double.pow(multiplier, exponent))
        let factor = jitter > 0 ? Double.random(in: (1 - jitter)...(1 + jitter), using: &generator) : 1
        return .seconds(min(cap, max(0, base * factor)))
    }
}

extension Double {
    fileprivate static func pow(_ base: Double, _ exponent: Double) -> Double {
        // Repeated multiplication: exponents here are small non-negative integers, and this keeps
        // the module free of a libm import.
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 && result < 1e12 {
            result *= base
            remaining -= 1
        }
        return result
    }
}
