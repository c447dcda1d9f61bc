#ifndef PROGNOS_CMODBUS_SHIM_H
#define PROGNOS_CMODBUS_SHIM_H
#include <modbus/modbus.h>
#include <errno.h>

/// errno is a macro on glibc; Swift reads it through this accessor.
static inline int cmodbus_errno(void) { return errno; }

/// libmodbus' own error numbers are macro expressions that Swift does not import.
static inline int cmodbus_error_base(void) { return MODBUS_ENOBASE; }
static inline int cmodbus_error_bad_crc(void) { return EMBBADCRC; }
static inline int cmodbus_error_bad_data(void) { return EMBBADDATA; }
static inline int cmodbus_error_bad_exception(void) { return EMBBADEXC; }
static inline int cmodbus_error_unknown_exception(void) { return EMBUNKEXC; }
static inline int cmodbus_error_missing_data(void) { return EMBMDATA; }
static inline int cmodbus_error_bad_slave(void) { return EMBBADSLAVE; }

/// Error recovery off: libmodbus' link/protocol recovery sleeps and reconnects on its own and
/// can block a poll for seconds (docs/architecture.md, platform facts); Prognos does its own capped backoff.
static inline int cmodbus_set_recovery_none(modbus_t *ctx) {
    return modbus_set_error_recovery(ctx, MODBUS_ERROR_RECOVERY_NONE);
}
#endif
