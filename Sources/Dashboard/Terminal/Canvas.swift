/// One of the 16 ANSI colours (or the terminal's default).
public enum Color: UInt8, Sendable, Equatable, Hashable {
    case `default` = 0
    case black, red, green, yellow, blue, magenta, cyan, white
    case gray, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite

    /// SGR parameter for the foreground.
    var foregroundCode: Int {
        switch rawValue {
        case 0: 39
        case 1...8: 29 + Int(rawValue)
        default: 81 + Int(rawValue)
        }
    }

    /// SGR parameter for the background.
    var backgroundCode: Int { foregroundCode + 10 }
}

/// How a cell is drawn: colours and attributes. Without colour (NO_COLOR) only the attributes remain.
public struct Style: Sendable, Equatable, Hashable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(
        foreground: Color = .default, background: Color = .default, bold: Bool = false, dim: Bool = false,
        reverse: Bool = false, underline: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let dim = Style(dim: true)
    public static let reverse = Style(reverse: true)

    public static func fg(_ color: Color, bold: Bool = false) -> Style { Style(foreground: color, bold: bold) }

    /// This style with `other`'s attributes added (used for the selection bar).
    func adding(reverse: Bool = false, bold: Bool = false) -> Style {
        var s = self
        s.reverse = s.reverse || reverse
        s.bold = s.bold || bold
        return s
    }
}

/// One character cell of the screen. Every glyph the dashboard draws is one column wide.
public struct Cell: Sendable, Equatable {
    public var scalar: Unicode.Scalar
    public var style: Style

    public init(_ scalar: Unicode.Scalar = " ", _ style: Style = .plain) {
        self.scalar = scalar
        self.style = style
    }

    public static let blank = Cell()
}

/// A frame: a grid of cells that views draw into, then diffed against the previous frame.
public struct Canvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` from column `x` of row `y`, clipped to `limit` columns (and to the canvas);
    /// returns the columns written. Control characters become spaces; zero-width scalars are dropped.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let end = min(width, limit.map { x + max(0, $0) } ?? width)
        var column = x
        for scalar in text.unicodeScalars {
            if column >= end { break }
            if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .format {
                continue
            }
            let shown: Unicode.Scalar = scalar.value < 0x20 || scalar.value == 0x7f ? " " : scalar
            if column >= 0 { cells[y * width + column] = Cell(shown, style) }
            column += 1
        }
        return max(0, column - x)
    }

    /// Writes `text` padded with spaces or cut (with an ellipsis) to exactly `width` columns.
    public mutating func put(
        _ text: String, x: Int, y: Int, width columns: Int, style: Style = .plain, align: Alignment = .left,
        ellipsis: String = "…"
    ) {
        guard columns > 0 else { return }
        let fitted = fit(text, columns, align: align, ellipsis: ellipsis)
        put(fitted, x: x, y: y, style: style, limit: columns)
    }

    /// Sets the style of `count` cells from (`x`, `y`) keeping their characters.
    public mutating func restyle(x: Int, y: Int, count: Int, _ transform: (Style) -> Style) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, x + count) {
            cells[y * width + column].style = transform(cells[y * width + column].style)
        }
    }

    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ cell: Cell = .blank) {
        for row in max(0, y)..<min(height, y + h) {
            for column in max(0, x)..<min(width, x + w) { cells[row * width + column] = cell }
        }
    }

    /// The screen as a person reads it: one line per row, trailing spaces removed.
    public var text: String {
        var lines: [String] = []
        lines.reserveCapacity(height)
        for row in 0..<height {
            var line = String.UnicodeScalarView()
            for column in 0..<width { line.append(cells[row * width + column].scalar) }
            var string = String(line)
            while string.last == " " { string.removeLast() }
            lines.append(string)
        }
        return lines.joined(separator: "\n")
    }
}

public enum Alignment: Sendable { case left, right, center }

/// Number of columns `text` takes (every scalar but marks takes one).
func columns(_ text: String) -> Int {
    var n = 0
    for scalar in text.unicodeScalars
    where scalar.properties.generalCategory != .nonspacingMark && scalar.properties.generalCategory != .format {
        n += 1
    }
    return n
}

/// `text` padded or cut to `width` columns; a cut text ends with `ellipsis`.
func fit(_ text: String, _ width: Int, align: Alignment = .left, ellipsis: String = "…") -> String {
    guard width > 0 else { return "" }
    let n = columns(text)
    if n == width { return text }
    if n > width {
        let keep = max(0, width - columns(ellipsis))
        var out = String.UnicodeScalarView()
        var taken = 0
        for scalar in text.unicodeScalars {
            if taken >= keep { break }
            out.append(scalar)
            taken += 1
        }
        return String(out) + String(ellipsis.prefix(width))
    }
    let pad = String(repeating: " ", count: width - n)
    switch align {
    case .left: return text + pad
    case .right: return pad + text
    case .center:
        let left = (width - n) / 2
        return String(repeating: " ", count: left) + text + String(repeating: " ", count: width - n - left)
    }
}
