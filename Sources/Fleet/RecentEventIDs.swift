/// The event ids seen most recently, at most `capacity` of them (oldest forgotten first): QoS 1
/// may deliver an alarm twice, and a duplicate usually follows its original closely (a redelivery
/// after a reconnect). Older duplicates are still harmless: the insert is idempotent.
struct RecentEventIDs {
    let capacity: Int
    private var members: Set<String> = []
    private var order: [String] = []
    private var oldest = 0

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        members.reserveCapacity(capacity)
        order.reserveCapacity(capacity)
    }

    /// Remembers `id`; false when it was already remembered (a duplicate).
    mutating func insert(_ id: String) -> Bool {
        guard members.insert(id).inserted else { return false }
        if order.count < capacity {
            order.append(id)
        } else {
            members.remove(order[oldest])
            order[oldest] = id
            oldest = (oldest + 1) % capacity
        }
        return true
    }

    var count: Int { members.count }
}
