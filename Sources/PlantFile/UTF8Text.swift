/// Plant-file bytes as text, or where the first byte that is not UTF-8 sits, so that a binary or
/// Latin-1 file gets the line and column an editor would show instead of "cannot read".
enum UTF8Text {
    struct InvalidByte: Error {
        var location: SourceLocation
        var byte: UInt8
    }

    static func decode(_ bytes: [UInt8]) -> Result<String, InvalidByte> {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var line = 1
        var column = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return .success(String(decoding: bytes, as: UTF8.self))
            case .error:
                return .failure(InvalidByte(location: SourceLocation(line: line, column: column), byte: bytes[offset]))
            }
        }
    }
}
