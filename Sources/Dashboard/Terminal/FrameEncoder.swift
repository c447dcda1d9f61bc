/// Turns frames into the bytes a terminal needs: only the cells that changed since the previous
/// frame, as runs with one cursor move and the fewest SGR changes. An unchanged frame writes nothing.
public struct FrameEncoder: Sendable {
    /// Emit colours (false under NO_COLOR: attributes such as reverse and bold stay).
    public var colors: Bool
    /// Replace every non-ASCII character with `?` (the ASCII fallback).
    public var asciiOnly: Bool
    /// Unchanged cells between two changed runs that are rewritten rather than skipped with a cursor
    /// move (a move costs about 8 bytes).
    public var gapToBridge: Int = 6

    public init(colors: Bool = true, asciiOnly: Bool = false) {
        self.colors = colors
        self.asciiOnly = asciiOnly
    }

    /// The bytes that turn `previous` (nil: unknown screen) into `next`.
    public func encode(from previous: Canvas?, to next: Canvas) -> [UInt8] {
        var out: [UInt8] = []
        let full = previous == nil || previous!.width != next.width || previous!.height != next.height
        if full { out.reserveCapacity(next.width * next.height + 256) }
        var pen = Style.plain
        var penKnown = false
        if full {
            out.append(contentsOf: Array("\u{1B}[0m\u{1B}[H\u{1B}[2J".utf8))
            penKnown = true
        }
        // Cursor position after the last write, nil when unknown.
        var cursor: (x: Int, y: Int)? = nil
        let width = next.width
        next.cells.withUnsafeBufferPointer { cells in
            let old = previous?.cells
            for y in 0..<next.height {
                let base = y * width
                var x = 0
                while x < width {
                    if !full, let old, old[base + x] == cells[base + x] {
                        x += 1
                        continue
                    }
                    // A run of changes from x, bridging short unchanged gaps.
                    var end = x + 1
                    if full {
                        end = width
                        // Skip trailing blanks of a full redraw: the clear made them.
                        while end > x, cells[base + end - 1] == .blank { end -= 1 }
                        if end == x { break }
                    } else if let old {
                        var scan = end
                        var lastChanged = x
                        while scan < width, scan - lastChanged <= gapToBridge {
                            if old[base + scan] != cells[base + scan] { lastChanged = scan }
                            scan += 1
                        }
                        end = lastChanged + 1
                    }
                    if cursor == nil || cursor!.x != x || cursor!.y != y {
                        appendMove(&out, x: x, y: y)
                    }
                    for i in x..<end {
                        let cell = cells[base + i]
                        if !penKnown || cell.style != pen {
                            appendStyle(&out, cell.style)
                            pen = cell.style
                            penKnown = true
                        }
                        appendScalar(&out, cell.scalar)
                    }
                    // With autowrap off the cursor stays in the last column after writing it.
                    cursor = end >= width ? nil : (end, y)
                    x = end
                }
            }
        }
        if penKnown && pen != .plain && !out.isEmpty { out.append(contentsOf: Array("\u{1B}[0m".utf8)) }
        return out
    }

    private func appendMove(_ out: inout [UInt8], x: Int, y: Int) {
        out.append(0x1B)
        out.append(UInt8(ascii: "["))
        appendNumber(&out, y + 1)
        out.append(UInt8(ascii: ";"))
        appendNumber(&out, x + 1)
        out.append(UInt8(ascii: "H"))
    }

    private func appendStyle(_ out: inout [UInt8], _ style: Style) {
        out.append(0x1B)
        out.append(UInt8(ascii: "["))
        out.append(UInt8(ascii: "0"))
        func param(_ n: Int) {
            out.append(UInt8(ascii: ";"))
            appendNumber(&out, n)
        }
        if style.bold { param(1) }
        if style.dim { param(2) }
        if style.underline { param(4) }
        if style.reverse { param(7) }
        if colors {
            if style.foreground != .default { param(style.foreground.foregroundCode) }
            if style.background != .default { param(style.background.backgroundCode) }
        }
        out.append(UInt8(ascii: "m"))
    }

    private func appendNumber(_ out: inout [UInt8], _ n: Int) {
        if n >= 10 { appendNumber(&out, n / 10) }
        out.append(UInt8(ascii: "0") + UInt8(n % 10))
    }

    private func appendScalar(_ out: inout [UInt8], _ scalar: Unicode.Scalar) {
        let v = scalar.value
        if v < 0x80 {
            out.append(UInt8(v))
        } else if asciiOnly {
            out.append(UInt8(ascii: "?"))
        } else if v < 0x800 {
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
