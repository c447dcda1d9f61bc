// Placeholder: the MQTT module is being written; this file is replaced.
