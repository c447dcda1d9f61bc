import Planner

/// Books resets into the coming windows as a scheduler would, when the plan wants more work in a
/// window than its crew can do: each job may go to its own window (the last one before its
/// mode's trip) or to any earlier one, never later; what no window can take is left for a
/// call-out, and so is a job for which the earlier windows with room cost more than a call-out.
///
/// Windows are filled from the latest to the earliest. At each, the jobs that may use it (due
/// there, or left over from a later window) are placed in order of what moving them one window
/// earlier would cost, dearest first, so the job with the most slack is the one moved.
/// Pure and deterministic.
enum WindowBooking {
    struct Job: Equatable {
        var crew: Int
        var duration: Double
        /// What the job costs done in window k, for k in 0...its deadline (the latest window it
        /// may use): its price and the life its mode loses by starting the next part there.
        var costs: [Double]
        /// What it costs as a call-out instead.
        var callOut: Double

        var deadline: Int { costs.count - 1 }

        /// What moving the job from window k to the one before (from the first: to a call-out) costs.
        func moveCost(_ k: Int) -> Double { (k > 0 ? costs[k - 1] : callOut) - costs[k] }
    }

    struct Window: Equatable {
        var crew: Int
        /// Seconds of the window left when the work starts.
        var length: Double
    }

    /// The window each job is booked in (nil: a call-out).
    static func book(_ jobs: [Job], windows: [Window]) -> [Int?] {
        var booked = [Int?](repeating: nil, count: jobs.count)
        guard let last = jobs.map(\.deadline).max(), !windows.isEmpty else { return booked }
        var waiting: [Int] = []
        for k in stride(from: min(last, windows.count - 1), through: 0, by: -1) {
            waiting += jobs.indices.filter { min(jobs[$0].deadline, windows.count - 1) == k }
            waiting.sort { (-jobs[$0].moveCost(k), $0) < (-jobs[$1].moveCost(k), $1) }
            var layout: [(crew: Int, duration: Double)] = []
            var left: [Int] = []
            for j in waiting where jobs[j].costs[k] <= jobs[j].callOut {
                let trial = layout + [(jobs[j].crew, jobs[j].duration)]
                if CrewLayout.starts(trial, crew: windows[k].crew, length: windows[k].length) != nil {
                    layout = trial
                    booked[j] = k
                } else {
                    left.append(j)
                }
            }
            waiting = left
        }
        return booked
    }
}
