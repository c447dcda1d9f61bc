/// A dense matrix of `Double` in row-major order.
///
/// A value type: copies are independent (copy-on-write through the backing array), so a model
/// holding matrices can be snapshotted or handed to another task without locks.
public struct Matrix: Sendable, Equatable, Hashable, Codable {
    public let rows: Int
    public let cols: Int
    /// Row-major storage: element (i, j) is at `i * cols + j`.
    public var elements: [Double]

    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.elements = [Double](repeating: value, count: rows * cols)
    }

    public init(rows: Int, cols: Int, elements: [Double]) {
        precondition(elements.count == rows * cols, "Matrix needs rows * cols elements")
        self.rows = rows
        self.cols = cols
        self.elements = elements
    }

    /// A matrix from an array of equally long rows.
    public init(_ rowArrays: [[Double]]) {
        let cols = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == cols }, "All rows must have the same length")
        self.init(rows: rowArrays.count, cols: cols, elements: rowArrays.flatMap { $0 })
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    public static func diagonal(_ values: [Double]) -> Matrix {
        var m = Matrix(rows: values.count, cols: values.count)
        for (i, v) in values.enumerated() { m[i, i] = v }
        return m
    }

    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get { elements[i * cols + j] }
        set { elements[i * cols + j] = newValue }
    }

    public func row(_ i: Int) -> [Double] { Array(elements[(i * cols)..<((i + 1) * cols)]) }

    public func column(_ j: Int) -> [Double] { (0..<rows).map { self[$0, j] } }

    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        for i in 0..<rows {
            for j in 0..<cols { t[j, i] = self[i, j] }
        }
        return t
    }

    /// The rows whose indices are given, in that order.
    public func selectingRows(_ indices: some Sequence<Int>) -> Matrix {
        var out: [Double] = []
        var n = 0
        for i in indices {
            out.append(contentsOf: elements[(i * cols)..<((i + 1) * cols)])
            n += 1
        }
        return Matrix(rows: n, cols: cols, elements: out)
    }

    /// The columns whose indices are given, in that order.
    public func selectingColumns(_ indices: [Int]) -> Matrix {
        var out = Matrix(rows: rows, cols: indices.count)
        for i in 0..<rows {
            for (k, j) in indices.enumerated() { out[i, k] = self[i, j] }
        }
        return out
    }

    /// The matrix with the given rows appended below.
    public func appendingRows(_ other: Matrix) -> Matrix {
        precondition(other.cols == cols || rows == 0, "Column counts differ")
        return Matrix(rows: rows + other.rows, cols: other.cols, elements: elements + other.elements)
    }
}
