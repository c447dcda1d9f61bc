import Testing

@testable import PolicyEvaluation

@Suite("Window booking of the hindsight plan")
struct WindowBookingTests {
    /// Two windows of three technicians and 8 h; a job of two technicians for 6 h costs `base` in its
    /// own window (the second) and `base + early` in the first (the life its part loses), 10,000 more as a call-out.
    static func job(early: Double, base: Double = 3200) -> WindowBooking.Job {
        WindowBooking.Job(crew: 2, duration: 6 * 3600, costs: [base + early, base], callOut: base + 10_000)
    }
    static let windows = Array(repeating: WindowBooking.Window(crew: 3, length: 8 * 3600), count: 2)

    /// Two such jobs due in the second window cannot share it: the one that loses less by going
    /// early (the most slack) is booked in the first window instead of a call-out.
    @Test func movesTheJobWithMostSlackToAnEarlierWindow() {
        #expect(WindowBooking.book([Self.job(early: 90), Self.job(early: 20)], windows: Self.windows) == [1, 0])
        #expect(WindowBooking.book([Self.job(early: 20), Self.job(early: 90)], windows: Self.windows) == [0, 1])
    }

    /// Three such jobs: two windows hold two of them, the third (most slack) is left for a call-out.
    @Test func leavesForACallOutWhatNoWindowCanTake() {
        let jobs = [Self.job(early: 90), Self.job(early: 20), Self.job(early: 50)]
        #expect(WindowBooking.book(jobs, windows: Self.windows) == [1, 0, nil])
    }

    /// A window that would cost more than a call-out (the part would lose more life than the stop
    /// costs) is not used.
    @Test func prefersACallOutToAnEarlierWindowThatCostsMore() {
        let jobs = [Self.job(early: 15_000), Self.job(early: 12_000)]
        #expect(WindowBooking.book(jobs, windows: Self.windows) == [1, nil])
    }

    /// A job never goes to a window after its own, and jobs that fit together share a window.
    @Test func neverBooksLaterThanTheDeadline() {
        let early = WindowBooking.Job(crew: 1, duration: 3600, costs: [240], callOut: 2000)
        let late = WindowBooking.Job(crew: 1, duration: 3600, costs: [250, 240], callOut: 2000)
        #expect(WindowBooking.book([early, late], windows: Self.windows) == [0, 1])
        #expect(WindowBooking.book([late, late], windows: Self.windows) == [1, 1])
    }
}
