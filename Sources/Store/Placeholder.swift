// Placeholder: the Store module is being written; this file is replaced.
