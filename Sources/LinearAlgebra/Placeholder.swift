// Placeholder: the LinearAlgebra module is being written; this file is replaced.
