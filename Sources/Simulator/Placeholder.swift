// Placeholder: the Simulator module is being written; this file is replaced.
