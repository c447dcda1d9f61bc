// Placeholder: the Planner module is being written; this file is replaced.
