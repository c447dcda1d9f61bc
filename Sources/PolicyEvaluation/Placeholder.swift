// Placeholder: the PolicyEvaluation module is being written; this file is replaced.
