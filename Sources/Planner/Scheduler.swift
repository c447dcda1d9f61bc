import Foundation
import PrognosCore

/// Chooses one option per degrading mode for the whole plant: lowest total expected cost such that
/// every window's work fits its crew and length (and the "now" call-out fits the plant's crew).
struct Scheduler {
    let context: PlanningContext

    struct Job: Equatable {
        var mode: Int
        var crew: Int
        var duration: Double
    }

    /// Chosen option index per mode.
    func assign(_ modes: inout [ModeCandidate]) -> [Int] {
        assignWithJobs(modes).chosen
    }

    func assignWithJobs(_ modes: [ModeCandidate]) -> (chosen: [Int], jobs: [SlotChoice: [Job]]) {
        var chosen = modes.map(\.nothing)
        var jobs: [SlotChoice: [Job]] = [:]
        var used: [String: Int] = [:]
        // Most money at stake first; ties in a fixed order.
        let order = modes.indices.sorted { a, b in
            let sa = stake(modes[a]), sb = stake(modes[b])
            if sa != sb { return sa > sb }
            return (modes[a].asset.id, modes[a].mode.id) < (modes[b].asset.id, modes[b].mode.id)
        }
        for i in order {
            chosen[i] = bestFeasible(modes[i], index: i, jobs: jobs, used: used)
            add(modes[i].options[chosen[i]], mode: i, to: &jobs, used: &used)
        }
        // Local improvement: move one mode at a time while that lowers the total.
        for _ in 0..<3 {
            var changed = false
            for i in order {
                remove(mode: i, option: modes[i].options[chosen[i]], from: &jobs, used: &used)
                let best = bestFeasible(modes[i], index: i, jobs: jobs, used: used)
                if modes[i].options[best].cost < modes[i].options[chosen[i]].cost - 1e-9 {
                    chosen[i] = best
                    changed = true
                }
                add(modes[i].options[chosen[i]], mode: i, to: &jobs, used: &used)
            }
            if !changed { break }
        }
        return (chosen, jobs)
    }

    func stake(_ m: ModeCandidate) -> Double {
        let best = m.options.map(\.cost).min() ?? 0
        return m.options[m.nothing].cost - best
    }

    func bestFeasible(_ m: ModeCandidate, index: Int, jobs: [SlotChoice: [Job]], used: [String: Int]) -> Int {
        let ranked = m.options.indices.sorted { (m.options[$0].cost, $0) < (m.options[$1].cost, $1) }
        for k in ranked {
            let option = m.options[k]
            guard let action = option.action, let slot = option.slot else { return k }
            if let spares = context.input.spares[action.id], used[action.id, default: 0] >= spares { continue }
            // Now (a call-out) has no end: work waits for the crew, so anything a crew can do fits.
            if slot == .now {
                if action.crew <= capacity(.now).crew { return k }
                continue
            }
            let trial = (jobs[slot] ?? []) + [Job(mode: index, crew: action.crew, duration: action.duration.inSeconds)]
            if layout(trial, in: slot) != nil { return k }
        }
        return m.nothing
    }

    func add(_ option: Option, mode: Int, to jobs: inout [SlotChoice: [Job]], used: inout [String: Int]) {
        guard let action = option.action, let slot = option.slot else { return }
        jobs[slot, default: []].append(Job(mode: mode, crew: action.crew, duration: action.duration.inSeconds))
        used[action.id, default: 0] += 1
    }

    func remove(mode: Int, option: Option, from jobs: inout [SlotChoice: [Job]], used: inout [String: Int]) {
        guard let action = option.action, let slot = option.slot else { return }
        jobs[slot]?.removeAll { $0.mode == mode }
        used[action.id, default: 0] -= 1
    }

    /// Crew and length of a slot: a window's own; now, the plant's crew without an end.
    func capacity(_ slot: SlotChoice) -> (crew: Int, length: Double) {
        switch slot {
        case .now: return (context.input.plant.economics.crewCapacity, .infinity)
        case .window(let k):
            let w = context.slots[k]
            return (w.crew, w.end - max(w.start, context.now))
        }
    }

    /// Start offsets of the jobs (in the given order) within the slot, longest first, each at the
    /// earliest time its crew is free for its whole duration; nil if they do not fit.
    func layout(_ jobs: [Job], in slot: SlotChoice) -> [Double]? {
        Scheduler.layout(jobs.map { ($0.crew, $0.duration) }, crew: capacity(slot).crew, length: capacity(slot).length)
    }

    static func layout(_ jobs: [(crew: Int, duration: Double)], crew: Int, length: Double) -> [Double]? {
        let order = jobs.indices.sorted {
            (-jobs[$0].duration, -jobs[$0].crew, $0) < (-jobs[$1].duration, -jobs[$1].crew, $1)
        }
        var starts = [Double](repeating: 0, count: jobs.count)
        var placed: [(start: Double, end: Double, crew: Int)] = []
        for j in order {
            let job = jobs[j]
            guard job.crew <= crew else { return nil }
            let candidates = ([0.0] + placed.map(\.end)).sorted()
            var found: Double?
            for t in candidates where t + job.duration <= length + 1e-6 {
                // Crew in use is piecewise constant; check it at t and at every start inside the interval.
                let points = [t] + placed.map(\.start).filter { $0 > t && $0 < t + job.duration }
                let fits = points.allSatisfy { p in
                    placed.filter { $0.start <= p && p < $0.end }.reduce(0) { $0 + $1.crew } + job.crew <= crew
                }
                if fits {
                    found = t
                    break
                }
            }
            guard let start = found else { return nil }
            starts[j] = start
            placed.append((start, start + job.duration, job.crew))
        }
        return starts
    }
}

/// Whether jobs (technicians, seconds) fit a window of `crew` technicians and `length` seconds,
/// and where each starts (seconds after the window opens); nil if they do not fit.
public enum CrewLayout {
    public static func starts(_ jobs: [(crew: Int, duration: Double)], crew: Int, length: Double) -> [Double]? {
        Scheduler.layout(jobs, crew: crew, length: length)
    }
}
