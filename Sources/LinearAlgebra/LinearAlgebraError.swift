/// A failure reported by a LAPACK routine, with the routine's name and its `info` code.
///
/// `info > 0` means a numerical condition (a matrix not positive definite, an eigen solver that
/// did not converge); `info < 0` would be a programming error in this module and traps instead.
public struct LinearAlgebraError: Error, Sendable, Equatable, CustomStringConvertible {
    public let routine: String
    public let info: Int

    public var description: String {
        switch routine {
        case "dpotrf", "dposv":
            return "\(routine): matrix is not positive definite (leading minor \(info))"
        default:
            return "\(routine) failed with info \(info)"
        }
    }
}

/// Routes every LAPACK return code through one place: bad arguments are our bug, so they trap;
/// numerical failures become a typed error the caller can handle.
@usableFromInline
func checkLAPACK(_ info: Int32, _ routine: String) throws(LinearAlgebraError) {
    precondition(info >= 0, "\(routine): illegal argument \(-info) (bug in LinearAlgebra)")
    if info > 0 { throw LinearAlgebraError(routine: routine, info: Int(info)) }
}
