/// Pairs libmosquitto message ids with whoever waits for their acknowledgement (PUBACK, SUBACK).
///
/// The acknowledgement can arrive on the network thread before the requesting thread has stored
/// its waiter (the id is only known once the request call returns). So a requester calls
/// `beginRequest()` before the libmosquitto call and `endRequest` after it; acknowledgements that
/// arrive in between are remembered while any request is in progress, and forgotten otherwise, so
/// memory stays bounded by the requests in flight.
struct AcknowledgementTracker<Waiter, Info> {
    private var waiting: [Int32: Waiter] = [:]
    private var early: [Int32: Info] = [:]
    private var inProgress = 0

    mutating func beginRequest() { inProgress += 1 }

    /// Ends a request that returned `mid` (nil if it failed). Returns the acknowledgement's details
    /// when it already arrived: the waiter is then not stored and the caller completes it itself.
    mutating func endRequest(mid: Int32?, waiter: Waiter) -> Info? {
        inProgress -= 1
        defer { if inProgress == 0 { early.removeAll(keepingCapacity: true) } }
        guard let mid else { return nil }
        if let info = early.removeValue(forKey: mid) { return info }
        waiting[mid] = waiter
        return nil
    }

    /// The waiter of `mid`, removed; nil if nobody waits (yet).
    mutating func acknowledge(_ mid: Int32, _ info: Info) -> Waiter? {
        if let waiter = waiting.removeValue(forKey: mid) { return waiter }
        if inProgress > 0 { early[mid] = info }
        return nil
    }

    /// Every waiter, removed (on close, or when a new connection voids the old ids).
    mutating func removeAll() -> [Waiter] {
        defer { waiting.removeAll() }
        return Array(waiting.values)
    }

    var count: Int { waiting.count }
}
