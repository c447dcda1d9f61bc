import Foundation
import Testing

@testable import Dashboard

@Suite("Frames and keys")
struct TerminalTests {
    func frame(_ lines: [String], style: Style = .plain, width: Int = 20) -> Canvas {
        var canvas = Canvas(width: width, height: lines.count)
        for (y, line) in lines.enumerated() { canvas.put(line, x: 0, y: y, style: style) }
        return canvas
    }

    @Test("An unchanged frame writes nothing; a changed cell writes one move and the cell")
    func diff() {
        let encoder = FrameEncoder()
        let a = frame(["hello", "world"])
        #expect(encoder.encode(from: a, to: a).isEmpty)
        let b = frame(["hello", "wOrld"])
        let bytes = String(decoding: encoder.encode(from: a, to: b), as: UTF8.self)
        #expect(bytes == "\u{1B}[2;2H\u{1B}[0mO")
        // Two changes close together are one run; far apart, two moves.
        let c = frame(["hallo", "world"], width: 40)
        var d = c
        d.put("X", x: 0, y: 0)
        d.put("Y", x: 30, y: 0)
        let two = String(decoding: encoder.encode(from: c, to: d), as: UTF8.self)
        #expect(two.components(separatedBy: "H").count - 1 == 2)
    }

    @Test("A size change redraws everything; colours only with colour on")
    func fullRedrawAndColours() {
        let a = frame(["abc"], style: .fg(.red, bold: true))
        let colour = String(decoding: FrameEncoder(colors: true).encode(from: nil, to: a), as: UTF8.self)
        #expect(colour.hasPrefix("\u{1B}[0m\u{1B}[H\u{1B}[2J"))
        #expect(colour.contains("\u{1B}[0;1;31m"))
        let plain = String(decoding: FrameEncoder(colors: false).encode(from: nil, to: a), as: UTF8.self)
        #expect(plain.contains("\u{1B}[0;1m") && !plain.contains("31m"))
        let wider = frame(["abc"], width: 30)
        #expect(String(decoding: FrameEncoder().encode(from: a, to: wider), as: UTF8.self).contains("\u{1B}[2J"))
    }

    @Test("Keys from the bytes terminals send, sequences split across reads included")
    func keys() {
        var decoder = KeyDecoder()
        #expect(
            decoder.decode(Array("q/\r\u{7F}\t".utf8)) == [.character("q"), .character("/"), .enter, .backspace, .tab])
        #expect(decoder.decode([0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x42, 0x1B, 0x4F, 0x43]) == [.up, .down, .right])
        #expect(
            decoder.decode(Array("\u{1B}[5~\u{1B}[6~\u{1B}[H\u{1B}[4~\u{1B}[Z".utf8)) == [
                .pageUp, .pageDown, .home, .end, .backTab,
            ])
        #expect(decoder.decode([0x1B]) == [])
        #expect(decoder.hasPending)
        #expect(decoder.decode([0x5B, 0x44]) == [.left])
        #expect(decoder.decode([0x1B]) == [])
        #expect(decoder.flush() == [.escape])
        #expect(decoder.decode([0x03, 0x0C]) == [.control("c"), .control("l")])
        #expect(decoder.decode(Array("é".utf8)) == [.character("é")])
    }

    @Test("Columns drop by priority and share what is left")
    func columnsFit() {
        let specs = [
            ColumnSpec(key: 1, title: "A", minWidth: 10, maxWidth: 10),
            ColumnSpec(key: 2, title: "B", minWidth: 5, maxWidth: 30, dropPriority: 2),
            ColumnSpec(key: 3, title: "C", minWidth: 8, maxWidth: 8, dropPriority: 1),
        ]
        #expect(fitColumns(specs, total: 40).map(\.width) == [10, 20, 8])
        #expect(fitColumns(specs, total: 16).map(\.spec.key) == [1, 2])
    }
}
