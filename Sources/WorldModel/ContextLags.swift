import Foundation

/// First-order lagged copies of an asset's operating context, computed online.
///
/// Temperatures (and what follows them, such as insulation resistance) answer load and ambient
/// through thermal inertia: after a load step or through the day's ambient swing they are still on
/// their way, and a reference that maps only the *current* context to the sensors calls the lag a
/// deviation. Given each context signal also smoothed exponentially with time constants in
/// seconds, the reference can represent a lagged response (a first-order lag of τ is one such
/// copy; a blend of two spans the lags between them).
///
/// Online and causal: each copy is updated from the previous one and the value now, with the
/// time elapsed between the two (so a time constant means the same at any cadence), and the
/// first observation starts every copy settled at it.
public struct ContextLags: Sendable, Equatable {
    /// Time constants of the copies, seconds.
    public let timeConstants: [Double]
    public let contextCount: Int
    /// The copies, time-constant-major: `levels[l * contextCount + i]`.
    public private(set) var levels: [Double]
    private var lastTime: Double?

    public init(timeConstants: [Double], contextCount: Int) {
        precondition(timeConstants.allSatisfy { $0 > 0 }, "time constants must be positive")
        self.timeConstants = timeConstants
        self.contextCount = contextCount
        levels = [Double](repeating: 0, count: timeConstants.count * contextCount)
    }

    /// The names of the augmented context: the signals, then each one's copy per time constant.
    public static func names(_ contextNames: [String], timeConstants: [Double]) -> [String] {
        contextNames + timeConstants.flatMap { tau in contextNames.map { "\($0) lagged \(Int(tau.rounded())) s" } }
    }

    /// Folds in the context `u` observed at `time` (seconds) and returns it followed by its
    /// lagged copies. A time that does not move forward leaves the copies where they were.
    public mutating func augment(_ u: [Double], at time: Double) -> [Double] {
        precondition(u.count == contextCount, "augment: wrong number of context values")
        if let last = lastTime {
            let elapsed = max(0, time - last)
            for (l, tau) in timeConstants.enumerated() {
                let alpha = 1 - exp(-elapsed / tau)
                for i in 0..<contextCount {
                    levels[l * contextCount + i] += alpha * (u[i] - levels[l * contextCount + i])
                }
            }
        } else {
            for l in timeConstants.indices {
                for i in 0..<contextCount { levels[l * contextCount + i] = u[i] }
            }
        }
        lastTime = max(time, lastTime ?? time)
        return u + levels
    }
}
