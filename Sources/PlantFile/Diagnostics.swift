/// Where something is in a plant file: 1-based line and column, as editors count them.
public struct SourceLocation: Sendable, Equatable, Comparable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

/// One problem in a plant file, reported as `file:line:column: reason`.
public struct PlantFileProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var location: SourceLocation
    public var reason: String

    public init(file: String, location: SourceLocation, reason: String) {
        self.file = file
        self.location = location
        self.reason = reason
    }

    public var description: String { "\(file):\(location.line):\(location.column): \(reason)" }
}

/// Every problem found in one plant file, in file order. Nothing starts while there is one.
public struct PlantFileError: Error, Sendable, CustomStringConvertible {
    public var problems: [PlantFileProblem]
    public init(problems: [PlantFileProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Collects problems while a file is read, so one run reports all of them.
final class Diagnostics {
    let file: String
    private(set) var problems: [PlantFileProblem] = []

    init(file: String) { self.file = file }

    /// Records a problem; whatever the reason quotes from the file is made printable first.
    func report(_ reason: String, at location: SourceLocation) {
        let problem = PlantFileProblem(file: file, location: location, reason: printable(reason))
        if !problems.contains(problem) { problems.append(problem) }
    }

    var sortedProblems: [PlantFileProblem] {
        problems.enumerated().sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }.map(
            \.element)
    }
}

/// The closest candidate to a misspelt word, if it is close enough to be what was meant.
func closestMatch(to word: String, in candidates: [String]) -> String? {
    // Ties are broken by the distance without punctuation, so "mms" suggests "mm/s" rather than "m/s".
    func letters(_ s: String) -> String { s.lowercased().filter { $0.isLetter || $0.isNumber } }
    let scored = candidates.map {
        ($0, editDistance(word.lowercased(), $0.lowercased()), editDistance(letters(word), letters($0)))
    }
    guard let best = scored.min(by: { ($0.1, $0.2, $0.0) < ($1.1, $1.2, $1.0) }) else { return nil }
    return best.1 <= max(2, word.count / 3) ? best.0 : nil
}

/// Levenshtein distance between two strings.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// The hint appended to a message about an unknown name: "; did you mean 'x'?" when a candidate is
/// close; otherwise, with `listing`, "; use one of a, b, c"; else nothing.
func suggestion(for word: String, in candidates: [String], listing: Bool = false) -> String {
    if let match = closestMatch(to: word, in: candidates) { return "; did you mean '\(match)'?" }
    return listing && !candidates.isEmpty ? "; use one of \(candidates.joined(separator: ", "))" : ""
}

/// A duration as a plant file writes it: 300ms, 2s, 5m, 8h.
func formatDuration(_ duration: Duration) -> String {
    let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
    where milliseconds >= size && milliseconds % size == 0 {
        return "\(milliseconds / size)\(unit)"
    }
    return "\(milliseconds)ms"
}

/// `text` as a message may quote it: control characters, non-characters and other invisible
/// scalars become `\u{…}`, so a NUL or an escape sequence from a file never reaches a terminal raw.
func printable(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        let visible =
            scalar.properties.generalCategory != .control && scalar.properties.generalCategory != .format
            && !scalar.properties.isNoncharacterCodePoint
        out += visible ? String(scalar) : "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
    }
    return out
}
