import Foundation
import Testing

@testable import Daemon

/// Freed heap blocks between live ones leave the resident set once the daemon trims (its memory
/// kept every load peak before, issue 20).
@Suite struct ResidentMemoryTests {
    @Test func freedBlocksBetweenLiveOnesLeaveTheResidentSet() {
        let blockSize = 64 * 1024  // below glibc's mmap threshold: from the heap
        // Each block with a small live one after it: freed, it lies between live blocks, where glibc
        // keeps it resident (it gives back only the free space at the top of a heap by itself).
        let blocks = (0..<256).map { _ in (freed: malloc(blockSize)!, live: malloc(64)!) }
        defer { for block in blocks { free(block.live) } }
        for block in blocks { memset(block.freed, 1, blockSize) }
        let pages = blocks.flatMap { innerPages(of: $0.freed, size: blockSize) }
        #expect(pages.count >= 256 * 14)
        #expect(pages.filter(isResident).count == pages.count)

        for block in blocks { free(block.freed) }
        ResidentMemory.returnFreedPages()
        // Nearly all gone (a block another test took meanwhile may have brought a few pages back).
        #expect(pages.filter(isResident).count < pages.count / 10)
    }

    /// The pages wholly inside a block, past the bytes that glibc writes into a freed block's start.
    private func innerPages(of block: UnsafeMutableRawPointer, size: Int) -> [UInt] {
        let page = UInt(ResidentMemory.pageSize)
        let start = UInt(bitPattern: block) + 64
        let first = (start + page - 1) / page
        let end = (UInt(bitPattern: block) + UInt(size)) / page
        return first < end ? (first..<end).map { $0 * page } : []
    }

    /// Whether the page at `address` is resident (`mincore`; a page no longer mapped is not).
    private func isResident(_ address: UInt) -> Bool {
        var status: UInt8 = 0
        return mincore(UnsafeMutableRawPointer(bitPattern: address), ResidentMemory.pageSize, &status) == 0
            && status & 1 == 1
    }
}
