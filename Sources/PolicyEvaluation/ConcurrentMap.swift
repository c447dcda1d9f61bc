import Dispatch
import Synchronization

/// `transform` of every element, computed on the machine's cores at once, returned in the
/// elements' order (so what is computed does not depend on which thread computed it). The elements
/// are started in order: put the longest first. The first error thrown, in element order, is
/// rethrown.
func concurrentMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) throws -> R) throws -> [R] {
    let results = Mutex<[Result<R, any Error>?]>(Array(repeating: nil, count: items.count))
    DispatchQueue.concurrentPerform(iterations: items.count) { i in
        let result = Result { try transform(items[i]) }
        results.withLock { $0[i] = result }
    }
    return try results.withLock { $0 }.map { result in
        guard let result else { preconditionFailure("concurrentPerform ran every iteration") }
        return try result.get()
    }
}
