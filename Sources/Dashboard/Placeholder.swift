// Placeholder: the Dashboard module is being written; this file is replaced.
