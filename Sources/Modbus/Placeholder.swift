// Placeholder: the Modbus module is being written; this file is replaced.
