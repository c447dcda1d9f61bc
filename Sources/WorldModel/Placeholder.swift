// Placeholder: the WorldModel module is being written; this file is replaced.
